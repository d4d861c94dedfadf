"""Request collapsing (spec §11): concurrent misses for one key make one origin request; the
waiters get the stored answer. What cannot be shared (private, another Vary variant) is
fetched by each request on its own, and a waiter stops waiting after the collapse timeout."""
import concurrent.futures

from edge_fixtures import (cache_stack, edge_stack, http_request, origins,  # noqa: F401
                           put_domain, http_origin)

H = "col.test"
N = 8


def parallel(edge, path, headers_for=lambda i: None):
    with concurrent.futures.ThreadPoolExecutor(N) as pool:
        futures = [pool.submit(http_request, edge.http, H, path, headers_for(i), "GET", 10)
                   for i in range(N)]
        return [f.result() for f in futures]


def test_concurrent_misses_cause_one_origin_request(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/slow", headers={"Cache-Control": "max-age=60"}, body=b"slow", delay=0.6)
    edge = start()
    results = parallel(edge, "/slow")
    assert all(s == 200 and b == b"slow" for s, _, b in results)
    assert origin.count("/slow") == 1
    caches = sorted(h["x-cache"] for _, h, _ in results)
    assert caches.count("MISS") == 1 and caches.count("HIT") == N - 1
    assert edge.metric("cirrus_cache_collapsed_requests_total") >= N - 1


def test_private_responses_are_not_shared_between_collapsed_requests(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/private", headers={"Cache-Control": "private"}, body=b"mine", delay=0.4)
    edge = start()
    results = parallel(edge, "/private")
    assert all(s == 200 for s, _, _ in results)
    assert all(h["x-cache"] == "MISS" for _, h, _ in results)
    assert origin.count("/private") == N


def test_non_matching_vary_variants_are_fetched_separately(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/vary", headers={"Cache-Control": "max-age=60", "Vary": "X-Variant"},
                  body=b"v", delay=0.4)
    edge = start()
    results = parallel(edge, "/vary", lambda i: {"X-Variant": str(i % 2)})
    assert all(s == 200 for s, _, _ in results)
    # One fetch per variant at most, plus waiters of the other variant refetching once.
    assert 2 <= origin.count("/vary") <= N
    assert http_request(edge.http, H, "/vary", {"X-Variant": "0"})[1]["x-cache"] == "HIT"
    assert http_request(edge.http, H, "/vary", {"X-Variant": "1"})[1]["x-cache"] == "HIT"


def test_waiters_give_up_after_the_collapse_timeout(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    # Longer than the collapse timeout (3 s), shorter than the origin read timeout (5 s here).
    origin.script("/stuck", headers={"Cache-Control": "max-age=60"}, body=b"s", delay=3.6)
    edge = start(env={"EDGE_ORIGIN_READ_TIMEOUT": "5s"})
    results = parallel(edge, "/stuck")
    assert [s for s, _, _ in results] == [200] * N
    assert origin.count("/stuck") > 1
    assert edge.metric("cirrus_cache_collapse_timeouts_total") >= 1
