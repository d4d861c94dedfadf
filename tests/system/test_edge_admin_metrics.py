"""Admin listener: /healthz and /metrics with the seed's metric names, and its ACL."""
import socket

from edge_fixtures import (edge_stack, http_origin, origins, put_domain,  # noqa: F401
                           read_response, recv_all)


def test_metrics_expose_seed_names_and_count_requests_by_host(edge_stack, origins):
    redis_server, start = edge_stack
    o = origins("o1")
    put_domain(redis_server.client(), "m.test", [http_origin(o)])
    edge = start()
    with socket.create_connection(("127.0.0.1", edge.http), timeout=5) as s:
        f = s.makefile("rb")
        for _ in range(3):
            s.sendall(b"GET / HTTP/1.1\r\nHost: m.test\r\n\r\n")
            assert read_response(f)[0] == 200
        s.sendall(b"GET / HTTP/1.1\r\nHost: unknown.test\r\n\r\n")
        assert read_response(f)[0] == 404
    text = edge.metrics()
    for name in ("nginx_http_requests_total", "nginx_http_request_duration_seconds",
                 "nginx_cache_status_total", "nginx_upstream_errors_total",
                 "nginx_upstream_timeouts_total", "nginx_upstream_response_seconds",
                 "nginx_ssl_handshake_errors_total", "cirrus_edge_connections",
                 "cirrus_edge_config_version", "cirrus_edge_tls_handshakes_total"):
        assert f"# TYPE {name}" in text, name
    assert edge.metric('nginx_http_requests_total{host="m.test",status="200"}') == 3
    assert edge.metric('nginx_http_requests_total{host="",status="404"}') == 1
    assert "unknown.test" not in text  # label values are bounded by configured domains


def test_metrics_are_forbidden_outside_the_allow_list(edge_stack):
    redis_server, start = edge_stack
    edge = start(env={"EDGE_METRICS_ALLOW": "10.0.0.0/8"}, health_status=b"403")
    with socket.create_connection(("127.0.0.1", edge.ports["admin"]), timeout=5) as s:
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = recv_all(s)
    assert reply.startswith(b"HTTP/1.1 403")
    assert b"nginx_" not in reply
