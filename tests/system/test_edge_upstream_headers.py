"""Header rules on the origin request and the response (spec §5, RFC 9110 §7.6)."""
import json
import socket

from edge_fixtures import (edge_stack, http_origin, origins, put_domain,  # noqa: F401
                           read_response)


def exchange(port: int, request: bytes):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(request)
        return read_response(s.makefile("rb"))


def test_origin_sees_host_forwarding_headers_and_upstream_headers(edge_stack, origins):
    redis_server, start = edge_stack
    origin = origins("o1")
    put_domain(redis_server.client(), "h.test", [http_origin(origin)],
               upstream_headers={"X-From-CDN": "cirrus", "X-Replace": "configured"})
    edge = start()
    status, headers, body = exchange(
        edge.http,
        b"GET /echo?q=1 HTTP/1.1\r\nHost: H.Test:8080\r\nX-Forwarded-For: 10.0.0.1\r\n"
        b"Via: 1.1 upstream-proxy\r\nConnection: keep-alive, X-Secret\r\nX-Secret: hop\r\n"
        b"Keep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Connection: keep-alive\r\n"
        b"X-Replace: from-client\r\nX-Keep: yes\r\n\r\n")
    assert status == 200
    seen = {k.lower(): v for k, v in json.loads(body)["headers"]}
    assert seen["host"] == "h.test"
    assert seen["x-forwarded-for"] == "10.0.0.1, 127.0.0.1"
    assert seen["x-forwarded-proto"] == "http"
    assert seen["via"] == "1.1 upstream-proxy, 1.1 cirrus"
    assert seen["x-from-cdn"] == "cirrus"
    assert seen["x-replace"] == "configured"
    assert seen["x-keep"] == "yes"
    for hop in ("x-secret", "keep-alive", "te", "proxy-connection"):
        assert hop not in seen, hop
    assert json.loads(body)["request_line"] == "GET /echo?q=1 HTTP/1.1"
    # Response side: hop-by-hop fields of the origin are removed, Via added.
    assert "x-drop-me" not in headers and "keep-alive" not in headers
    assert headers["via"] == "1.1 cirrus"
    assert headers["x-origin-name"] == "o1"


def test_host_entry_in_upstream_headers_overrides_the_customer_domain(edge_stack, origins):
    redis_server, start = edge_stack
    origin = origins("o1")
    put_domain(redis_server.client(), "h2.test", [http_origin(origin)],
               upstream_headers={"Host": "origin.internal"})
    edge = start()
    _, _, body = exchange(edge.http, b"GET /echo HTTP/1.1\r\nHost: h2.test\r\n\r\n")
    seen = {k.lower(): v for k, v in json.loads(body)["headers"]}
    assert seen["host"] == "origin.internal"


def test_absolute_form_target_routes_by_its_authority(edge_stack, origins):
    redis_server, start = edge_stack
    origin = origins("o1")
    put_domain(redis_server.client(), "abs.test", [http_origin(origin)])
    edge = start()
    _, _, body = exchange(edge.http,
                          b"GET http://abs.test/echo HTTP/1.1\r\nHost: other.test\r\n\r\n")
    assert json.loads(body)["request_line"] == "GET /echo HTTP/1.1"
