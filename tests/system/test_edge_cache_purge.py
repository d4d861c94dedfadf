"""Purge (spec §6): the edge applies cdn:purge messages (the seed's {domain, path} payload and
the tag / soft extensions) within 50 ms, and replays cdn:purge:log after reconnecting, so a
purge it did not hear about is still applied. Purges are written the way the API writes them:
to the log first, then announced."""
import json

from harness import wait_until
from edge_fixtures import (cache_stack, edge_stack, http_request, origins,  # noqa: F401
                           put_domain, http_origin)

H = "p.test"


def get(edge, path, headers=None):
    return http_request(edge.http, H, path, headers)


def purge(r, publish=True, **message):
    payload = json.dumps({"domain": H, **message})
    r.xadd("cdn:purge:log", {"payload": payload})
    if publish:
        r.publish("cdn:purge", payload)


def cached(edge, path):
    return get(edge, path)[1]["x-cache"] == "HIT"


def warm(edge, origin, paths, headers=None):
    for p in paths:
        origin.script(p, headers=headers or {"Cache-Control": "max-age=300"}, body=p.encode())
        get(edge, p)
        assert cached(edge, p), p


def test_exact_path_purge_removes_only_that_path_and_records_its_lag(cache_stack):
    # How fast a purge lands is measured in bench/edge-cache/purge-lag (timings are not
    # asserted in tests); here: it lands, on exactly the path, and the lag is recorded.
    redis_server, start, origin, domain = cache_stack
    domain(H)
    edge = start()
    warm(edge, origin, ["/a.png", "/b.png", "/a.png?x=1"])
    r = redis_server.client()
    purge(r, path="/a.png")
    wait_until(lambda: edge.metric("cirrus_purge_applied_total") >= 1, 5, "purge applied")
    assert edge.metric("cirrus_purge_lag_seconds_count") == 1
    assert get(edge, "/a.png")[1]["x-cache"] == "MISS"
    assert cached(edge, "/b.png")
    assert cached(edge, "/a.png?x=1")  # an exact path includes its query


def test_seed_payload_published_without_a_log_entry_is_applied(cache_stack):
    redis_server, start, origin, domain = cache_stack
    domain(H)
    edge = start()
    warm(edge, origin, ["/ext"])
    redis_server.client().publish("cdn:purge", json.dumps({"domain": H, "path": "/ext"}))
    wait_until(lambda: edge.metric("cirrus_purge_applied_total") >= 1, 2, "purge applied")
    assert get(edge, "/ext")[1]["x-cache"] == "MISS"


def test_prefix_and_whole_domain_purges(cache_stack):
    redis_server, start, origin, domain = cache_stack
    domain(H)
    domain("other.test")
    edge = start()
    warm(edge, origin, ["/img/1", "/img/2", "/css/1"])
    origin.script("/img/1", headers={"Cache-Control": "max-age=300"}, body=b"o")
    http_request(edge.http, "other.test", "/img/1")
    r = redis_server.client()
    purge(r, path="/img/*")
    wait_until(lambda: edge.metric("cirrus_purge_applied_total") >= 1, 2, "prefix purge")
    assert get(edge, "/img/1")[1]["x-cache"] == "MISS"
    assert get(edge, "/img/2")[1]["x-cache"] == "MISS"
    assert cached(edge, "/css/1")
    purge(r, path="*")
    wait_until(lambda: edge.metric("cirrus_purge_applied_total") >= 2, 2, "domain purge")
    assert get(edge, "/css/1")[1]["x-cache"] == "MISS"
    # Another domain's objects are untouched.
    assert http_request(edge.http, "other.test", "/img/1")[1]["x-cache"] == "HIT"


def test_tag_purge_uses_surrogate_key_and_cache_tag(cache_stack):
    redis_server, start, origin, domain = cache_stack
    domain(H)
    edge = start()
    warm(edge, origin, ["/t1"], {"Cache-Control": "max-age=300", "Surrogate-Key": "red blue"})
    warm(edge, origin, ["/t2"], {"Cache-Control": "max-age=300", "Cache-Tag": "blue,green"})
    warm(edge, origin, ["/t3"], {"Cache-Control": "max-age=300", "Cache-Tag": "green"})
    assert "surrogate-key" not in get(edge, "/t1")[1]  # CDN-internal: stripped when stored
    purge(redis_server.client(), tag="blue")
    wait_until(lambda: edge.metric("cirrus_purge_applied_total") >= 1, 2, "tag purge")
    assert get(edge, "/t1")[1]["x-cache"] == "MISS"
    assert get(edge, "/t2")[1]["x-cache"] == "MISS"
    assert cached(edge, "/t3")


def test_soft_purge_marks_stale_and_revalidates(cache_stack):
    redis_server, start, origin, domain = cache_stack
    domain(H)
    edge = start()
    warm(edge, origin, ["/soft"], {"Cache-Control": "max-age=300", "ETag": '"s"'})
    warm(edge, origin, ["/swr"], {"Cache-Control": "max-age=300, stale-while-revalidate=60",
                                  "ETag": '"w"'})
    r = redis_server.client()
    purge(r, path="/soft", soft=True)
    purge(r, path="/swr", soft=True)
    wait_until(lambda: edge.metric("cirrus_purge_applied_total") >= 2, 2, "soft purges")
    s, h, b = get(edge, "/soft")
    assert (h["x-cache"], b) == ("REVALIDATED", b"/soft")  # a 304 keeps the body
    s, h, b = get(edge, "/swr")
    assert (h["x-cache"], b) == ("STALE", b"/swr")
    wait_until(lambda: origin.count("/swr") == 2, 3, "background revalidation")


def test_purge_missed_during_a_redis_outage_is_replayed_after_reconnect(cache_stack):
    redis_server, start, origin, domain = cache_stack
    domain(H)
    edge = start()
    warm(edge, origin, ["/outage", "/kept"])
    r = redis_server.client()
    # Logged but never announced (the publish was lost), then Redis restarts with its data.
    purge(r, publish=False, path="/outage")
    r.shutdown(save=True)
    wait_until(lambda: not redis_server.proc.alive(), 5, "redis stopped")
    assert cached(edge, "/outage")  # the edge keeps serving its cache meanwhile
    redis_server.start()
    wait_until(lambda: edge.metric("cirrus_purge_applied_total") >= 1, 10, "replayed purge")
    assert get(edge, "/outage")[1]["x-cache"] == "MISS"
    assert cached(edge, "/kept")
