"""Keep-alive and pipelining on the client side, pooled keep-alive connections to the
origin, and Expect: 100-continue."""
import socket

from edge_fixtures import (edge_stack, http_origin, origins, put_domain,  # noqa: F401
                           read_response)


def test_keep_alive_serves_many_requests_on_one_connection(edge_stack, origins):
    redis_server, start = edge_stack
    origin = origins("o1")
    put_domain(redis_server.client(), "k.test", [http_origin(origin)])
    edge = start()
    with socket.create_connection(("127.0.0.1", edge.http), timeout=5) as s:
        f = s.makefile("rb")
        for i in range(20):
            s.sendall(b"GET /ka/%d HTTP/1.1\r\nHost: k.test\r\n\r\n" % i)
            status, headers, body = read_response(f)
            assert status == 200
            assert body == b"origin o1 /ka/%d" % i
            assert "connection" not in headers or headers["connection"] != "close"


def test_pipelined_requests_are_answered_in_order(edge_stack, origins):
    redis_server, start = edge_stack
    origin = origins("o1")
    put_domain(redis_server.client(), "k.test", [http_origin(origin)])
    edge = start()
    with socket.create_connection(("127.0.0.1", edge.http), timeout=5) as s:
        batch = b"".join(b"GET /p/%d HTTP/1.1\r\nHost: k.test\r\n\r\n" % i for i in range(10))
        batch += b"POST /echo HTTP/1.1\r\nHost: k.test\r\nContent-Length: 5\r\n\r\nhello"
        batch += b"GET /p/last HTTP/1.1\r\nHost: K.TEST:80\r\n\r\n"
        s.sendall(batch)
        f = s.makefile("rb")
        for i in range(10):
            status, _, body = read_response(f)
            assert (status, body) == (200, b"origin o1 /p/%d" % i)
        status, _, body = read_response(f)
        assert status == 200 and b'"body_size": 5' in body
        status, _, body = read_response(f)
        assert body == b"origin o1 /p/last"


def test_connection_close_from_the_client_is_honoured(edge_stack, origins):
    redis_server, start = edge_stack
    origin = origins("o1")
    put_domain(redis_server.client(), "k.test", [http_origin(origin)])
    edge = start()
    with socket.create_connection(("127.0.0.1", edge.http), timeout=5) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: k.test\r\nConnection: close\r\n\r\n")
        f = s.makefile("rb")
        status, headers, _ = read_response(f)
        assert status == 200 and headers["connection"] == "close"
        assert f.read() == b""


def test_expect_100_continue_gets_an_interim_response_before_the_body(edge_stack, origins):
    redis_server, start = edge_stack
    origin = origins("o1")
    put_domain(redis_server.client(), "k.test", [http_origin(origin)])
    edge = start()
    with socket.create_connection(("127.0.0.1", edge.http), timeout=5) as s:
        s.sendall(b"PUT /echo HTTP/1.1\r\nHost: k.test\r\nExpect: 100-continue\r\n"
                  b"Content-Length: 4\r\n\r\n")
        f = s.makefile("rb")
        assert f.readline() == b"HTTP/1.1 100 Continue\r\n"
        assert f.readline() == b"\r\n"
        s.sendall(b"abcd")
        status, _, body = read_response(f)
        assert status == 200 and b'"body_size": 4' in body
        assert b"expect" not in body.lower()


def test_unknown_domain_is_404_and_the_connection_stays_usable(edge_stack, origins):
    redis_server, start = edge_stack
    origin = origins("o1")
    put_domain(redis_server.client(), "k.test", [http_origin(origin)])
    put_domain(redis_server.client(), "off.test", [http_origin(origin)], enabled=False)
    edge = start()
    with socket.create_connection(("127.0.0.1", edge.http), timeout=5) as s:
        f = s.makefile("rb")
        s.sendall(b"GET / HTTP/1.1\r\nHost: nope.test\r\n\r\n")
        assert read_response(f)[0] == 404
        s.sendall(b"GET / HTTP/1.1\r\nHost: off.test\r\n\r\n")
        assert read_response(f)[0] == 404
        s.sendall(b"GET / HTTP/1.1\r\nHost: k.test.\r\n\r\n")
        assert read_response(f)[0] == 200
    assert origin.total == 1
