"""Fixtures for `cirrus edge` system tests: a scripted origin, a test CA, an edge process.

The scripted origin is a threaded HTTP/1.1 server (http.server) steered by its path and by
request headers, so a test states what the origin does next to the request it sends:

  /anything                 200, body "origin <name> <path>"
  x-origin-status: 503      answer that status
  x-origin-delay: 1.5       sleep before answering (seconds)
  x-origin-chunked: 1       send the body chunked
  x-origin-bytes: N         a body of N bytes (streamed in 64 KiB pieces, never held whole)
  x-origin-header-<name>: v add response header <name>: v
  /echo                     reply with the request headers as JSON and the body's size and
                            SHA-256 (read streaming; Content-Length or chunked)

Every origin counts requests per path and keeps the last request's headers.

Scripted paths (cache tests): `origin.script(path, status=200, headers={...}, body=b"...",
delay=0)` makes requests for exactly that path (query included) return that answer, whatever
the request's x-origin-* headers say. A scripted ETag or Last-Modified answers a matching
If-None-Match / If-Modified-Since with 304 (the origin revalidates like a real server).
`origin.requests_for(path)` lists the headers of every request for a path.
"""
from __future__ import annotations

import hashlib
import json
import os
import pathlib
import socket
import socketserver
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import redis as redis_lib

from harness import ProcessGroup, RedisServer, free_port, wait_until


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output clean
        pass

    def _read_body(self):
        h = hashlib.sha256()
        size = 0
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                line = self.rfile.readline(1024).strip()
                n = int(line.split(b";")[0], 16)
                if n == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                remaining = n
                while remaining:
                    piece = self.rfile.read(min(remaining, 65536))
                    if not piece:
                        raise ConnectionError("short chunk")
                    h.update(piece)
                    size += len(piece)
                    remaining -= len(piece)
                self.rfile.read(2)
        else:
            remaining = int(self.headers.get("Content-Length", "0") or 0)
            while remaining:
                piece = self.rfile.read(min(remaining, 65536))
                if not piece:
                    raise ConnectionError("short body")
                h.update(piece)
                size += len(piece)
                remaining -= len(piece)
        return size, h.hexdigest()

    def _scripted(self, script: dict):
        if script.get("delay"):
            time.sleep(script["delay"])
        headers = dict(script.get("headers", {}))
        body = script.get("body", b"")
        status = script.get("status", 200)
        lower = {k.lower(): v for k, v in headers.items()}
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if status == 200 and ((inm and "etag" in lower and lower["etag"] in
                               [t.strip() for t in inm.split(",")])
                              or (not inm and ims and lower.get("last-modified") == ims)):
            status, body = 304, b""
        rng = self.headers.get("Range", "")
        if status == 200 and script.get("ranges") and rng.startswith("bytes="):
            a, _, b = rng[6:].partition("-")
            first, last = int(a), min(int(b) if b else len(body) - 1, len(body) - 1)
            if first >= len(body):
                status, body = 416, b""
                headers["Content-Range"] = f"bytes */{len(script['body'])}"
            else:
                status, body = 206, body[first:last + 1]
                headers["Content-Range"] = f"bytes {first}-{last}/{len(script['body'])}"
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if status in (204, 304):
            self.end_headers()
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self):
        origin = self.server.origin
        with origin.lock:
            origin.counts[self.path] = origin.counts.get(self.path, 0) + 1
            origin.last_headers = [(k, v) for k, v in self.headers.items()]
            origin.requests.setdefault(self.path, []).append(
                {k.lower(): v for k, v in self.headers.items()})
            origin.total += 1
            script = origin.scripts.get(self.path)
        if script is not None:
            self._read_body()
            return self._scripted(script)
        size, digest = self._read_body()
        delay = float(self.headers.get("x-origin-delay", "0"))
        if delay:
            time.sleep(delay)
        status = int(self.headers.get("x-origin-status", "200"))
        chunked = self.headers.get("x-origin-chunked") == "1"
        extra = [(k[len("x-origin-header-"):], v) for k, v in self.headers.items()
                 if k.lower().startswith("x-origin-header-")]
        if self.path.startswith("/echo"):
            body = json.dumps({"headers": [[k, v] for k, v in self.headers.items()],
                               "body_size": size, "body_sha256": digest,
                               "request_line": self.requestline}).encode()
            total = len(body)
            source = iter([body])
        elif self.headers.get("x-origin-bytes"):
            total = int(self.headers["x-origin-bytes"])

            def gen(total=total):
                block = b"x" * 65536
                left = total
                while left:
                    n = min(left, len(block))
                    yield block[:n]
                    left -= n
            source = gen()
        else:
            body = f"origin {origin.name} {self.path}".encode()
            total = len(body)
            source = iter([body])
        self.send_response(status)
        self.send_header("X-Origin-Name", origin.name)
        self.send_header("Connection", "keep-alive, X-Drop-Me")
        self.send_header("X-Drop-Me", "hop-by-hop")
        self.send_header("Keep-Alive", "timeout=5")
        for k, v in extra:
            self.send_header(k, v)
        if self.command == "HEAD" or status in (204, 304):
            self.send_header("Content-Length", str(total))
            self.end_headers()
            return
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in source:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(total))
            self.end_headers()
            for piece in source:
                self.wfile.write(piece)

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _handle


