"""Slicing (spec §5 slice): objects are fetched and cached in aligned blocks of slice.size;
single client ranges and full responses are cut from the blocks (206, 416, Content-Range,
If-Range), and a change of the origin object between blocks (ETag mismatch) is detected and
the blocks fetched again."""
import random

from edge_fixtures import (cache_stack, edge_stack, http_request, origins,  # noqa: F401
                           put_domain, http_origin)

H = "sl.test"
BLOCK = 65536
SIZE = 3 * BLOCK + 3392


def body_of(seed: int) -> bytes:
    return random.Random(seed).randbytes(SIZE)


def get(edge, path, headers=None):
    return http_request(edge.http, H, path, headers)


def ranges_asked(origin, path):
    return [r.get("range") for r in origin.requests_for(path)]


def sliced(cache_stack, path="/big", seed=1, etag='"v1"', ranges=True):
    _, start, origin, domain = cache_stack
    domain(H, slice={"enable": True, "size": BLOCK})
    body = body_of(seed)
    origin.script(path, headers={"Cache-Control": "max-age=300", "ETag": etag}, body=body,
                  ranges=ranges)
    return start(), origin, body


def test_full_response_is_assembled_from_blocks_and_then_cached(cache_stack):
    edge, origin, body = sliced(cache_stack)
    s, h, b = get(edge, "/big")
    assert (s, len(b), h["x-cache"]) == (200, SIZE, "MISS") and b == body
    assert h["content-length"] == str(SIZE) and "content-range" not in h
    assert ranges_asked(origin, "/big") == [f"bytes={i * BLOCK}-{(i + 1) * BLOCK - 1}"
                                            for i in range(4)]
    s, h, b = get(edge, "/big")
    assert (s, h["x-cache"], b == body) == (200, "HIT", True)
    assert origin.count("/big") == 4


def test_a_range_fetches_only_the_blocks_it_covers(cache_stack):
    edge, origin, body = sliced(cache_stack)
    s, h, b = get(edge, "/big", {"Range": "bytes=70000-140000"})
    assert s == 206 and b == body[70000:140001]
    assert h["content-range"] == f"bytes 70000-140000/{SIZE}"
    assert h["via"] == "1.1 cirrus"  # assembled from blocks, named like any cached answer
    assert ranges_asked(origin, "/big") == [f"bytes={BLOCK}-{2 * BLOCK - 1}",
                                            f"bytes={2 * BLOCK}-{3 * BLOCK - 1}"]
    s, h, b = get(edge, "/big", {"Range": "bytes=66000-70000"})
    assert (s, h["x-cache"], b) == (206, "HIT", body[66000:70001])


def test_suffix_range_unsatisfiable_range_and_if_range(cache_stack):
    edge, origin, body = sliced(cache_stack)
    s, h, b = get(edge, "/big", {"Range": "bytes=-100"})
    assert (s, b, h["content-range"]) == (206, body[-100:], f"bytes {SIZE - 100}-{SIZE - 1}/{SIZE}")
    s, h, b = get(edge, "/big", {"Range": f"bytes={SIZE + 10}-"})
    assert (s, h["content-range"], b) == (416, f"bytes */{SIZE}", b"")
    s, h, b = get(edge, "/big", {"Range": "bytes=0-9", "If-Range": '"v1"'})
    assert (s, b) == (206, body[:10])
    s, h, b = get(edge, "/big", {"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert (s, b == body) == (200, True)


def test_origin_change_between_blocks_is_detected_and_refetched(cache_stack):
    edge, origin, old = sliced(cache_stack)
    get(edge, "/big", {"Range": "bytes=0-9"})  # block 0 of version 1 is cached
    new = body_of(2)
    origin.script("/big", headers={"Cache-Control": "max-age=300", "ETag": '"v2"'}, body=new,
                  ranges=True)
    s, h, b = get(edge, "/big")
    assert s == 200 and b == new  # never a mix of two versions
    assert h["etag"] == '"v2"'
    s, h, b = get(edge, "/big", {"Range": "bytes=0-9"})
    assert (b, h["x-cache"]) == (new[:10], "HIT")


def test_origin_without_range_support_is_served_whole(cache_stack):
    edge, origin, body = sliced(cache_stack, ranges=False)
    s, h, b = get(edge, "/big")
    assert (s, b == body) == (200, True)
    s, h, b = get(edge, "/big", {"Range": "bytes=5-9"})
    assert (s, b) == (206, body[5:10])


def test_large_object_from_an_origin_without_ranges_is_streamed_uncached(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H, slice={"enable": True, "size": BLOCK})
    body = body_of(3)
    origin.script("/huge", headers={"Cache-Control": "max-age=300"}, body=body)
    edge = start(env={"EDGE_CACHE_MEMORY": "1m"})  # a whole answer may hold 64 KiB at most
    s, h, b = get(edge, "/huge")
    assert (s, b == body, h["x-cache"]) == (200, True, "MISS")
    assert "detail=too-large" in h["cache-status"]
