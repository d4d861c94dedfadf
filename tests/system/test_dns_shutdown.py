"""SIGTERM stops `cirrus dns` cleanly (exit 0) even with an idle TCP client connected and NOTIFY
retries pending for a secondary that never answers."""
import socket
import time

from dns_fixtures import dns_master, put_domain, put_node, r  # noqa: F401
from harness import free_port


def test_sigterm_exits_zero_promptly(dns_master, r):
    put_node(r, "n0", ipv4="192.0.2.1", publish=False)
    put_domain(r, "www.example.com", publish=False)
    m = dns_master(slaves=[f"127.0.0.1:{free_port()}"])  # nobody answers the NOTIFY
    idle = socket.create_connection(("127.0.0.1", m.port), timeout=2)
    try:
        started = time.monotonic()
        rc = m.proc.stop(timeout=10)
        assert rc == 0, m.output_tail()
        assert time.monotonic() - started < 5
    finally:
        idle.close()