class _Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default listen backlog is 5: a burst of concurrent edge connections (the
    # collapse waiters that give up together) overflows it, the kernel drops SYNs, and the
    # retransmission seconds later can outlast the edge's connect timeout on a loaded machine.
    request_queue_size = 128


class ScriptedOrigin:
    def __init__(self, name: str, port: int | None = None):
        self.name = name
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}
        self.total = 0
        self.last_headers: list[tuple[str, str]] = []
        self.requests: dict[str, list[dict]] = {}
        self.scripts: dict[str, dict] = {}
        self.server = _Server(("127.0.0.1", port or 0), _Handler)
        self.server.origin = self
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def script(self, path: str, status: int = 200, headers: dict | None = None,
               body: bytes = b"", delay: float = 0, ranges: bool = False) -> None:
        """ranges: answer a single "bytes=a-b" Range with 206 (or 416 past the end)."""
        with self.lock:
            self.scripts[path] = {"status": status, "headers": headers or {}, "body": body,
                                  "delay": delay, "ranges": ranges}

    def count(self, path: str) -> int:
        with self.lock:
            return self.counts.get(path, 0)

    def requests_for(self, path: str) -> list[dict]:
        with self.lock:
            return list(self.requests.get(path, []))

    def header(self, name: str) -> str | None:
        for k, v in self.last_headers:
            if k.lower() == name.lower():
                return v
        return None

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def origins():
    started: list[ScriptedOrigin] = []

    def make(name: str, port: int | None = None) -> ScriptedOrigin:
        o = ScriptedOrigin(name, port)
        started.append(o)
        return o
    yield make
    for o in started:
        o.close()


def put_domain(r: redis_lib.Redis, domain: str, origins: list[dict], publish: bool = True,
               **extra) -> dict:
    """Writes a DomainConf (spec §5) the way the API does, then announces it on cdn:conf."""
    conf = {"domain": domain, "origins": origins, **extra}
    r.set(f"cdn:dom:{domain}", json.dumps(conf))
    r.sadd("cdn:domains", domain)
    if publish:
        r.publish("cdn:conf", domain)
    return conf


def http_origin(o: ScriptedOrigin, weight: int = 1) -> dict:
    return {"scheme": "http", "host": "127.0.0.1", "port": o.port, "weight": weight}


class Edge:
    def __init__(self, group: ProcessGroup, cirrus: str, redis_url: str, env: dict | None = None,
                 name: str = "edge", ports: dict | None = None,
                 health_status: bytes = b"200"):
        self.group = group
        self.health_status = health_status
        self.ports = ports or {"http": free_port(), "https": free_port(), "admin": free_port()}
        self.access_log = group.tmp / f"{name}-access.log"
        self.env = {
            "REDIS_URL": redis_url,
            "EDGE_HTTP_BIND": f"127.0.0.1:{self.ports['http']}",
            "EDGE_HTTPS_BIND": f"127.0.0.1:{self.ports['https']}",
            "EDGE_ADMIN_BIND": f"127.0.0.1:{self.ports['admin']}",
            "EDGE_WORKERS": "2",
            "EDGE_ORIGIN_CONNECT_TIMEOUT": "1s",
            "EDGE_ORIGIN_READ_TIMEOUT": "2s",
            "EDGE_CONFIG_TTL_SECONDS": "5",
            "EDGE_ACCESS_LOG": str(self.access_log),
            "LOG_LEVEL": "info",
        }
        self.env.update(env or {})
        self.proc = group.spawn([cirrus, "edge"], name=name, env=self.env)
        wait_until(self.healthy, 15, f"{name} /healthz")

    @property
    def http(self) -> int:
        return self.ports["http"]

    @property
    def https(self) -> int:
        return self.ports["https"]

    def healthy(self) -> bool:
        if not self.proc.alive():
            raise AssertionError("edge exited:\n" + self.proc.output())
        try:
            with socket.create_connection(("127.0.0.1", self.ports["admin"]), timeout=1) as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                return s.recv(100).startswith(b"HTTP/1.1 " + self.health_status)
        except OSError:
            return False

    def metrics(self) -> str:
        with socket.create_connection(("127.0.0.1", self.ports["admin"]), timeout=2) as s:
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return recv_all(s).decode()

    def metric(self, line_prefix: str) -> float:
        for line in self.metrics().splitlines():
            if line.startswith(line_prefix + " "):
                return float(line.split()[-1])
        return 0.0


