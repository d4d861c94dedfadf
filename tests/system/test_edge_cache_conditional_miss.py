"""A client's conditional GET that misses: the edge asks the origin for the whole response
(without the client's validators), stores it and answers the conditional from the stored
object, so the next client hits. A Range on a miss stays with the origin (not stored), and purge
tags never reach clients, on the storing miss as on hits; hits carry Via like the miss did."""
from edge_fixtures import (cache_stack, edge_stack, http_request, origins,  # noqa: F401
                           put_domain, http_origin)

H = "cm.test"
LM = "Mon, 02 Nov 2026 10:00:00 GMT"
HEADERS = {"Cache-Control": "max-age=300", "ETag": '"abc"', "Last-Modified": LM}


def get(edge, path, headers=None):
    return http_request(edge.http, H, path, headers)


def test_matching_if_none_match_on_a_miss_stores_and_answers_304(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/c", headers=HEADERS, body=b"conditional body")
    edge = start()
    s, h, b = get(edge, "/c", {"If-None-Match": '"abc"'})
    assert (s, b, h["etag"], h["x-cache"]) == (304, b"", '"abc"', "MISS")
    assert "stored" in h["cache-status"]
    sent = origin.requests_for("/c")[0]
    assert "if-none-match" not in sent and "if-modified-since" not in sent
    s, h, b = get(edge, "/c")
    assert (s, h["x-cache"], b) == (200, "HIT", b"conditional body")
    assert origin.count("/c") == 1


def test_non_matching_conditionals_on_a_miss_get_the_stored_answer(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    for p in ("/other", "/ims", "/match"):
        origin.script(p, headers=HEADERS, body=p.encode())
    edge = start()
    s, h, b = get(edge, "/other", {"If-None-Match": '"zzz"'})
    assert (s, h["x-cache"], b) == (200, "MISS", b"/other")
    s, _, b = get(edge, "/ims", {"If-Modified-Since": LM})
    assert (s, b) == (304, b"")
    s, _, _ = get(edge, "/match", {"If-Match": '"zzz"'})
    assert s == 412
    for p in ("/other", "/ims", "/match"):
        assert get(edge, p)[1]["x-cache"] == "HIT"
        assert origin.count(p) == 1


def test_unstorable_answer_to_a_conditional_miss_is_sent_whole(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/p", headers={"Cache-Control": "private", "ETag": '"abc"'}, body=b"mine")
    edge = start()
    s, h, b = get(edge, "/p", {"If-None-Match": '"abc"'})
    assert (s, b) == (200, b"mine")  # a full answer always satisfies a conditional GET
    assert get(edge, "/p")[1]["x-cache"] == "MISS"
    assert origin.count("/p") == 2


def test_range_on_a_miss_goes_to_the_origin_and_is_not_stored(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/r", headers={"Cache-Control": "max-age=300"}, body=b"0123456789",
                  ranges=True)
    edge = start()
    s, h, b = get(edge, "/r", {"Range": "bytes=2-4"})
    assert (s, b, h["content-range"]) == (206, b"234", "bytes 2-4/10")
    assert origin.requests_for("/r")[0]["range"] == "bytes=2-4"
    s, h, b = get(edge, "/r")
    assert (s, h["x-cache"], b) == (200, "MISS", b"0123456789")
    assert get(edge, "/r", {"Range": "bytes=2-4"})[2] == b"234"  # now from the stored object
    assert origin.count("/r") == 2


def test_purge_tags_never_reach_clients_and_hits_carry_via(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/t", headers={"Cache-Control": "max-age=300", "Surrogate-Key": "a b",
                                 "Cache-Tag": "c,d"}, body=b"tagged")
    origin.script("/u", headers={"Cache-Control": "no-store", "Cache-Tag": "e"}, body=b"u")
    edge = start()
    s, miss, _ = get(edge, "/t")
    assert miss["x-cache"] == "MISS"
    s, hit, _ = get(edge, "/t")
    assert hit["x-cache"] == "HIT"
    for h in (miss, hit):
        assert "surrogate-key" not in h and "cache-tag" not in h
        assert h["via"] == "1.1 cirrus"
    assert "cache-tag" not in get(edge, "/u")[1]
