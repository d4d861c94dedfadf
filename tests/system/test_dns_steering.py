"""Spec §7 steering as seen through DNS answers: rendezvous picks per site, a deactivated node
leaves every answer, and a new node takes over only the names it wins."""
from dns_fixtures import (addresses, dns_master, fqdn, put_domain, put_node,  # noqa: F401
                          r, rendezvous_top, set_active)
from harness import wait_until

DOMAINS = [f"d{i}.example.com" for i in range(24)]


def ip_of(node_id: str) -> str:
    return "192.0.2." + str(int(node_id[1:]) + 1)


def answers(m) -> dict[str, set[str]]:
    return {d: addresses(m.port, fqdn(d)) for d in DOMAINS}


def expected(ids: list[str], k: int = 2) -> dict[str, set[str]]:
    return {d: {ip_of(n) for n in rendezvous_top(ids, fqdn(d), k)} for d in DOMAINS}


def setup_fleet(r, ids):
    for n in ids:
        put_node(r, n, ipv4=ip_of(n), publish=False)
    for d in DOMAINS:
        put_domain(r, d, publish=False)


def test_deactivating_a_node_removes_it_from_every_answer(dns_master, r):
    ids = ["n0", "n1", "n2", "n3"]
    setup_fleet(r, ids)
    m = dns_master()
    assert answers(m) == expected(ids)
    assert any(ip_of("n1") in a for a in answers(m).values())

    set_active(r, "n1", False)
    wait_until(lambda: answers(m) == expected(["n0", "n2", "n3"]), 3, "n1 gone from answers")
    assert all(ip_of("n1") not in a and len(a) == 2 for a in answers(m).values())

    # Disabling by the admin flag has the same effect.
    put_node(r, "n2", ipv4=ip_of("n2"), enabled=False)
    wait_until(lambda: answers(m) == expected(["n0", "n3"]), 3, "n2 gone from answers")


def test_adding_a_node_moves_only_the_names_it_wins(dns_master, r):
    ids = ["n0", "n1", "n2"]
    setup_fleet(r, ids)
    m = dns_master()
    before = answers(m)
    assert before == expected(ids)

    put_node(r, "n3", ipv4=ip_of("n3"))
    wait_until(lambda: answers(m) == expected(ids + ["n3"]), 3, "answers with n3")
    after = answers(m)
    moved = [d for d in DOMAINS if after[d] != before[d]]
    assert moved, "a new node wins some names (24 names, 4 nodes)"
    for d in DOMAINS:
        if d in moved:
            # Exactly one old pick was displaced, by the new node.
            assert ip_of("n3") in after[d] and len(after[d] & before[d]) == 1
        else:
            assert ip_of("n3") not in after[d]


def test_each_site_contributes_its_own_top_picks(dns_master, r):
    sites = {"fra": ["n0", "n1", "n2"], "nyc": ["n3", "n4", "n5"]}
    for site, ids in sites.items():
        for n in ids:
            put_node(r, n, ipv4=ip_of(n), site=site, publish=False)
    for d in DOMAINS:
        put_domain(r, d, publish=False)
    m = dns_master()
    for d in DOMAINS:
        want = set()
        for ids in sites.values():
            want |= {ip_of(n) for n in rendezvous_top(ids, fqdn(d), 2)}
        assert addresses(m.port, fqdn(d)) == want, d
