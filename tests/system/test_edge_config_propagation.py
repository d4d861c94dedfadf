"""Domain configuration reaches the edge within 100 ms of the write (cdn:conf), and the edge
keeps serving known domains while Redis is down (spec §11)."""
import socket
import time

from edge_fixtures import (edge_stack, http_origin, origins, put_domain,  # noqa: F401
                           read_response)
from harness import wait_until


def status_of(port: int, host: bytes, path: bytes = b"/") -> tuple[int, dict]:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (path, host))
        status, headers, _ = read_response(s.makefile("rb"))
        return status, headers


def test_new_domain_and_changed_origin_are_pushed_without_waiting_for_the_ttl(edge_stack, origins):
    # How fast is measured by bench/edge-cache/propagation; timings are not asserted here.
    redis_server, start = edge_stack
    a, b = origins("a"), origins("b")
    r = redis_server.client()
    edge = start(env={"EDGE_CONFIG_TTL_SECONDS": "3600"})  # only pub/sub can explain a change
    assert status_of(edge.http, b"new.test")[0] == 404

    put_domain(r, "new.test", [http_origin(a)])
    wait_until(lambda: status_of(edge.http, b"new.test")[0] == 200, 2, "new domain routed")

    put_domain(r, "new.test", [http_origin(b)])
    wait_until(lambda: status_of(edge.http, b"new.test")[1].get("x-origin-name") == "b", 2,
               "origin change applied")

    r.delete("cdn:dom:new.test")
    r.srem("cdn:domains", "new.test")
    r.publish("cdn:conf", "new.test")
    wait_until(lambda: status_of(edge.http, b"new.test")[0] == 404, 2, "domain removal")


def test_missed_notification_is_repaired_by_the_ttl(edge_stack, origins):
    redis_server, start = edge_stack
    a = origins("a")
    edge = start(env={"EDGE_CONFIG_TTL_SECONDS": "1"})
    put_domain(redis_server.client(), "quiet.test", [http_origin(a)], publish=False)
    wait_until(lambda: status_of(edge.http, b"quiet.test")[0] == 200, 3, "TTL re-read")


def test_edge_keeps_serving_known_domains_while_redis_is_down(edge_stack, origins):
    redis_server, start = edge_stack
    a = origins("a")
    put_domain(redis_server.client(), "keep.test", [http_origin(a)])
    edge = start(env={"EDGE_CONFIG_TTL_SECONDS": "1"})
    wait_until(lambda: status_of(edge.http, b"keep.test")[0] == 200, 3, "domain routed")
    redis_server.stop()
    deadline = time.monotonic() + 3  # three TTL periods without Redis
    while time.monotonic() < deadline:
        assert status_of(edge.http, b"keep.test")[0] == 200
        time.sleep(0.2)
    assert edge.healthy()
