"""DNS_STATIC_ZONES: an RFC 1035 master file served beside the steering zone through the same
server, transfer and NOTIFY code; NSD slaves it like the steering zone."""
import dns.rcode
import dns.rdatatype

from dns_fixtures import (BASE, addresses, axfr_lines, dns_master, nsd_port,  # noqa: F401
                          nsd_secondary, put_domain, put_node, query, r, wait_in_sync)
from harness import wait_until

ZONE = "static.example"
MASTER_FILE = """$ORIGIN static.example.
$TTL 300
@   IN SOA ns1.static.example. hostmaster.static.example. (
        2024010101 ; serial
        1h 10m 2w 60 )
    IN NS ns1
    IN MX 10 mail
ns1      IN A 192.0.2.53
www  600 IN A 192.0.2.80
         IN AAAA 2001:db8::80
mail     IN A 192.0.2.25
alias    IN CNAME www
txt      IN TXT "v=spf1 -all" "second string"
"""


def test_static_zone_is_served_and_slaved(dns_master, nsd_secondary, nsd_port, r, tmp_path):
    path = tmp_path / "static.zone"
    path.write_text(MASTER_FILE)
    put_node(r, "n0", ipv4="192.0.2.1", publish=False)
    put_domain(r, "www.example.com", publish=False)
    m = dns_master(slaves=[f"127.0.0.1:{nsd_port}"],
                   env={"DNS_STATIC_ZONES": f"{ZONE}={path}"})

    assert addresses(m.port, f"www.{ZONE}") == {"192.0.2.80"}
    assert addresses(m.port, f"www.{ZONE}", "AAAA") == {"2001:db8::80"}
    alias = query(m.port, f"alias.{ZONE}")
    assert [rr.rdtype for rr in alias.answer] == [dns.rdatatype.CNAME, dns.rdatatype.A]
    txt = query(m.port, f"txt.{ZONE}", "TXT")
    assert txt.answer[0][0].strings == (b"v=spf1 -all", b"second string")
    assert query(m.port, f"nope.{ZONE}").rcode() == dns.rcode.NXDOMAIN
    assert query(m.port, ZONE, "SOA").answer[0][0].serial == 2024010101
    # The steering zone is still there.
    assert addresses(m.port, f"www.example.com.{BASE}") == {"192.0.2.1"}

    nsd = nsd_secondary(m, port=nsd_port, zones=[BASE, ZONE])
    wait_in_sync(m, nsd)
    wait_until(lambda: addresses(nsd.port, f"www.{ZONE}") == {"192.0.2.80"}, 5,
               "nsd serves the static zone\n" + nsd.log())
    assert axfr_lines(m.port, zone=ZONE) == axfr_lines(nsd.port, zone=ZONE)
    assert len(axfr_lines(m.port, zone=ZONE)) == 9  # every record of the file, SOA once


def test_a_broken_master_file_stops_the_process_with_exit_2(procs, cirrus, redis_server,
                                                            tmp_path):
    path = tmp_path / "bad.zone"
    path.write_text("$TTL 300\n@ IN SOA ns1 hm 1 1 1 1 1\nwww IN SRV 0 0 80 x\n")
    from harness import free_port
    p = procs.spawn([cirrus, "dns"], name="dns-bad-zone", env={
        "REDIS_URL": redis_server.url, "CNAME_BASE_DOMAIN": BASE,
        "DNS_MASTER_BIND_ADDR": "127.0.0.1", "DNS_MASTER_PORT": str(free_port()),
        "DNS_METRICS_BIND": f"127.0.0.1:{free_port()}",
        "DNS_STATIC_ZONES": f"{ZONE}={path}"})
    wait_until(lambda: not p.alive(), 5, "cirrus dns to exit")
    assert p.popen.returncode == 2
    assert "DNS_STATIC_ZONES" in p.output() and "line 3" in p.output()
