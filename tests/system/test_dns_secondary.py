"""A real NSD secondary slaving the steering zone from `cirrus dns`: it catches up after each
change within 2 s (NOTIFY + IXFR), serves exactly the master's zone, and a restarted NSD picks
up the current serial."""

from dns_fixtures import (addresses, axfr_lines, dns_master, fqdn, nsd_port,  # noqa: F401
                          nsd_secondary, put_domain, put_node, r, set_active, wait_in_sync,
                          wait_serial_change)
from harness import wait_until


def fleet(r, domains=30):
    put_node(r, "n0", ipv4="192.0.2.1", ipv6="2001:db8::1", publish=False)
    put_node(r, "n1", ipv4="192.0.2.2", publish=False)
    put_node(r, "n2", ipv4="192.0.2.3", publish=False)
    for i in range(domains):
        put_domain(r, f"d{i}.example.com", publish=False)


def test_nsd_serves_the_same_zone_as_the_master(dns_master, nsd_secondary, nsd_port, r):
    fleet(r)
    m = dns_master(slaves=[f"127.0.0.1:{nsd_port}"])
    nsd = nsd_secondary(m, port=nsd_port)
    wait_in_sync(m, nsd)
    ours = axfr_lines(m.port)
    theirs = axfr_lines(nsd.port)
    assert len(ours) > 30
    assert ours == theirs


def test_a_change_is_answered_by_nsd_within_two_seconds(dns_master, nsd_secondary, nsd_port, r):
    fleet(r)
    m = dns_master(slaves=[f"127.0.0.1:{nsd_port}"])
    nsd = nsd_secondary(m, port=nsd_port)
    wait_in_sync(m, nsd)

    put_domain(r, "fresh.example.net")
    wait_until(lambda: addresses(nsd.port, fqdn("fresh.example.net")), 2.0,
               "nsd answers the new domain\n" + nsd.log())

    victim = next(iter(addresses(nsd.port, fqdn("fresh.example.net"))))
    node = {"192.0.2.1": "n0", "192.0.2.2": "n1", "192.0.2.3": "n2"}[victim]
    set_active(r, node, False)
    wait_until(lambda: victim not in addresses(nsd.port, fqdn("fresh.example.net")), 2.0,
               "nsd drops the deactivated node\n" + nsd.log())
    assert m.metric("cirrus_dns_notify_acks_total") >= 1


def test_small_changes_go_by_ixfr(dns_master, nsd_secondary, nsd_port, r):
    fleet(r)
    m = dns_master(slaves=[f"127.0.0.1:{nsd_port}"])
    nsd = nsd_secondary(m, port=nsd_port)
    first = wait_in_sync(m, nsd)
    for i in range(3):
        put_domain(r, f"ixfr{i}.example.net")
        wait_until(lambda: (s := wait_in_sync(m, nsd)) != first and s, 5, "nsd caught up")
        first = m.serial()
    assert m.metric("cirrus_dns_transfers_total", type="ixfr", result="ok") >= 1, nsd.log()
    assert axfr_lines(m.port) == axfr_lines(nsd.port)


def test_a_restarted_nsd_picks_up_the_current_serial(dns_master, nsd_secondary, nsd_port, r):
    fleet(r)
    m = dns_master(slaves=[f"127.0.0.1:{nsd_port}"])
    nsd = nsd_secondary(m, port=nsd_port)
    old = wait_in_sync(m, nsd)
    nsd.stop()
    put_domain(r, "while-down.example.net")
    new = wait_serial_change(m, old)
    nsd.start()
    assert wait_in_sync(m, nsd) == new
    assert addresses(nsd.port, fqdn("while-down.example.net"))
