"""Fixtures for `cirrus worker` system tests: edges as fleet nodes, node records, workers.

Node health probes go to http://{node ipv4}:{NODE_HEALTH_PORT}/healthz, one port for the whole
fleet, so each node edge puts its admin listener (/healthz) on its own loopback address
(127.0.0.2, 127.0.0.3, ...) with the same port.
"""
from __future__ import annotations

import socket
import urllib.request

import pytest
import redis as redis_lib

from edge_fixtures import Edge
from harness import ProcessGroup, free_port, wait_until


def free_port_on(hosts: list[str]) -> int:
    """A TCP port free on every one of `hosts` right now."""
    for _ in range(100):
        port = free_port(hosts[0])
        try:
            for host in hosts[1:]:
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                    s.bind((host, port))
            return port
        except OSError:
            continue
    raise RuntimeError("no port free on every host")


class NodeEdge(Edge):
    """A `cirrus edge` whose admin listener is admin_host:admin_port."""

    def __init__(self, group: ProcessGroup, cirrus: str, redis_url: str, admin_host: str,
                 admin_port: int, name: str):
        self.admin_host = admin_host
        super().__init__(group, cirrus, redis_url, name=name,
                         env={"EDGE_ADMIN_BIND": f"{admin_host}:{admin_port}"},
                         ports={"http": free_port(), "https": free_port(), "admin": admin_port})

    def healthy(self) -> bool:
        if not self.proc.alive():
            raise AssertionError("edge exited:\n" + self.proc.output())
        try:
            with socket.create_connection((self.admin_host, self.ports["admin"]), timeout=1) as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                return s.recv(100).startswith(b"HTTP/1.1 200")
        except OSError:
            return False


def put_node(r: redis_lib.Redis, node_id: str, ipv4: str, enabled: bool = True) -> None:
    """A node record as the API writes it (NodeStore::create): admin and new-node health."""
    r.sadd("cdn:nodes", node_id)
    r.hset(f"cdn:node:{node_id}", mapping={
        "id": node_id, "name": node_id, "ipv4": ipv4, "ipv6": "", "site": "default",
        "enabled": "1" if enabled else "0", "active": "1", "fails": "0", "succs": "0",
        "last_check": "0", "last_error": ""})


class Worker:
    """A `cirrus worker` process with its metrics listener on a free loopback port."""

    def __init__(self, group: ProcessGroup, cirrus: str, redis_url: str, health_port: int,
                 name: str = "worker", env: dict | None = None):
        self.metrics_port = free_port()
        self.env = {
            "REDIS_URL": redis_url,
            "WORKER_METRICS_BIND": f"127.0.0.1:{self.metrics_port}",
            "NODE_HEALTH_PORT": str(health_port),
            "NODE_HEALTH_INTERVAL_SECS": "1",
            "NODE_HEALTH_TIMEOUT_SECS": "1",
            "NODE_HEALTH_FAILS_TO_DOWN": "2",
            "NODE_HEALTH_SUCCS_TO_UP": "2",
            "LOG_LEVEL": "info",
        }
        self.env.update(env or {})
        self.proc = group.spawn([cirrus, "worker"], name=name, env=self.env)
        wait_until(self.healthy, 15, f"{name} /healthz")

    def healthy(self) -> bool:
        if not self.proc.alive():
            raise AssertionError("worker exited:\n" + self.proc.output())
        try:
            return self._get("/healthz").startswith("ok")
        except OSError:
            return False

    def _get(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}{path}",
                                    timeout=2) as resp:
            return resp.read().decode()

    def metrics(self) -> str:
        return self._get("/metrics")

    def metric(self, line_prefix: str) -> float:
        """Value of the first sample whose name and labels start with line_prefix (0 if none)."""
        for line in self.metrics().splitlines():
            if line.startswith(line_prefix) and not line.startswith("#"):
                return float(line.split()[-1])
        return 0.0


@pytest.fixture
def worker_stack(procs, redis_server, cirrus):
    """Redis, a fleet health port, and functions to start node edges and workers."""
    hosts = ["127.0.0.2", "127.0.0.3"]
    health_port = free_port_on(hosts)

    class Stack:
        redis = redis_server
        port = health_port

        @staticmethod
        def edge(host: str, name: str) -> NodeEdge:
            return NodeEdge(procs, cirrus, redis_server.url, host, health_port, name)

        @staticmethod
        def worker(name: str = "worker", **env) -> Worker:
            return Worker(procs, cirrus, redis_server.url, health_port, name=name, env=env)

    return Stack
