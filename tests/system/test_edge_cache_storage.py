"""Cache storage: the memory tier stays within EDGE_CACHE_MEMORY under a working set twice its
size, and the disk tier (EDGE_CACHE_DIR) survives an edge restart, including purges made while
the edge was down (the purge log is replayed from the last entry the disk tier saw)."""
import json

from harness import wait_until
from edge_fixtures import (cache_stack, edge_stack, http_request, origins,  # noqa: F401
                           put_domain, http_origin)

H = "st.test"


def get(edge, path, headers=None):
    return http_request(edge.http, H, path, headers)


def test_memory_bound_is_respected_under_a_working_set_twice_its_size(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    body = b"m" * 20_000
    paths = [f"/obj/{i}" for i in range(105)]  # ~2.1 MB of bodies against a 1 MiB bound
    for p in paths:
        origin.script(p, headers={"Cache-Control": "max-age=300"}, body=body)
    edge = start(env={"EDGE_CACHE_MEMORY": "1m"})
    for _ in range(2):
        for p in paths:
            s, _, b = get(edge, p)
            assert s == 200 and b == body
    held = edge.metric('cirrus_cache_bytes{tier="memory"}')
    assert 0 < held <= 1 << 20
    assert edge.metric('cirrus_cache_capacity_bytes{tier="memory"}') == 1 << 20
    assert edge.metric('cirrus_cache_evictions_total{tier="memory"}') > 0


def test_disk_tier_survives_a_restart_and_replays_purges_missed_while_down(cache_stack, procs):
    redis_server, start, origin, domain = cache_stack
    domain(H)
    cache_dir = procs.tmp / "edge-cache"
    env = {"EDGE_CACHE_DIR": str(cache_dir), "EDGE_CACHE_DISK": "64m"}
    for p in ("/keep", "/gone"):
        origin.script(p, headers={"Cache-Control": "max-age=300"}, body=p.encode() * 100)
    edge = start(env=env)
    for p in ("/keep", "/gone"):
        get(edge, p)
    wait_until(lambda: edge.metric('cirrus_cache_objects{tier="disk"}') >= 2, 5, "disk writes")
    assert edge.proc.stop() == 0

    # While the edge is down, a purge is logged and announced; nobody hears the announcement.
    r = redis_server.client()
    payload = json.dumps({"domain": H, "path": "/gone"})
    r.xadd("cdn:purge:log", {"payload": payload})
    r.publish("cdn:purge", payload)

    edge2 = start(env=env, name="edge2")
    wait_until(lambda: edge2.metric("cirrus_purge_applied_total") >= 1, 5, "replayed purge")
    s, h, b = get(edge2, "/keep")
    assert (s, h["x-cache"], b) == (200, "HIT", b"/keep" * 100)
    assert get(edge2, "/gone")[1]["x-cache"] == "MISS"
    assert origin.count("/keep") == 1
    assert origin.count("/gone") == 2


def test_an_answer_is_stored_before_its_last_byte_reaches_the_client(cache_stack):
    # The client asks again on a new connection (maybe another worker) the moment it has the
    # answer: the object must already be there, whatever the origin's framing.
    _, start, origin, domain = cache_stack
    domain(H)
    edge = start()
    for i in range(20):
        for chunked in ("0", "1"):
            path = f"/again-{chunked}-{i}"
            headers = {"x-origin-chunked": chunked,
                       "x-origin-header-Cache-Control": "max-age=300"}
            first = get(edge, path, headers)
            assert (first[0], first[1]["x-cache"]) == (200, "MISS"), path
            second = get(edge, path, headers)
            assert (second[1]["x-cache"], second[2]) == ("HIT", first[2]), path
