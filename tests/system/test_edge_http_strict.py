"""The edge's strict HTTP/1.1 parsing: every ambiguity is rejected with a short body and the
connection is closed (issue 4; spec §11)."""
import pytest

from edge_fixtures import edge_stack, http_origin, origins, put_domain, raw_exchange  # noqa: F401

CASES = [
    ("cl_with_te", b"POST / HTTP/1.1\r\nHost: s.test\r\nContent-Length: 3\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    ("duplicate_cl", b"POST / HTTP/1.1\r\nHost: s.test\r\nContent-Length: 3\r\n"
                     b"Content-Length: 3\r\n\r\nabc", 400),
    ("conflicting_cl", b"POST / HTTP/1.1\r\nHost: s.test\r\nContent-Length: 3\r\n"
                       b"Content-Length: 4\r\n\r\nabcd", 400),
    ("bare_lf", b"GET / HTTP/1.1\nHost: s.test\n\n", 400),
    ("obs_fold", b"GET / HTTP/1.1\r\nHost: s.test\r\nX-A: 1\r\n 2\r\n\r\n", 400),
    ("space_before_colon", b"GET / HTTP/1.1\r\nHost : s.test\r\n\r\n", 400),
    ("bad_chunk_size", b"POST / HTTP/1.1\r\nHost: s.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                       b"zz\r\nabc\r\n0\r\n\r\n", 400),
    ("missing_host", b"GET / HTTP/1.1\r\n\r\n", 400),
    ("unknown_te", b"POST / HTTP/1.1\r\nHost: s.test\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
    ("http2_version", b"GET / HTTP/2.0\r\nHost: s.test\r\n\r\n", 505),
    ("long_request_line", b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: s.test\r\n\r\n", 414),
    ("huge_headers", b"GET / HTTP/1.1\r\nHost: s.test\r\n" + b"X-Big: " + b"b" * 40000
                     + b"\r\n\r\n", 431),
]


@pytest.mark.parametrize("name,request_bytes,status", CASES, ids=[c[0] for c in CASES])
def test_malformed_request_is_rejected_and_connection_closed(edge_stack, origins, name,
                                                             request_bytes, status):
    redis_server, start = edge_stack
    origin = origins("o1")
    put_domain(redis_server.client(), "s.test", [http_origin(origin)])
    edge = start()
    # A valid request first proves the domain routes, so the rejection is the parser's.
    ok = raw_exchange(edge.http, b"GET /ok HTTP/1.1\r\nHost: s.test\r\nConnection: close\r\n\r\n")
    assert ok.startswith(b"HTTP/1.1 200"), ok[:200]
    before = origin.total

    reply = raw_exchange(edge.http, request_bytes)  # returns once the edge closed

    assert reply.startswith(b"HTTP/1.1 %d " % status), reply[:200]
    head, _, body = reply.partition(b"\r\n\r\n")
    assert b"connection: close" in head.lower()
    assert 0 < len(body) < 200
    if name != "bad_chunk_size":  # the head was valid: the origin may have seen it
        assert origin.total == before


def test_request_after_a_rejected_one_on_the_same_connection_is_not_served(edge_stack, origins):
    redis_server, start = edge_stack
    origin = origins("o1")
    put_domain(redis_server.client(), "s.test", [http_origin(origin)])
    edge = start()
    smuggle = (b"POST / HTTP/1.1\r\nHost: s.test\r\nContent-Length: 4\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n"
               b"Host: s.test\r\n\r\n")
    reply = raw_exchange(edge.http, smuggle)
    assert reply.count(b"HTTP/1.1 ") == 1
    assert "/smuggled" not in origin.counts
