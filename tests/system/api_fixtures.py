"""Fixtures for `cirrus api` system tests: a real API process on a free port against the
test's own redis-server, plus a small HTTP client bound to it.

Use with `pytest_plugins = ["api_fixtures"]` in a test module.
"""
from __future__ import annotations

import pytest
import requests

from harness import free_port, wait_until

MASTER = "m" * 40  # MASTER_API_TOKEN used by every API test
ADMIN_PASSWORD = "admin-password-1"
VIEWER_PASSWORD = "viewer-password-1"


class Api:
    """A running `cirrus api` and helpers to call it."""

    def __init__(self, proc, port: int, redis_server):
        self.proc = proc
        self.port = port
        self.redis = redis_server
        self.base = f"http://127.0.0.1:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def request(self, method: str, path: str, *, token: str | None = None,
                session: requests.Session | None = None, **kw) -> requests.Response:
        headers = dict(kw.pop("headers", {}) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        s = session or requests
        return s.request(method, self.url(path), headers=headers, timeout=10,
                         allow_redirects=False, **kw)

    def master(self, method: str, path: str, **kw) -> requests.Response:
        return self.request(method, path, token=MASTER, **kw)

    def login(self, username: str, password: str) -> requests.Session:
        s = requests.Session()
        r = s.post(self.url("/api/v1/auth/login"),
                   json={"username": username, "password": password}, timeout=10)
        assert r.status_code == 200, r.text
        return s

    def create_user(self, username: str, password: str, role: str) -> None:
        r = self.master("POST", "/api/v1/users",
                        json={"username": username, "password": password, "role": role})
        assert r.status_code == 201, r.text

    def create_token(self, name: str, role: str) -> str:
        r = self.master("POST", "/api/v1/tokens", json={"name": name, "role": role})
        assert r.status_code == 201, r.text
        return r.json()["token"]

    def create_domain(self, domain: str, **extra) -> dict:
        body = {"domain": domain, "origins": [{"scheme": "http", "host": "origin.example"}]}
        body.update(extra)
        r = self.master("POST", "/api/v1/domains", json=body)
        assert r.status_code == 201, r.text
        return r.json()

    def output(self) -> str:
        return self.proc.output()


def start_api(procs, cirrus, redis_server, name: str = "api", **env) -> Api:
    port = free_port()
    full_env = {
        "API_BIND": f"127.0.0.1:{port}",
        "REDIS_URL": redis_server.url,
        "MASTER_API_TOKEN": MASTER,
        "LOG_FORMAT": "text",
        "LOG_LEVEL": "info",
    }
    full_env.update({k: str(v) for k, v in env.items()})
    proc = procs.spawn([cirrus, "api"], name=f"{name}-{port}", env=full_env)
    api = Api(proc, port, redis_server)

    def ready():
        if not proc.alive():
            raise AssertionError(f"cirrus api exited:\n{proc.output()}")
        return requests.get(api.url("/healthz"), timeout=2).status_code == 200

    wait_until(ready, 15, f"cirrus api on {port}")
    return api


@pytest.fixture
def api_server(procs, cirrus, redis_server) -> Api:
    """`cirrus api` with MASTER_API_TOKEN=MASTER and test endpoints on."""
    return start_api(procs, cirrus, redis_server, ENABLE_TEST_ENDPOINTS="true")


@pytest.fixture
def api_factory(procs, cirrus, redis_server):
    """Starts further API processes (other settings, replicas) on the same Redis."""
    def make(name: str = "api", **env) -> Api:
        return start_api(procs, cirrus, redis_server, name=name, **env)
    return make
