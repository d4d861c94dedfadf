"""One JSON access-log line per request (spec §11), reopened on SIGUSR1."""
import json
import os
import signal
import socket

from edge_fixtures import (edge_stack, http_origin, origins, put_domain,  # noqa: F401
                           read_response)
from harness import wait_until


def get(port: int, path: bytes):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET %s HTTP/1.1\r\nHost: log.test\r\nConnection: close\r\n\r\n" % path)
        return read_response(s.makefile("rb"))


def test_access_log_lines_carry_the_spec_fields_and_reopen_on_sigusr1(edge_stack, origins):
    redis_server, start = edge_stack
    o = origins("o1")
    put_domain(redis_server.client(), "log.test", [http_origin(o)])
    edge = start()
    get(edge.http, b"/first?x=\"1\"")
    lines = wait_until(lambda: edge.access_log.read_text().splitlines(), 3, "access log line")
    entry = json.loads(lines[-1])
    for field in ("time", "client", "host", "method", "path", "status", "bytes", "duration",
                  "cache", "origin", "upstream_time"):
        assert field in entry, field
    assert entry["host"] == "log.test" and entry["path"] == "/first?x=\"1\""
    assert entry["status"] == 200 and entry["bytes"] == len(b"origin o1 /first?x=\"1\"")
    assert entry["origin"] == f"127.0.0.1:{o.port}"

    rotated = edge.access_log.with_suffix(".1")
    os.rename(edge.access_log, rotated)
    edge.proc.signal(signal.SIGUSR1)
    wait_until(lambda: edge.access_log.exists(), 3, "log reopened")
    get(edge.http, b"/second")
    wait_until(lambda: "/second" in edge.access_log.read_text(), 3, "line in the new file")
    assert "/second" not in rotated.read_text()
