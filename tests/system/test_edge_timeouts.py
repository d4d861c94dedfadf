"""Origin read and connect timeouts answer 504 and are counted."""
import socket
import time

from edge_fixtures import (edge_stack, http_origin, origins, put_domain,  # noqa: F401
                           read_response)


def test_origin_read_timeout_is_504(edge_stack, origins):
    redis_server, start = edge_stack
    slow = origins("slow")
    put_domain(redis_server.client(), "t.test", [http_origin(slow)])
    edge = start(env={"EDGE_ORIGIN_READ_TIMEOUT": "500ms"})
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", edge.http), timeout=10) as s:
        s.sendall(b"GET /slow HTTP/1.1\r\nHost: t.test\r\nx-origin-delay: 10\r\n\r\n")
        status, _, _ = read_response(s.makefile("rb"))
    elapsed = time.monotonic() - started
    assert status == 504
    # The read timeout, not the origin's 10 s answer, ended it (and the counter says which).
    assert 0.4 < elapsed < 8.0
    assert edge.metric("nginx_upstream_timeouts_total") == 1


def test_origin_connect_timeout_is_504(edge_stack):
    redis_server, start = edge_stack
    # A listener whose accept queue is full: Linux drops further SYNs, so connecting to it
    # only ends by the edge's connect timeout.
    blackhole = socket.socket()
    blackhole.bind(("127.0.0.1", 0))
    blackhole.listen(0)
    fillers = []
    for _ in range(4):
        c = socket.socket()
        c.setblocking(False)
        c.connect_ex(blackhole.getsockname())
        fillers.append(c)
    try:
        put_domain(redis_server.client(), "c.test",
                   [{"scheme": "http", "host": "127.0.0.1", "port": blackhole.getsockname()[1]}])
        edge = start(env={"EDGE_ORIGIN_CONNECT_TIMEOUT": "300ms"})
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", edge.http), timeout=10) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: c.test\r\n\r\n")
            status, _, _ = read_response(s.makefile("rb"))
        elapsed = time.monotonic() - started
        assert status == 504
        assert 0.25 < elapsed < 8.0  # the connect timeout, not the socket's own
        assert edge.metric("nginx_upstream_timeouts_total") == 1
    finally:
        for c in fillers:
            c.close()
        blackhole.close()


def test_an_origin_slower_than_the_client_header_timeout_is_still_answered(edge_stack, origins):
    """The client header timeout bounds reading the head; once the request is in, only the
    origin read timeout applies (the header deadline used to stay armed and cut the wait)."""
    redis_server, start = edge_stack
    slow = origins("slow")
    put_domain(redis_server.client(), "t.test", [http_origin(slow)])
    edge = start(env={"EDGE_CLIENT_HEADER_TIMEOUT": "1s", "EDGE_ORIGIN_READ_TIMEOUT": "8s"})
    with socket.create_connection(("127.0.0.1", edge.http), timeout=15) as s:
        s.sendall(b"GET /slow HTTP/1.1\r\nHost: t.test\r\nx-origin-delay: 2.5\r\n\r\n")
        status, _, body = read_response(s.makefile("rb"))
    assert status == 200 and body == b"origin slow /slow"
    # The header timeout itself still works: a head never finished is closed.
    with socket.create_connection(("127.0.0.1", edge.http), timeout=15) as s:
        s.sendall(b"GET /never HTTP/1.1\r\nHost: t.test\r\n")
        assert s.recv(100) == b""  # closed without an answer once the 1 s passed
