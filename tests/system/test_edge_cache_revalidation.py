"""Revalidation of stale objects (RFC 9111 §4.3: a 304 updates the stored headers),
stale-while-revalidate (RFC 5861 §3: stale served, exactly one background refresh) and
stale-if-error (RFC 5861 §4: stale served while the origin fails or is down)."""
import concurrent.futures
import time

from harness import wait_until
from edge_fixtures import (cache_stack, edge_stack, http_request, origins,  # noqa: F401
                           put_domain, http_origin)

H = "rv.test"


def get(edge, path, headers=None):
    return http_request(edge.http, H, path, headers)


def test_304_revalidation_updates_stored_headers_and_keeps_the_body(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/e", headers={"Cache-Control": "max-age=1", "ETag": '"v1"', "X-Gen": "1"},
                  body=b"body-v1")
    edge = start()
    get(edge, "/e")
    time.sleep(2.1)
    origin.script("/e", headers={"Cache-Control": "max-age=60", "ETag": '"v1"', "X-Gen": "2"},
                  body=b"")
    s, h, b = get(edge, "/e")
    assert (s, b, h["x-cache"], h["x-gen"]) == (200, b"body-v1", "REVALIDATED", "2")
    assert "fwd-status=304" in h["cache-status"]
    assert origin.requests_for("/e")[-1]["if-none-match"] == '"v1"'
    s, h, b = get(edge, "/e")
    assert (h["x-cache"], b) == ("HIT", b"body-v1")  # max-age=60 from the 304 now applies
    assert origin.count("/e") == 2


def test_revalidation_with_last_modified(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    lm = "Mon, 02 Nov 2026 10:00:00 GMT"
    origin.script("/lm", headers={"Cache-Control": "max-age=1", "Last-Modified": lm}, body=b"lm")
    edge = start()
    get(edge, "/lm")
    time.sleep(2.1)
    s, h, b = get(edge, "/lm")
    assert (h["x-cache"], b) == ("REVALIDATED", b"lm")
    assert origin.requests_for("/lm")[-1]["if-modified-since"] == lm


def test_changed_object_replaces_the_stale_one(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/c", headers={"Cache-Control": "max-age=1", "ETag": '"v1"'}, body=b"one")
    edge = start()
    get(edge, "/c")
    time.sleep(2.1)
    origin.script("/c", headers={"Cache-Control": "max-age=60", "ETag": '"v2"'}, body=b"two")
    s, h, b = get(edge, "/c")
    assert (h["x-cache"], b) == ("EXPIRED", b"two")
    assert (get(edge, "/c")[1]["x-cache"], get(edge, "/c")[2]) == ("HIT", b"two")


def test_stale_while_revalidate_serves_stale_and_refreshes_once(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/swr", headers={"Cache-Control": "max-age=1, stale-while-revalidate=30",
                                   "ETag": '"a"'}, body=b"old")
    edge = start()
    get(edge, "/swr")
    time.sleep(2.1)
    origin.script("/swr", headers={"Cache-Control": "max-age=60, stale-while-revalidate=30",
                                   "ETag": '"b"'}, body=b"new", delay=0.5)
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda _: get(edge, "/swr"), range(6)))
    # Served at once, stale, while exactly one background refresh runs.
    assert all((h["x-cache"], b) == ("STALE", b"old") for _, h, b in results)
    wait_until(lambda: get(edge, "/swr")[2] == b"new", 5, "refreshed object served")
    assert get(edge, "/swr")[1]["x-cache"] == "HIT"
    assert origin.count("/swr") == 2
    assert edge.metric("cirrus_cache_background_refreshes_total") == 1


def test_stale_if_error_serves_stale_on_5xx_and_with_the_origin_down(cache_stack, origins):
    redis_server, start, origin, domain = cache_stack
    domain(H)
    origin.script("/sie", headers={"Cache-Control": "max-age=1, stale-if-error=60"}, body=b"ok")
    origin.script("/plain", headers={"Cache-Control": "max-age=1"}, body=b"ok")
    edge = start()
    get(edge, "/sie")
    get(edge, "/plain")
    time.sleep(2.1)
    origin.script("/sie", status=503, body=b"down")
    origin.script("/plain", status=503, body=b"down")
    s, h, b = get(edge, "/sie")
    assert (s, b, h["x-cache"]) == (200, b"ok", "STALE")
    assert "ttl=-" in h["cache-status"]  # served stale (RFC 9211: a hit with negative ttl)
    s, h, b = get(edge, "/plain")
    assert (s, b) == (503, b"down")  # no stale-if-error: the error goes through
    origin.close()  # the origin goes away entirely: connection refused
    s, h, b = get(edge, "/sie")
    assert (s, b, h["x-cache"]) == (200, b"ok", "STALE")
    s, h, b = get(edge, "/sie", {"Cache-Control": "stale-if-error=0"})
    assert s == 200  # the response's own window still applies
