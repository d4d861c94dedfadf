"""SIGTERM drains in-flight requests and exits 0; a new edge binding the same ports while the
old one drains means no client request fails (zero-downtime restart)."""
import signal
import socket
import threading
import time

from edge_fixtures import (Edge, edge_stack, http_origin, origins, put_domain,  # noqa: F401
                           read_response)
from harness import wait_until


def one_request(port: int, path: bytes, extra: bytes = b"") -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET %s HTTP/1.1\r\nHost: g.test\r\nConnection: close\r\n%s\r\n"
                  % (path, extra))
        return read_response(s.makefile("rb"))[0]


def test_sigterm_finishes_in_flight_requests_then_exits_zero(edge_stack, origins):
    redis_server, start = edge_stack
    o = origins("o1")
    put_domain(redis_server.client(), "g.test", [http_origin(o)])
    edge = start()
    result = {}
    t = threading.Thread(target=lambda: result.setdefault(
        "status", one_request(edge.http, b"/slow", b"x-origin-delay: 1\r\n")))
    t.start()
    wait_until(lambda: o.counts.get("/slow"), 3, "request in flight")
    edge.proc.signal(signal.SIGTERM)
    t.join(10)
    assert result.get("status") == 200
    assert edge.proc.popen.wait(10) == 0


def test_restart_under_load_fails_no_request(edge_stack, origins, procs, cirrus):
    redis_server, start = edge_stack
    o = origins("o1")
    put_domain(redis_server.client(), "g.test", [http_origin(o)])
    old = start(name="edge-old")
    stop = threading.Event()
    failures: list[str] = []
    done = [0]

    def load():
        while not stop.is_set():
            try:
                status = one_request(old.http, b"/load")
                if status != 200:
                    failures.append(f"status {status}")
                done[0] += 1
            except OSError as exc:
                failures.append(repr(exc))
            time.sleep(0.005)

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    wait_until(lambda: done[0] > 50, 10, "load running")
    new = Edge(procs, cirrus, redis_server.url, name="edge-new", ports=dict(old.ports),
               env={"EDGE_ACCESS_LOG": "off"})
    # Both processes answer on the shared admin port: wait for the new one's own log line.
    wait_until(lambda: "edge serving" in new.proc.output(), 10, "new edge listening")
    old.proc.signal(signal.SIGTERM)
    assert old.proc.popen.wait(15) == 0
    before = done[0]
    wait_until(lambda: done[0] > before + 50, 10, "load served by the new edge")
    stop.set()
    for t in threads:
        t.join(10)
    assert new.healthy()
    assert failures == []
