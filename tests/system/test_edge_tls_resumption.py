"""TLS session resumption with the edge's session tickets (RFC 8446 §4.6.1, RFC 5077) and
handshake failures counted by phase (spec §11, §12). Key rotation itself is covered by the
unit tests (tests/unit/edge/ticket_keys_test.cc): the period is an hour."""
import socket
import ssl

import pytest

from edge_fixtures import (TestCA, edge_stack, http_origin, origins, put_cert,  # noqa: F401
                           put_domain, read_response, tls_edge)
from harness import wait_until


def client_context(version: ssl.TLSVersion, ca: str) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=ca)
    ctx.minimum_version = version
    ctx.maximum_version = version
    return ctx


def get(port: int, ctx: ssl.SSLContext, name: str, session=None):
    """One request; returns (status, body, session to resume, whether this one resumed)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname=name, session=session) as s:
            s.sendall(b"GET /resume HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                      % name.encode())
            # Reading the response also reads the TLS 1.3 NewSessionTicket messages, which
            # arrive after the handshake; only then does s.session carry a ticket.
            status, _, body = read_response(s.makefile("rb"))
            return status, body, s.session, s.session_reused


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2],
                         ids=["tls13", "tls12"])
def test_session_ticket_resumes_on_the_next_connections(tls_edge, version):
    r, ca, edge = tls_edge
    ctx = client_context(version, str(ca.cert))
    status, body, session, reused = get(edge.https, ctx, "one.test")
    assert (status, body, reused) == (200, b"origin o1 /resume", False)
    assert session is not None and session.has_ticket
    before = edge.metric("cirrus_edge_tls_resumed_handshakes_total")
    # Several connections, so that both workers' accept queues are exercised.
    for _ in range(6):
        status, body, session, reused = get(edge.https, ctx, "one.test", session)
        assert status == 200 and body == b"origin o1 /resume"
        assert reused, "the ticket did not resume"
    wait_until(lambda: edge.metric("cirrus_edge_tls_resumed_handshakes_total") - before >= 6, 3,
               "resumed handshakes counted")


def test_ticket_from_another_edge_process_does_not_resume(tls_edge, edge_stack):
    """Keys live in process memory: a restarted edge makes a full handshake, not an error."""
    r, ca, edge = tls_edge
    _, start = edge_stack
    other = start(name="edge2")
    wait_until(lambda: other.metric("cirrus_edge_tls_certificates") == 2, 5, "certificates")
    ctx = client_context(ssl.TLSVersion.TLSv1_3, str(ca.cert))
    _, _, session, _ = get(edge.https, ctx, "one.test")
    status, _, _, reused = get(other.https, ctx, "one.test", session)
    assert status == 200 and not reused


def test_client_rejecting_the_fallback_certificate_counts_the_certificate_phase(tls_edge):
    r, ca, edge = tls_edge
    before = edge.metric('nginx_ssl_handshake_errors_total{phase="certificate"}')
    ctx = client_context(ssl.TLSVersion.TLSv1_3, str(ca.cert))
    with pytest.raises(ssl.SSLCertVerificationError):
        get(edge.https, ctx, "unknown.test")
    wait_until(lambda: edge.metric('nginx_ssl_handshake_errors_total{phase="certificate"}')
               >= before + 1, 3, "certificate phase counted")


def test_plain_http_on_the_tls_port_counts_the_client_hello_phase(tls_edge):
    r, ca, edge = tls_edge
    with socket.create_connection(("127.0.0.1", edge.https), timeout=5) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: one.test\r\n\r\n")
        try:
            s.recv(100)
        except OSError:
            pass
    wait_until(lambda: edge.metric('nginx_ssl_handshake_errors_total{phase="client_hello"}') >= 1,
               3, "client_hello phase counted")
