"""`cirrus acme-dns`: the acme-dns compatible HTTP API and the authoritative TXT answers, against
a real redis-server, with the requests a DNS-01 client (lego, certbot-dns-acmedns, the Cirrus
worker) sends and the queries a CA's resolver sends (dnspython and dig, UDP and TCP).
"""
from __future__ import annotations

import base64
import hashlib
import signal
import subprocess

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest
import requests

from acme_fixtures import ZONE, AcmeDns
from harness import wait_until


def digest(token: str) -> str:
    """RFC 8555 §8.4: the TXT value is base64url(SHA-256(key authorization)), 43 characters."""
    return base64.urlsafe_b64encode(hashlib.sha256(token.encode()).digest()).decode().rstrip("=")


@pytest.fixture
def acmedns(procs, cirrus, redis_server):
    return AcmeDns(procs, cirrus, redis_server.url)


def test_register_returns_acme_dns_shaped_credentials(acmedns, redis_server):
    account = acmedns.register()
    assert set(account) == {"username", "password", "fulldomain", "subdomain", "allowfrom"}
    assert len(account["password"]) == 40
    assert account["fulldomain"] == f"{account['subdomain']}.{ZONE}"
    assert account["allowfrom"] == []
    stored = redis_server.client().hgetall(f"cdn:acmedns:user:{account['username']}")
    assert stored["subdomain"] == account["subdomain"]
    assert account["password"] not in stored.values()  # only a salted hash is kept


def test_update_is_answered_over_udp_and_tcp_and_keeps_the_two_newest(acmedns):
    account = acmedns.register()
    fqdn = account["fulldomain"]
    first, second, third = digest("a.thumb"), digest("b.thumb"), digest("c.thumb")
    r = acmedns.update(account, first)
    assert r.status_code == 200 and r.json() == {"txt": first}
    assert acmedns.txt(fqdn) == [first]
    answer = acmedns.query(fqdn)
    assert answer.flags & dns.flags.AA
    assert all(rrset.ttl == 1 for rrset in answer.answer)
    assert acmedns.update(account, second).status_code == 200
    assert acmedns.txt(fqdn) == sorted([first, second])
    assert acmedns.update(account, third).status_code == 200
    assert acmedns.txt(fqdn) == sorted([second, third])
    assert acmedns.txt(fqdn.upper(), tcp=True) == sorted([second, third])
    dig = subprocess.run(["dig", "+short", "+tries=1", "+time=2", "-p", str(acmedns.dns_port),
                          "@127.0.0.1", fqdn, "TXT"], capture_output=True, text=True, timeout=10)
    assert sorted(dig.stdout.split()) == sorted([f'"{second}"', f'"{third}"'])


def test_wrong_key_and_unknown_user_are_401_forbidden(acmedns):
    account = acmedns.register()
    r = acmedns.update(account, digest("x"), key="A" * 40)
    assert r.status_code == 401 and r.json() == {"error": "forbidden"}
    r = acmedns.update(dict(account, username="8d1c4f5e-0000-4000-8000-000000000001"), digest("x"))
    assert r.status_code == 401 and r.json() == {"error": "forbidden"}


def test_other_accounts_subdomain_is_401(acmedns):
    mine, theirs = acmedns.register(), acmedns.register()
    r = acmedns.update(mine, digest("x"), subdomain=theirs["subdomain"])
    assert r.status_code == 401 and r.json() == {"error": "forbidden"}
    assert acmedns.query(theirs["fulldomain"]).answer == []


def test_allowfrom_is_enforced_on_the_source_address(acmedns):
    outside = acmedns.register({"allowfrom": ["192.0.2.0/24"]})
    assert outside["allowfrom"] == ["192.0.2.0/24"]
    r = acmedns.update(outside, digest("x"))
    assert r.status_code == 401 and r.json() == {"error": "forbidden"}
    inside = acmedns.register({"allowfrom": ["127.0.0.0/8", "[::1]/128"]})
    assert inside["allowfrom"] == ["127.0.0.0/8", "::1/128"]
    assert acmedns.update(inside, digest("x")).status_code == 200


def test_malformed_input_gets_acme_dns_error_names(acmedns):
    account = acmedns.register()
    r = acmedns.update(account, "too-short")
    assert r.status_code == 400 and r.json() == {"error": "bad_txt"}
    r = acmedns.update(account, digest("x")[:-1] + "=")
    assert r.status_code == 400 and r.json() == {"error": "bad_txt"}
    r = requests.post(acmedns.url + "/register", json={"allowfrom": ["10.0.0.1"]}, timeout=5)
    assert r.status_code == 400 and r.json() == {"error": "invalid_allowfrom_cidr"}
    r = requests.post(acmedns.url + "/register", data="{", timeout=5)
    assert r.status_code == 400 and r.json() == {"error": "malformed_json_payload"}


def test_zone_answers_soa_ns_nxdomain_nodata_and_refused(acmedns):
    soa = acmedns.query(ZONE, "SOA")
    assert soa.rcode() == dns.rcode.NOERROR and soa.flags & dns.flags.AA
    assert soa.answer[0][0].mname.to_text() == f"ns.{ZONE}."
    ns = acmedns.query(ZONE, "NS", tcp=True)
    assert [rr.target.to_text() for rr in ns.answer[0]] == [f"ns.{ZONE}."]
    unknown = acmedns.query(f"0f4b1e3c-9a2d-4c4e-8b1a-1234567890ab.{ZONE}")
    assert unknown.rcode() == dns.rcode.NXDOMAIN
    assert unknown.authority[0].rdtype == dns.rdatatype.SOA
    account = acmedns.register()
    nodata = acmedns.query(account["fulldomain"])
    assert nodata.rcode() == dns.rcode.NOERROR and nodata.answer == []
    assert nodata.authority[0].rdtype == dns.rdatatype.SOA
    outside = acmedns.query("www.example.com")
    assert outside.rcode() == dns.rcode.REFUSED
    assert not outside.flags & dns.flags.AA


def test_metrics_count_registrations_updates_and_queries(acmedns):
    account = acmedns.register()
    acmedns.update(account, digest("x"))
    acmedns.update(account, "bad")
    acmedns.query(account["fulldomain"])
    text = requests.get(acmedns.url + "/metrics", timeout=5).text
    assert 'cirrus_acmedns_registrations_total{result="created"} 1' in text
    assert 'cirrus_acmedns_updates_total{result="ok"} 1' in text
    assert 'cirrus_acmedns_updates_total{result="bad_txt"} 1' in text
    assert 'cirrus_acmedns_dns_queries_total{rcode="NOERROR"} 1' in text


def test_two_processes_sharing_redis_answer_the_same(procs, cirrus, redis_server):
    a = AcmeDns(procs, cirrus, redis_server.url, "acme-dns-a")
    b = AcmeDns(procs, cirrus, redis_server.url, "acme-dns-b")
    account = a.register()
    assert a.update(account, digest("one")).status_code == 200
    assert b.update(account, digest("two")).status_code == 200  # credentials are shared too
    expected = sorted([digest("one"), digest("two")])
    assert a.txt(account["fulldomain"]) == expected
    assert b.txt(account["fulldomain"], tcp=True) == expected


def test_sigterm_stops_cleanly_with_exit_zero(acmedns):
    acmedns.proc.signal(signal.SIGTERM)
    wait_until(lambda: not acmedns.proc.alive(), 10, "acme-dns exits after SIGTERM")
    assert acmedns.proc.popen.returncode == 0, acmedns.proc.output()
