"""Authoritative answers of `cirrus dns` for the steering zone: addresses of a domain written
into Redis, NXDOMAIN versus NODATA (with the SOA), REFUSED outside the zone, EDNS and
truncation, and garbage that must neither crash the server nor get more than a FORMERR."""
import os
import socket

import dns.flags
import dns.rcode
import dns.rdatatype

from dns_fixtures import (BASE, addresses, dns_master, fqdn, put_domain, put_node,  # noqa: F401
                          query, r)
from harness import wait_until


def test_answers_a_domain_written_into_redis(dns_master, r):
    put_node(r, "n1", ipv4="192.0.2.1", ipv6="2001:db8::1")
    put_domain(r, "www.example.com")
    m = dns_master()
    wait_until(lambda: addresses(m.port, fqdn("www.example.com")) == {"192.0.2.1"}, 3,
               "A of the access FQDN")
    assert addresses(m.port, fqdn("www.example.com"), "AAAA") == {"2001:db8::1"}
    resp = query(m.port, fqdn("www.example.com"))
    assert resp.flags & dns.flags.AA
    assert resp.answer[0].ttl == 60  # CNAME_DEFAULT_TTL
    # A domain added while running is answered after the debounced rebuild.
    before = m.serial()
    put_domain(r, "shop.example.org")
    wait_until(lambda: addresses(m.port, fqdn("shop.example.org")) == {"192.0.2.1"}, 2,
               "new domain answered within 2 s")
    assert m.serial() > before


def test_apex_has_soa_ns_and_glue(dns_master):
    m = dns_master()
    soa = query(m.port, BASE, "SOA")
    assert soa.rcode() == dns.rcode.NOERROR and soa.flags & dns.flags.AA
    assert soa.answer[0][0].mname.to_text() == f"ns1.{BASE}."
    ns = query(m.port, BASE, "NS")
    assert [rd.target.to_text() for rd in ns.answer[0]] == [f"ns1.{BASE}."]
    assert addresses(m.port, f"ns1.{BASE}") == {"127.0.0.1"}


def test_nxdomain_and_nodata_carry_the_soa(dns_master, r):
    put_node(r, "n1", ipv4="192.0.2.1")
    put_domain(r, "www.example.com")
    m = dns_master()
    wait_until(lambda: addresses(m.port, fqdn("www.example.com")), 3, "domain answered")

    nx = query(m.port, fqdn("unknown.example"))
    assert nx.rcode() == dns.rcode.NXDOMAIN
    assert nx.flags & dns.flags.AA
    assert [rr.rdtype for rr in nx.authority] == [dns.rdatatype.SOA]
    assert nx.authority[0].ttl == 60  # min(SOA TTL, SOA MINIMUM), RFC 2308 §3

    nodata = query(m.port, fqdn("www.example.com"), "MX")
    assert nodata.rcode() == dns.rcode.NOERROR and not nodata.answer
    assert [rr.rdtype for rr in nodata.authority] == [dns.rdatatype.SOA]

    # An empty non-terminal (example.com.<base> above www.example.com.<base>) is NODATA too.
    ent = query(m.port, f"example.com.{BASE}")
    assert ent.rcode() == dns.rcode.NOERROR and not ent.answer


def test_a_domain_without_eligible_nodes_is_nodata_not_nxdomain(dns_master, r):
    put_node(r, "n1", ipv4="192.0.2.1", active=False)
    put_domain(r, "www.example.com")
    m = dns_master()
    resp = query(m.port, fqdn("www.example.com"))
    assert resp.rcode() == dns.rcode.NOERROR and not resp.answer


def test_out_of_zone_is_refused(dns_master):
    m = dns_master()
    resp = query(m.port, "www.example.org")
    assert resp.rcode() == dns.rcode.REFUSED
    assert not resp.flags & dns.flags.AA


def test_large_answers_truncate_over_udp_and_fit_with_edns_or_tcp(dns_master, r):
    for i in range(30):
        put_node(r, f"n{i:02d}", ipv6=f"2001:db8::{i + 1:x}", publish=False)
    put_domain(r, "big.example")
    m = dns_master(env={"CNAME_REPLICAS_PER_SITE": "30"})
    name = fqdn("big.example")
    plain = query(m.port, name, "AAAA")
    assert plain.flags & dns.flags.TC
    edns = query(m.port, name, "AAAA", payload=1232)
    assert not edns.flags & dns.flags.TC
    assert len(edns.answer[0]) == 30
    assert edns.edns == 0 and edns.payload == 1232
    tcp = query(m.port, name, "AAAA", tcp=True)
    assert not tcp.flags & dns.flags.TC and len(tcp.answer[0]) == 30


def test_garbage_gets_formerr_or_nothing_and_the_server_survives(dns_master, r):
    put_node(r, "n1", ipv4="192.0.2.1")
    put_domain(r, "www.example.com")
    m = dns_master()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.3)
        # A readable header with a broken question: FORMERR with the same id.
        s.sendto(bytes.fromhex("abcd0000000100000000000003777777"), ("127.0.0.1", m.port))
        reply = s.recv(512)
        assert reply[:2] == b"\xab\xcd" and reply[3] & 0x0F == dns.rcode.FORMERR
        # Random bytes, a response (QR set) and a short datagram: FORMERR or silence.
        for payload in [os.urandom(n) for n in (1, 5, 11, 12, 40, 300, 1500)] + [
                bytes.fromhex("abcd8000000000000000000000")]:
            s.sendto(payload, ("127.0.0.1", m.port))
            try:
                reply = s.recv(4096)
                assert reply[3] & 0x0F == dns.rcode.FORMERR or reply[2] & 0x80
            except socket.timeout:
                pass
    # TCP: a length prefix promising more than is sent, then a zero-length message.
    with socket.create_connection(("127.0.0.1", m.port), timeout=2) as t:
        t.sendall(b"\x00\x00")
    with socket.create_connection(("127.0.0.1", m.port), timeout=2) as t:
        t.sendall(b"\x00\x20" + os.urandom(32))
        try:
            t.recv(512)
        except socket.timeout:
            pass
    assert addresses(m.port, fqdn("www.example.com")) == {"192.0.2.1"}
    assert m.proc.alive()
    assert m.metric("cirrus_dns_queries_total", rcode="FORMERR") >= 1


def test_several_queries_on_one_tcp_connection(dns_master, r):
    put_node(r, "n1", ipv4="192.0.2.1")
    put_domain(r, "www.example.com")
    m = dns_master()
    import dns.message
    import dns.query
    with socket.create_connection(("127.0.0.1", m.port), timeout=2) as s:
        for i in range(3):
            q = dns.message.make_query(fqdn("www.example.com"), "A")
            dns.query.send_tcp(s, q)
            resp, _ = dns.query.receive_tcp(s, expiration=None)
            assert resp.id == q.id and resp.answer
