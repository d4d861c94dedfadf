"""Who may transfer the zone: only CNAME_DNS_SLAVES addresses, over TCP, and with DNS_TSIG_KEY
set only with a valid TSIG (NSD configured with the key transfers; NOTIFY is signed too)."""
import dns.query
import dns.rcode
import dns.tsig
import dns.xfr
import dns.zone
import pytest

from dns_fixtures import (BASE, TSIG_KEY, TSIG_NAME, addresses, axfr_lines,  # noqa: F401
                          dns_master, fqdn, keyring, nsd_port, nsd_secondary, put_domain,
                          put_node, r, wait_in_sync)
from harness import wait_until


def axfr(port, source=None, signed=False):
    """The zone transferred by dnspython (which verifies every TSIG of a signed transfer)."""
    kwargs = {"keyring": keyring(), "keyname": TSIG_NAME,
              "keyalgorithm": dns.tsig.HMAC_SHA256} if signed else {}
    messages = dns.query.xfr("127.0.0.1", BASE, port=port, source=source, timeout=3,
                             lifetime=10, relativize=False, **kwargs)
    return dns.zone.from_xfr(messages, relativize=False)


def refused(fn):
    with pytest.raises(dns.xfr.TransferError) as e:
        fn()
    return e.value.rcode


def test_axfr_only_from_listed_addresses(dns_master, r):
    put_node(r, "n0", ipv4="192.0.2.1", publish=False)
    put_domain(r, "www.example.com", publish=False)
    m = dns_master(slaves=["127.0.0.2:53"])
    assert refused(lambda: axfr(m.port)) == dns.rcode.REFUSED
    zone = axfr(m.port, source="127.0.0.2")
    assert zone.get_rdataset(f"www.example.com.{BASE}.", "A") is not None
    assert m.metric("cirrus_dns_transfers_total", type="axfr", result="refused") >= 1
    assert m.metric("cirrus_dns_transfers_total", type="axfr", result="ok") >= 1


def test_with_a_key_unsigned_transfers_are_refused_and_signed_ones_work(dns_master, r):
    put_node(r, "n0", ipv4="192.0.2.1", publish=False)
    for i in range(1500):  # several transfer messages, each signed (RFC 8945 §5.3.1)
        put_domain(r, f"d{i}.example.com", publish=False)
    m = dns_master(slaves=["127.0.0.1:53"], tsig=TSIG_KEY)
    assert refused(lambda: axfr(m.port)) == dns.rcode.REFUSED
    zone = axfr(m.port, signed=True)
    assert zone.get_rdataset(f"d1499.example.com.{BASE}.", "A") is not None


def test_nsd_with_the_key_transfers_and_acknowledges_signed_notify(dns_master, nsd_secondary,
                                                                    nsd_port, r):
    put_node(r, "n0", ipv4="192.0.2.1", publish=False)
    put_domain(r, "www.example.com", publish=False)
    m = dns_master(slaves=[f"127.0.0.1:{nsd_port}"], tsig=TSIG_KEY)
    nsd = nsd_secondary(m, tsig=True, port=nsd_port)
    wait_in_sync(m, nsd)
    put_domain(r, "signed.example.net")
    wait_until(lambda: addresses(nsd.port, fqdn("signed.example.net")), 2.0,
               "nsd answers the new domain\n" + nsd.log())
    wait_until(lambda: m.metric("cirrus_dns_notify_acks_total") >= 1, 3, "signed notify acked")
    assert axfr_lines(m.port, tsig=True) == axfr_lines(nsd.port)
