"""TLS termination by SNI with certificates from Redis, hot replacement and the fallback
certificate (spec §11)."""
import socket
import ssl

import pytest

from edge_fixtures import (TestCA, edge_stack, http_origin, origins, put_cert,  # noqa: F401
                           put_domain, read_response, tls_edge)
from harness import wait_until


def tls_get(port: int, name: str, ca: str | None) -> tuple[int, bytes, dict]:
    ctx = ssl.create_default_context(cafile=ca) if ca else ssl._create_unverified_context()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname=name) as s:
            cert = s.getpeercert(binary_form=False) if ca else {}
            s.sendall(b"GET /tls HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                      % name.encode())
            status, _, body = read_response(s.makefile("rb"))
            return status, body, cert


def serial_of(port: int, name: str) -> str:
    ctx = ssl._create_unverified_context()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname=name) as s:
            der = s.getpeercert(binary_form=True)
    import hashlib
    return hashlib.sha256(der).hexdigest()


def test_two_domains_get_their_own_certificates_verified_by_the_test_ca(tls_edge):
    r, ca, edge = tls_edge
    for d in ("one.test", "two.test"):
        status, body = wait_until(lambda d=d: tls_get(edge.https, d, str(ca.cert))[:2], 5,
                                  f"TLS for {d}")
        assert status == 200 and body == b"origin o1 /tls"


def test_replaced_certificate_is_used_by_the_next_handshake(tls_edge):
    r, ca, edge = tls_edge
    wait_until(lambda: tls_get(edge.https, "one.test", str(ca.cert)), 5, "first cert")
    before = serial_of(edge.https, "one.test")
    chain, key = ca.issue("one.test", tag="-v2")
    put_cert(r, "one.test", chain, key)
    wait_until(lambda: serial_of(edge.https, "one.test") != before, 2, "new certificate")
    assert tls_get(edge.https, "one.test", str(ca.cert))[0] == 200


def test_unknown_sni_gets_the_fallback_certificate(tls_edge):
    r, ca, edge = tls_edge
    with pytest.raises(ssl.SSLCertVerificationError):
        tls_get(edge.https, "unknown.test", str(ca.cert))
    ctx = ssl._create_unverified_context()
    with socket.create_connection(("127.0.0.1", edge.https), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname="unknown.test") as s:
            der = s.getpeercert(binary_form=True)
            assert s.version() in ("TLSv1.2", "TLSv1.3")
    assert b"cirrus-fallback" in der


def test_old_tls_versions_are_refused(tls_edge):
    r, ca, edge = tls_edge
    ctx = ssl._create_unverified_context()
    ctx.minimum_version = ssl.TLSVersion.TLSv1
    ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    with pytest.raises((ssl.SSLError, ConnectionError)):
        with socket.create_connection(("127.0.0.1", edge.https), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname="one.test"):
                pass
    wait_until(lambda: edge.metric('nginx_ssl_handshake_errors_total{phase="client_hello"}') >= 1,
               3, "handshake error counted")
