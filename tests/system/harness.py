"""System-test harness: real processes on free loopback ports, always cleaned up.

Every process a test starts is a `Proc` owned by a fixture; its finalizer kills the whole
process group, so a failing test never leaks a server (style-anchors rule 8/14).
"""
from __future__ import annotations

import os
import pathlib
import signal
import socket
import subprocess
import time
from typing import Callable, Iterable

ROOT = pathlib.Path(__file__).resolve().parents[2]


def cirrus_bin() -> str:
    path = os.environ.get("CIRRUS_BIN") or str(ROOT / "build" / "release" / "src" / "cirrus")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"cirrus binary not found at {path}; run make build or set CIRRUS_BIN")
    return path


_handed_out: set[int] = set()


def free_port(host: str = "127.0.0.1", kind: int = socket.SOCK_STREAM) -> int:
    """A port that is free for both TCP and UDP right now and was not handed out before in
    this run: the kernel may offer a just-closed port again, and two listeners of one process
    (an edge's HTTP and HTTPS) must never get the same one."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, kind) as s:
            s.bind((host, 0))
            port = s.getsockname()[1]
        if port in _handed_out:
            continue
        other = socket.SOCK_DGRAM if kind == socket.SOCK_STREAM else socket.SOCK_STREAM
        try:
            with socket.socket(socket.AF_INET, other) as s2:
                s2.bind((host, port))
            _handed_out.add(port)
            return port
        except OSError:
            continue
    raise RuntimeError("no free port found")


def wait_until(cond: Callable[[], object], timeout: float = 10.0, what: str = "condition",
               interval: float = 0.02):
    """Polls cond until it returns a truthy value; fails the test naming `what` on timeout."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while time.monotonic() < deadline:
        try:
            value = cond()
            if value:
                return value
        except Exception as exc:  # the condition may raise while a server is starting
            last_exc = exc
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}"
                         + (f" (last error: {last_exc!r})" if last_exc else ""))


class Proc:
    """A child process in its own process group, with its output in a log file."""

    def __init__(self, argv: list[str], log_path: pathlib.Path, env: dict | None = None,
                 cwd: str | None = None):
        self.argv = argv
        self.log_path = log_path
        self._log = open(log_path, "ab")
        full_env = dict(os.environ)
        if env:
            full_env.update({k: str(v) for k, v in env.items()})
        self.popen = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, env=full_env, cwd=cwd,
                                      start_new_session=True)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def signal(self, sig: int) -> None:
        if self.alive():
            os.killpg(self.popen.pid, sig)

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM the group, then SIGKILL after timeout; returns the exit code."""
        if self.alive():
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        rc = self.popen.wait(timeout)
        self._log.close()
        return rc

    def kill(self) -> None:
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(10)


class ProcessGroup:
    """Owns every Proc a test starts; `close()` (from the fixture finalizer) stops them all."""

    def __init__(self, tmp: pathlib.Path):
        self.tmp = tmp
        self.procs: list[Proc] = []

    def spawn(self, argv: list[str], name: str, env: dict | None = None, **kw) -> Proc:
        p = Proc(argv, self.tmp / f"{name}.log", env=env, **kw)
        self.procs.append(p)
        return p

    def close(self) -> None:
        for p in reversed(self.procs):
            if p.alive():
                p.stop(timeout=5)


class RedisServer:
    """A real redis-server on a free port with its data in a temporary directory."""

    def __init__(self, group: ProcessGroup, extra: Iterable[str] = ()):
        self.group = group
        self.port = free_port()
        self.dir = group.tmp / f"redis-{self.port}"
        self.dir.mkdir()
        self.extra = list(extra)
        self.proc: Proc | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        import redis  # python3-redis
        return redis.Redis(host="127.0.0.1", port=self.port, decode_responses=True,
                           socket_timeout=5)

    def start(self) -> None:
        self.proc = self.group.spawn(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir), *self.extra],
            name=f"redis-{self.port}")
        wait_until(lambda: self.client().ping(), 10, f"redis-server on {self.port}")

    def stop(self) -> None:
        if self.proc:
            self.proc.stop()
