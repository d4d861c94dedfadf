"""The edge cache's RFC 9111 behaviour on the request path (spec §11): freshness and expiry,
directives on both sides, Vary, Age, HEAD from GET, client conditionals and ranges from the
cache, unsafe-method invalidation, CDN-Cache-Control and the Cache-Status / X-Cache values.
Each test checks the response headers and how many requests reached the scripted origin."""
import time

from edge_fixtures import (cache_stack, edge_stack, http_request, origins,  # noqa: F401
                           put_domain, http_origin)

H = "c.test"


def get(edge, path, headers=None, method="GET", host=H):
    return http_request(edge.http, host, path, headers, method)


def test_fresh_response_is_served_from_cache_until_it_expires(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/f", headers={"Cache-Control": "max-age=2"}, body=b"fresh")
    edge = start()
    s, h, b = get(edge, "/f")
    assert (s, b, h["x-cache"]) == (200, b"fresh", "MISS")
    assert h["cache-status"].startswith("cirrus; fwd=uri-miss; fwd-status=200; stored")
    s, h, b = get(edge, "/f")
    assert (s, b, h["x-cache"]) == (200, b"fresh", "HIT")
    assert h["cache-status"].startswith("cirrus; hit; ttl=")
    assert "age" in h and int(h["age"]) <= 2
    assert origin.count("/f") == 1
    time.sleep(3.1)
    s, h, b = get(edge, "/f")
    assert h["x-cache"] == "EXPIRED" and b == b"fresh"
    assert origin.count("/f") == 2


def test_s_maxage_beats_max_age_and_expires_works_alone(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/s", headers={"Cache-Control": "max-age=0, s-maxage=60"}, body=b"s")
    later = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 60))
    origin.script("/e", headers={"Expires": later,
                                 "Date": time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                                                       time.gmtime())}, body=b"e")
    edge = start()
    for p in ("/s", "/e"):
        get(edge, p)
        assert get(edge, p)[1]["x-cache"] == "HIT", p
        assert origin.count(p) == 1


def test_heuristic_freshness_from_last_modified(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    old = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() - 86400 * 10))
    origin.script("/lm", headers={"Last-Modified": old}, body=b"lm")
    origin.script("/none", body=b"none")  # no freshness information at all
    edge = start()
    get(edge, "/lm")
    assert get(edge, "/lm")[1]["x-cache"] == "HIT"
    get(edge, "/none")
    assert get(edge, "/none")[1]["x-cache"] != "HIT"
    assert origin.count("/lm") == 1 and origin.count("/none") == 2


