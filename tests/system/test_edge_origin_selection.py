"""Smooth weighted round-robin over a domain's origins, and failover on connect failure."""
import collections
import socket

from edge_fixtures import (edge_stack, http_origin, origins, put_domain,  # noqa: F401
                           read_response)
from harness import free_port


def names_of(port: int, n: int, host: bytes) -> list[str]:
    out = []
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        f = s.makefile("rb")
        for i in range(n):
            s.sendall(b"GET /w/%d HTTP/1.1\r\nHost: %s\r\n\r\n" % (i, host))
            status, headers, _ = read_response(f)
            assert status == 200
            out.append(headers["x-origin-name"])
    return out


def test_requests_spread_by_weight(edge_stack, origins):
    redis_server, start = edge_stack
    a, b = origins("a"), origins("b")
    put_domain(redis_server.client(), "w.test", [http_origin(a, 3), http_origin(b, 1)])
    edge = start(env={"EDGE_WORKERS": "1"})
    counts = collections.Counter(names_of(edge.http, 40, b"w.test"))
    assert counts == {"a": 30, "b": 10}


def test_failover_to_the_next_origin_when_one_refuses_connections(edge_stack, origins):
    redis_server, start = edge_stack
    live = origins("live")
    dead = {"scheme": "http", "host": "127.0.0.1", "port": free_port(), "weight": 5}
    put_domain(redis_server.client(), "f.test", [dead, http_origin(live, 1)])
    edge = start()
    assert set(names_of(edge.http, 12, b"f.test")) == {"live"}


def test_all_origins_down_is_502_and_counted(edge_stack):
    redis_server, start = edge_stack
    dead = [{"scheme": "http", "host": "127.0.0.1", "port": free_port()} for _ in range(2)]
    put_domain(redis_server.client(), "d.test", dead)
    edge = start()
    with socket.create_connection(("127.0.0.1", edge.http), timeout=5) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: d.test\r\n\r\n")
        status, _, body = read_response(s.makefile("rb"))
    assert status == 502 and body
    assert edge.metric("nginx_upstream_errors_total") == 1