@pytest.fixture
def edge_stack(procs, redis_server, cirrus):
    """Redis + a function starting an edge against it."""
    def start(**kw) -> Edge:
        return Edge(procs, cirrus, redis_server.url, **kw)
    return redis_server, start


@pytest.fixture
def tls_edge(edge_stack, origins, tmp_path):
    """An edge (two workers) serving one.test and two.test over TLS with certificates from a
    test CA stored in Redis; returns (redis client, CA, edge) once both are loaded."""
    redis_server, start = edge_stack
    r = redis_server.client()
    ca = TestCA(tmp_path / "ca")
    o = origins("o1")
    for d in ("one.test", "two.test"):
        put_domain(r, d, [http_origin(o)])
        chain, key = ca.issue(d)
        put_cert(r, d, chain, key)
    edge = start()
    wait_until(lambda: edge.metric("cirrus_edge_tls_certificates") == 2, 5, "certificates loaded")
    return r, ca, edge


def recv_all(s: socket.socket, limit: int = 1 << 30) -> bytes:
    out = bytearray()
    while len(out) < limit:
        piece = s.recv(65536)
        if not piece:
            break
        out += piece
    return bytes(out)


def raw_exchange(port: int, data: bytes, timeout: float = 5) -> bytes:
    """Sends raw bytes, half-closes nothing, reads until the edge closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        return recv_all(s)


def read_response(f) -> tuple[int, dict, bytes]:
    """Reads one HTTP/1.1 response from a socket file (Content-Length or chunked)."""
    status_line = f.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    headers: dict[str, str] = {}
    while True:
        line = f.readline()
        if line in (b"\r\n", b""):
            break
        k, v = line.decode().split(":", 1)
        headers[k.strip().lower()] = v.strip()
    body = b""
    if "content-length" in headers:
        body = f.read(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            n = int(f.readline().split(b";")[0], 16)
            if n == 0:
                f.readline()
                break
            body += f.read(n)
            f.read(2)
    return status, headers, body


class TestCA:
    """A throwaway CA made with the openssl CLI; issues leaf certificates for names."""

    __test__ = False  # not a pytest test class despite its name

    def __init__(self, directory: pathlib.Path):
        self.dir = directory
        self.dir.mkdir(exist_ok=True)
        self.cert = self.dir / "ca.pem"
        self.key = self.dir / "ca.key"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", str(self.key), "-out",
                        str(self.cert), "-days", "2", "-subj", "/CN=Cirrus Test CA"],
                       check=True, capture_output=True)

    def issue(self, name: str, tag: str = "") -> tuple[str, str]:
        """(fullchain PEM, key PEM) for `name`; `tag` makes distinct certificates."""
        base = self.dir / f"{name}{tag}"
        ext = self.dir / f"{name}{tag}.ext"
        ext.write_text(f"subjectAltName=DNS:{name}\n")
        subprocess.run(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-keyout", f"{base}.key", "-out", f"{base}.csr", "-subj",
                        f"/CN={name}{tag}"], check=True, capture_output=True)
        subprocess.run(["openssl", "x509", "-req", "-in", f"{base}.csr", "-CA", str(self.cert),
                        "-CAkey", str(self.key), "-CAcreateserial", "-out", f"{base}.pem",
                        "-days", "1", "-extfile", str(ext)], check=True, capture_output=True)
        return pathlib.Path(f"{base}.pem").read_text(), pathlib.Path(f"{base}.key").read_text()


def put_cert(r: redis_lib.Redis, domain: str, fullchain: str, key: str, publish: bool = True):
    now = int(time.time())
    r.hset(f"cdn:cert:{domain}", mapping={"fullchain": fullchain, "key": key,
                                          "not_before": now - 60, "not_after": now + 86400,
                                          "issuer": "Cirrus Test CA", "source": "upload",
                                          "updated_at": now})
    if publish:
        r.publish("cdn:certs", domain)


def http_request(port: int, host: str, path: str, headers: dict | None = None,
                 method: str = "GET", timeout: float = 5) -> tuple[int, dict, bytes]:
    """One request on a fresh connection: (status, lower-cased headers, body)."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        f = s.makefile("rb")
        if method == "HEAD":
            status_line = f.readline()
            hs: dict[str, str] = {}
            while True:
                line = f.readline()
                if line in (b"\r\n", b""):
                    break
                k, v = line.decode().split(":", 1)
                hs[k.strip().lower()] = v.strip()
            return int(status_line.split()[1]), hs, b""
        return read_response(f)


@pytest.fixture
def cache_stack(edge_stack, origins):
    """An edge, one scripted origin and a function putting a cache-enabled domain on it."""
    redis_server, start = edge_stack
    origin = origins("o1")
    r = redis_server.client()

    def domain(name: str, **cache) -> None:
        put_domain(r, name, [http_origin(origin)], cache=cache or {"enable": True})
    return redis_server, start, origin, domain