def test_no_store_private_set_cookie_are_never_stored(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/ns", headers={"Cache-Control": "no-store, max-age=60"}, body=b"x")
    origin.script("/pv", headers={"Cache-Control": "private, max-age=60"}, body=b"x")
    origin.script("/sc", headers={"Cache-Control": "max-age=60", "Set-Cookie": "a=b"}, body=b"x")
    edge = start()
    for p, reason in (("/ns", "origin-no-store"), ("/pv", "origin-private"),
                      ("/sc", "set-cookie")):
        s, h, _ = get(edge, p)
        assert h["x-cache"] == "MISS" and "stored" not in h["cache-status"], p
        assert reason in h["cache-status"], (p, h["cache-status"])
        assert get(edge, p)[1]["x-cache"] == "MISS"
        assert origin.count(p) == 2, p


def test_no_cache_response_is_revalidated_every_time(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/nc", headers={"Cache-Control": "no-cache", "ETag": '"v1"'}, body=b"nc")
    edge = start()
    assert get(edge, "/nc")[1]["x-cache"] == "MISS"
    s, h, b = get(edge, "/nc")
    assert (s, b, h["x-cache"]) == (200, b"nc", "REVALIDATED")
    assert origin.requests_for("/nc")[-1]["if-none-match"] == '"v1"'
    assert origin.count("/nc") == 2


def test_request_no_cache_and_cookie_bypass_with_bypass_on_cookie(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)  # bypass_on_cookie defaults to true
    origin.script("/b", headers={"Cache-Control": "max-age=60"}, body=b"b")
    edge = start()
    get(edge, "/b")
    s, h, _ = get(edge, "/b", {"Cookie": "session=1"})
    assert h["x-cache"] == "BYPASS" and "detail=cookie" in h["cache-status"] or \
        h["x-cache"] == "BYPASS"
    s, h, _ = get(edge, "/b", {"Cache-Control": "no-cache"})
    assert h["x-cache"] == "BYPASS"
    s, h, _ = get(edge, "/b", {"Pragma": "no-cache"})
    assert h["x-cache"] == "BYPASS"
    assert get(edge, "/b")[1]["x-cache"] == "HIT"
    assert origin.count("/b") == 4


def test_request_no_cache_revalidates_without_bypass_on_cookie(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H, bypass_on_cookie=False)
    origin.script("/r", headers={"Cache-Control": "max-age=60", "ETag": '"e"'}, body=b"r")
    edge = start()
    get(edge, "/r")
    assert get(edge, "/r", {"Cookie": "a=1"})[1]["x-cache"] == "HIT"
    assert get(edge, "/r", {"Cache-Control": "no-cache"})[1]["x-cache"] == "REVALIDATED"
    assert origin.count("/r") == 2


def test_authorization_requests_are_stored_only_when_the_response_allows(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/a1", headers={"Cache-Control": "max-age=60"}, body=b"secret")
    origin.script("/a2", headers={"Cache-Control": "public, max-age=60"}, body=b"shared")
    edge = start()
    auth = {"Authorization": "Bearer x"}
    s, h, _ = get(edge, "/a1", auth)
    assert "authorization" in h["cache-status"]
    assert get(edge, "/a1")[1]["x-cache"] == "MISS"
    get(edge, "/a2", auth)
    assert get(edge, "/a2")[1]["x-cache"] == "HIT"


def test_vary_keeps_one_variant_per_selecting_header_value(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/v", headers={"Cache-Control": "max-age=60", "Vary": "Accept-Encoding"},
                  body=b"v")
    edge = start()
    gz = {"Accept-Encoding": "gzip"}
    br = {"Accept-Encoding": "br"}
    assert get(edge, "/v", gz)[1]["x-cache"] == "MISS"
    s, h, _ = get(edge, "/v", br)
    assert h["x-cache"] == "MISS" and "fwd=vary-miss" in h["cache-status"]
    assert get(edge, "/v", gz)[1]["x-cache"] == "HIT"
    assert get(edge, "/v", br)[1]["x-cache"] == "HIT"
    assert get(edge, "/v")[1]["x-cache"] == "MISS"  # absent differs from any value
    assert origin.count("/v") == 3


def test_head_is_answered_from_a_cached_get(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/h", headers={"Cache-Control": "max-age=60"}, body=b"12345")
    edge = start()
    get(edge, "/h")
    s, h, b = get(edge, "/h", method="HEAD")
    assert (s, h["x-cache"], h["content-length"]) == (200, "HIT", "5")
    assert origin.count("/h") == 1
    # A HEAD miss is forwarded and stores nothing.
    s, h, _ = get(edge, "/h2", method="HEAD")
    assert h["x-cache"] == "MISS"


def test_client_conditionals_are_answered_from_cache(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    lm = "Mon, 02 Nov 2026 10:00:00 GMT"
    origin.script("/c", headers={"Cache-Control": "max-age=60", "ETag": '"abc"',
                                 "Last-Modified": lm}, body=b"cond")
    edge = start()
    get(edge, "/c")
    s, h, b = get(edge, "/c", {"If-None-Match": '"abc"'})
    assert (s, b, h["etag"], h["x-cache"]) == (304, b"", '"abc"', "HIT")
    s, _, b = get(edge, "/c", {"If-None-Match": '"other"'})
    assert (s, b) == (200, b"cond")
    s, _, _ = get(edge, "/c", {"If-Modified-Since": lm})
    assert s == 304
    s, _, _ = get(edge, "/c", {"If-Match": '"zzz"'})
    assert s == 412
    assert origin.count("/c") == 1


def test_single_ranges_are_served_from_a_cached_object(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/r", headers={"Cache-Control": "max-age=60", "ETag": '"r1"'},
                  body=b"0123456789")
    edge = start()
    get(edge, "/r")
    s, h, b = get(edge, "/r", {"Range": "bytes=2-4"})
    assert (s, b, h["content-range"]) == (206, b"234", "bytes 2-4/10")
    s, h, b = get(edge, "/r", {"Range": "bytes=-3"})
    assert (s, b) == (206, b"789")
    s, h, b = get(edge, "/r", {"Range": "bytes=20-"})
    assert (s, h["content-range"]) == (416, "bytes */10")
    s, _, b = get(edge, "/r", {"Range": "bytes=2-4", "If-Range": '"old"'})
    assert (s, b) == (200, b"0123456789")
    s, _, b = get(edge, "/r", {"Range": "bytes=2-4", "If-Range": '"r1"'})
    assert (s, b) == (206, b"234")
    assert origin.count("/r") == 1


def test_unsafe_method_invalidates_the_target(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/u", headers={"Cache-Control": "max-age=60"}, body=b"u")
    edge = start()
    get(edge, "/u")
    assert get(edge, "/u")[1]["x-cache"] == "HIT"
    s, h, _ = http_request(edge.http, H, "/u", {"Content-Length": "0"}, method="POST")
    assert h["x-cache"] == "BYPASS"
    assert get(edge, "/u")[1]["x-cache"] == "MISS"


def test_cdn_cache_control_takes_precedence_over_cache_control(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/cdn", headers={"Cache-Control": "no-store", "CDN-Cache-Control": "max-age=60"},
                  body=b"x")
    origin.script("/cdn2", headers={"Cache-Control": "max-age=60", "CDN-Cache-Control": "no-store"},
                  body=b"x")
    edge = start()
    get(edge, "/cdn")
    s, h, _ = get(edge, "/cdn")
    assert h["x-cache"] == "HIT"
    assert h["cache-control"] == "no-store"  # passed downstream unchanged
    get(edge, "/cdn2")
    assert get(edge, "/cdn2")[1]["x-cache"] == "MISS"


def test_uncacheable_status_is_not_stored_and_404_is_heuristically(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/500", status=500, headers={}, body=b"err")
    origin.script("/404", status=404, headers={"Cache-Control": "max-age=60"}, body=b"nf")
    edge = start()
    get(edge, "/500")
    assert get(edge, "/500")[1]["x-cache"] == "MISS"
    get(edge, "/404")
    s, h, _ = get(edge, "/404")
    assert (s, h["x-cache"]) == (404, "HIT")


def test_access_log_and_metrics_carry_the_cache_status(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/m", headers={"Cache-Control": "max-age=60"}, body=b"m")
    edge = start()
    get(edge, "/m")
    get(edge, "/m")
    get(edge, "/m", {"Cookie": "a=b"})
    assert edge.metric('nginx_cache_status_total{status="HIT"}') >= 1
    assert edge.metric('nginx_cache_status_total{status="MISS"}') >= 1
    assert edge.metric('nginx_cache_status_total{status="BYPASS"}') >= 1
    assert edge.metric('cirrus_cache_objects{tier="memory"}') >= 1
    assert edge.metric('cirrus_cache_bytes{tier="memory"}') > 0
    log = edge.access_log.read_text()
    assert '"cache":"hit"' in log and '"cache":"miss"' in log and '"cache":"bypass"' in log


def test_unsafe_method_invalidates_same_host_location_and_content_location(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    for p in ("/loc", "/cl", "/elsewhere"):
        origin.script(p, headers={"Cache-Control": "max-age=60"}, body=p.encode())
    origin.script("/form", headers={"Location": "/loc", "Content-Location": f"http://{H}/cl"},
                  body=b"ok")
    origin.script("/form2", headers={"Location": "http://other.test/elsewhere"}, body=b"ok")
    edge = start()
    for p in ("/loc", "/cl", "/elsewhere"):
        get(edge, p)
        assert get(edge, p)[1]["x-cache"] == "HIT"
    http_request(edge.http, H, "/form", {"Content-Length": "0"}, method="POST")
    http_request(edge.http, H, "/form2", {"Content-Length": "0"}, method="PUT")
    assert get(edge, "/loc")[1]["x-cache"] == "MISS"
    assert get(edge, "/cl")[1]["x-cache"] == "MISS"
    assert get(edge, "/elsewhere")[1]["x-cache"] == "HIT"  # another host is not touched
