"""HTTP/2 on the edge (spec §11 "HTTP/2 by ALPN"; RFC 9113): ALPN selection, h2c with prior
knowledge, requests and bodies in both directions, many streams on one connection, flow control,
the cache, resets, limits, metrics and the drain's GOAWAY. The client is the python3-h2 state
machine over a real socket, so each test controls frames, windows and ordering; one test uses
curl (nghttp2) as an independent client."""
import json
import signal
import socket
import ssl
import subprocess
import time

import h2.config
import h2.connection
import h2.events
import h2.errors
import h2.exceptions
import h2.settings
import pytest

from edge_fixtures import (TestCA, edge_stack, http_origin, origins, put_cert,  # noqa: F401
                           put_domain)
from harness import wait_until


class H2Client:
    """One HTTP/2 client connection. request() sends a stream; responses() reads frames until
    the given streams ended or were reset, acknowledging DATA (unless hold_window)."""

    def __init__(self, sock: socket.socket, hold_window: bool = False, validate: bool = True):
        self.sock = sock
        self.hold_window = hold_window
        config = h2.config.H2Configuration(client_side=True, header_encoding="utf-8",
                                           validate_outbound_headers=validate,
                                           normalize_outbound_headers=validate)
        self.conn = h2.connection.H2Connection(config=config)
        self.conn.initiate_connection()
        self.flush()
        self.status: dict[int, int] = {}
        self.headers: dict[int, list[tuple[str, str]]] = {}
        self.body: dict[int, bytearray] = {}
        self.ended: set[int] = set()
        self.reset: dict[int, int] = {}
        self.goaway: h2.events.ConnectionTerminated | None = None
        self.closed = False

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def request(self, host: str, path: str, method: str = "GET", headers=None,
                body: bytes | None = None, end_stream: bool = True) -> int:
        sid = self.conn.get_next_available_stream_id()
        hs = [(":method", method), (":scheme", "https"), (":authority", host), (":path", path)]
        hs += list(headers or [])
        self.conn.send_headers(sid, hs, end_stream=end_stream and body is None)
        if body is not None:
            self.send_body(sid, body, end_stream=end_stream)
        self.flush()
        return sid

    def send_body(self, sid: int, body: bytes, end_stream: bool = True):
        """Sends as much as the windows allow, reading frames while it waits for more."""
        view = memoryview(body)
        deadline = time.monotonic() + 10
        while view:
            window = min(self.conn.local_flow_control_window(sid),
                         self.conn.max_outbound_frame_size)
            if window == 0:
                assert time.monotonic() < deadline, "send window never reopened"
                self.read_once()
                continue
            self.conn.send_data(sid, bytes(view[:window]))
            view = view[window:]
            self.flush()
        if end_stream:
            self.conn.end_stream(sid)
            self.flush()

    def read_once(self, timeout: float = 10):
        self.sock.settimeout(timeout)
        data = self.sock.recv(65536)
        if not data:
            self.closed = True
            return
        for ev in self.conn.receive_data(data):
            if isinstance(ev, h2.events.ResponseReceived):
                self.status[ev.stream_id] = int(dict(ev.headers)[":status"])
                self.headers[ev.stream_id] = list(ev.headers)
                self.body.setdefault(ev.stream_id, bytearray())
            elif isinstance(ev, h2.events.DataReceived):
                self.body.setdefault(ev.stream_id, bytearray()).extend(ev.data)
                if not self.hold_window:
                    self.conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            elif isinstance(ev, h2.events.StreamEnded):
                self.ended.add(ev.stream_id)
            elif isinstance(ev, h2.events.StreamReset):
                self.reset[ev.stream_id] = ev.error_code
            elif isinstance(ev, h2.events.ConnectionTerminated):
                self.goaway = ev
        self.flush()

    def responses(self, *sids: int, timeout: float = 15):
        deadline = time.monotonic() + timeout
        while not all(s in self.ended or s in self.reset for s in sids):
            assert time.monotonic() < deadline, f"streams {sids} did not finish"
            assert not self.closed, "connection closed"
            self.read_once(max(0.1, deadline - time.monotonic()))

    def header(self, sid: int, name: str) -> str | None:
        for k, v in self.headers.get(sid, []):
            if k == name:
                return v
        return None


def tls_socket(port: int, name: str, alpn: list[str]) -> ssl.SSLSocket:
    ctx = ssl._create_unverified_context()
    ctx.set_alpn_protocols(alpn)
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    return ctx.wrap_socket(raw, server_hostname=name)


@pytest.fixture
def h2_edge(edge_stack, origins, tmp_path):
    """An edge with one.test over TLS (h2 by ALPN) and h2c on its plain listener; cached.test
    has the cache on."""
    redis_server, start = edge_stack
    r = redis_server.client()
    ca = TestCA(tmp_path / "ca")
    o = origins("o1")
    put_domain(r, "one.test", [http_origin(o)])
    put_domain(r, "cached.test", [http_origin(o)], cache={"enable": True})
    chain, key = ca.issue("one.test")
    put_cert(r, "one.test", chain, key)
    edge = start(env={"EDGE_H2C": "true", "EDGE_HTTP2_MAX_STREAMS": "32"})
    wait_until(lambda: edge.metric("cirrus_edge_tls_certificates") == 1, 5, "certificate loaded")
    return r, o, edge


def h2_over_tls(edge, **kw) -> H2Client:
    s = tls_socket(edge.https, "one.test", ["h2", "http/1.1"])
    assert s.selected_alpn_protocol() == "h2"
    return H2Client(s, **kw)


def h2c(edge, **kw) -> H2Client:
    return H2Client(socket.create_connection(("127.0.0.1", edge.http), timeout=10), **kw)


def test_alpn_prefers_h2_and_still_speaks_http11_to_clients_without_it(h2_edge):
    r, o, edge = h2_edge
    with tls_socket(edge.https, "one.test", ["http/1.1"]) as s:
        assert s.selected_alpn_protocol() == "http/1.1"
        s.sendall(b"GET /a HTTP/1.1\r\nHost: one.test\r\nConnection: close\r\n\r\n")
        assert s.recv(100).startswith(b"HTTP/1.1 200")
    with tls_socket(edge.https, "one.test", ["spdy/3", "h2"]) as s:
        assert s.selected_alpn_protocol() == "h2"
    # An unknown SNI (fallback certificate) negotiates h2 as well.
    with tls_socket(edge.https, "unknown.test", ["h2"]) as s:
        assert s.selected_alpn_protocol() == "h2"


def test_get_over_tls_h2_matches_the_http11_answer(h2_edge):
    r, o, edge = h2_edge
    c = h2_over_tls(edge)
    sid = c.request("one.test", "/hello?x=1", headers=[("x-origin-chunked", "1")])
    c.responses(sid)
    assert c.status[sid] == 200
    assert bytes(c.body[sid]) == b"origin o1 /hello?x=1"
    names = [k for k, _ in c.headers[sid]]
    # RFC 9113 §8.2.2: no connection-specific field, names in lower case.
    for banned in ("connection", "keep-alive", "transfer-encoding", "x-drop-me", "upgrade"):
        assert banned not in names
    assert all(n == n.lower() for n in names)
    assert c.header(sid, "x-origin-name") == "o1"
    assert c.header(sid, "via") == "1.1 cirrus"
    # The origin saw an ordinary HTTP/1.1 request for the same host, marked as HTTPS.
    seen = o.requests_for("/hello?x=1")[-1]
    assert seen["host"] == "one.test" and seen["x-forwarded-proto"] == "https"
    c.sock.close()


def test_many_concurrent_streams_on_one_connection(h2_edge):
    r, o, edge = h2_edge
    c = h2c(edge)
    # The first stream waits on a slow origin; the 20 after it must not wait behind it.
    slow = c.request("one.test", "/slow-first", headers=[("x-origin-delay", "1.5")])
    sids = {c.request("one.test", f"/s{i}"): i for i in range(20)}
    c.responses(*sids)
    assert slow not in c.ended
    for sid, i in sids.items():
        assert c.status[sid] == 200 and bytes(c.body[sid]) == f"origin o1 /s{i}".encode()
    c.responses(slow)
    assert bytes(c.body[slow]) == b"origin o1 /slow-first"
    assert edge.metric("cirrus_edge_http2_streams_total") >= 21
    c.sock.close()


def test_request_bodies_with_and_without_content_length_reach_the_origin_intact(h2_edge):
    r, o, edge = h2_edge
    c = h2_over_tls(edge)
    body = bytes(range(256)) * 1024  # 256 KiB: more than one stream window (64 KiB)
    with_length = c.request("one.test", "/echo/a", method="POST",
                            headers=[("content-length", str(len(body)))], body=body)
    c.responses(with_length)
    without_length = c.request("one.test", "/echo/b", method="PUT", body=body)
    c.responses(without_length)
    import hashlib
    digest = hashlib.sha256(body).hexdigest()
    for sid in (with_length, without_length):
        assert c.status[sid] == 200, bytes(c.body[sid])
        echo = json.loads(bytes(c.body[sid]))
        assert echo["body_size"] == len(body) and echo["body_sha256"] == digest
    framing = {k.lower(): v for k, v in json.loads(bytes(c.body[without_length]))["headers"]}
    assert framing.get("transfer-encoding") == "chunked"
    c.sock.close()


def test_large_response_respects_the_clients_flow_control_window(h2_edge):
    r, o, edge = h2_edge
    c = h2c(edge, hold_window=True)
    size = 3 * 1024 * 1024
    sid = c.request("one.test", "/big", headers=[("x-origin-bytes", str(size))])
    # Without WINDOW_UPDATE the edge may send the initial window (65535 bytes) and no more.
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            c.read_once(0.3)
        except socket.timeout:
            pass
    assert sum(len(b) for b in c.body.values()) == 65535
    assert sid not in c.ended
    # Reopening the window lets the rest through.
    c.hold_window = False
    c.conn.acknowledge_received_data(65535, sid)
    c.flush()
    c.responses(sid, timeout=30)
    assert len(c.body[sid]) == size and c.status[sid] == 200
    c.sock.close()


def test_cache_serves_h2_hits_with_cache_status(h2_edge):
    r, o, edge = h2_edge
    c = h2c(edge)
    path = "/cached?v=1"
    o.script(path, headers={"Cache-Control": "max-age=60"}, body=b"cacheable")
    first = c.request("cached.test", path)
    c.responses(first)
    second = c.request("cached.test", path)
    c.responses(second)
    head = c.request("cached.test", path, method="HEAD")
    c.responses(head)
    assert c.header(first, "x-cache") == "MISS" and c.header(second, "x-cache") == "HIT"
    assert bytes(c.body[second]) == b"cacheable"
    assert "hit" in c.header(second, "cache-status")
    assert c.status[head] == 200 and bytes(c.body.get(head, b"")) == b""
    assert c.header(head, "content-length") == "9"
    assert o.count(path) == 1
    c.sock.close()


def test_a_reset_stream_leaves_the_connection_and_other_streams_working(h2_edge):
    r, o, edge = h2_edge
    c = h2c(edge)
    slow = c.request("one.test", "/slow", headers=[("x-origin-delay", "1")])
    big = c.request("one.test", "/big-reset", headers=[("x-origin-bytes", str(8 << 20))])
    c.conn.reset_stream(big, error_code=h2.errors.ErrorCodes.CANCEL)
    c.flush()
    c.responses(slow)
    assert c.status[slow] == 200 and bytes(c.body[slow]) == b"origin o1 /slow"
    after = c.request("one.test", "/after")
    c.responses(after)
    assert c.status[after] == 200
    wait_until(lambda: edge.metric('cirrus_edge_http2_stream_resets_total{by="client"}') >= 1,
               5, "client reset counted")
    c.sock.close()


def test_oversized_fields_get_431_and_protocol_errors_reset_only_their_stream(h2_edge):
    r, o, edge = h2_edge
    c = h2c(edge, validate=False)
    big = c.request("one.test", "/big-header", headers=[("x-big", "a" * 70000)])
    c.responses(big)
    assert c.status[big] == 431
    # An upper-case field name is malformed in h2 (RFC 9113 §8.2.1): that stream is reset.
    bad = c.request("one.test", "/upper", headers=[("X-Upper", "1")])
    c.responses(bad)
    assert c.reset.get(bad) == h2.errors.ErrorCodes.PROTOCOL_ERROR
    ok = c.request("one.test", "/fine")
    c.responses(ok)
    assert c.status[ok] == 200 and o.count("/upper") == 0
    c.sock.close()


def test_unknown_domain_and_bad_requests_get_the_http11_answers(h2_edge):
    r, o, edge = h2_edge
    c = h2c(edge)
    unknown = c.request("nowhere.test", "/x")
    c.responses(unknown)
    assert c.status[unknown] == 404
    # The request path's strict parser still applies to what h2 carries.
    bad_cl = c.request("one.test", "/cl", method="POST",
                       headers=[("content-length", "abc")], body=b"", end_stream=True)
    c.responses(bad_cl)
    assert c.status.get(bad_cl) == 400 or bad_cl in c.reset
    c.sock.close()


def test_h2c_needs_prior_knowledge_enabled(edge_stack, origins):
    redis_server, start = edge_stack
    r = redis_server.client()
    o = origins("o1")
    put_domain(r, "one.test", [http_origin(o)])
    edge = start()  # EDGE_H2C defaults to false
    with socket.create_connection(("127.0.0.1", edge.http), timeout=5) as s:
        s.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        answer = s.recv(200)
        assert answer.startswith(b"HTTP/1.1 505") or answer.startswith(b"HTTP/1.1 400")
    # HTTP/1.1 on the same listener is unaffected; so is a request starting with "P".
    with socket.create_connection(("127.0.0.1", edge.http), timeout=5) as s:
        s.sendall(b"POST /p HTTP/1.1\r\nHost: one.test\r\nContent-Length: 0\r\n"
                  b"Connection: close\r\n\r\n")
        assert s.recv(100).startswith(b"HTTP/1.1 200")


def test_http2_can_be_switched_off(edge_stack, origins, tmp_path):
    redis_server, start = edge_stack
    r = redis_server.client()
    ca = TestCA(tmp_path / "ca")
    put_domain(r, "one.test", [http_origin(origins("o1"))])
    chain, key = ca.issue("one.test")
    put_cert(r, "one.test", chain, key)
    edge = start(env={"EDGE_HTTP2": "false"})
    wait_until(lambda: edge.metric("cirrus_edge_tls_certificates") == 1, 5, "certificate loaded")
    with tls_socket(edge.https, "one.test", ["h2", "http/1.1"]) as s:
        assert s.selected_alpn_protocol() == "http/1.1"
    with tls_socket(edge.https, "one.test", ["h2"]) as s:
        assert s.selected_alpn_protocol() is None


def test_curl_speaks_h2_to_the_edge(h2_edge):
    r, o, edge = h2_edge
    out = subprocess.run(
        ["curl", "-sS", "--http2", "-k", "--resolve", f"one.test:{edge.https}:127.0.0.1",
         "-w", "\\n%{http_version} %{response_code}", "-H", "x-origin-bytes: 300000",
         f"https://one.test:{edge.https}/curl"],
        capture_output=True, timeout=30)
    assert out.returncode == 0, out.stderr
    body, _, tail = out.stdout.rpartition(b"\n")
    assert tail == b"2 200" and body == b"x" * 300000
    plain = subprocess.run(
        ["curl", "-sS", "--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_version}",
         "-H", "Host: one.test", f"http://127.0.0.1:{edge.http}/c"],
        capture_output=True, timeout=30)
    assert plain.stdout == b"2", plain.stderr


def raw_frames(sock: socket.socket, done, timeout: float = 10) -> list:
    """Frames read off the socket without the h2 state machine (which refuses frames that
    follow a GOAWAY, though RFC 9113 §6.8 lets streams up to its last id finish)."""
    from hyperframe.frame import Frame
    buf = b""
    frames: list = []
    deadline = time.monotonic() + timeout
    while not done(frames):
        assert time.monotonic() < deadline, f"frames so far: {frames}"
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        data = sock.recv(65536)
        if not data:
            break
        buf += data
        while len(buf) >= 9:
            frame, length = Frame.parse_frame_header(memoryview(buf[:9]))
            if len(buf) < 9 + length:
                break
            frame.parse_body(memoryview(buf[9:9 + length]))
            buf = buf[9 + length:]
            frames.append(frame)
    return frames


def test_drain_sends_goaway_and_finishes_the_stream_in_flight(h2_edge):
    from hyperframe.frame import DataFrame, GoAwayFrame, HeadersFrame
    r, o, edge = h2_edge
    c = h2c(edge)
    warm = c.request("one.test", "/warm")
    c.responses(warm)
    slow = c.request("one.test", "/draining", headers=[("x-origin-delay", "1")])
    wait_until(lambda: o.count("/draining") == 1, 5, "request at the origin")
    edge.proc.signal(signal.SIGTERM)

    def finished(frames):
        return any(isinstance(f, DataFrame) and f.stream_id == slow and "END_STREAM" in f.flags
                   for f in frames) and any(isinstance(f, GoAwayFrame) for f in frames)
    frames = raw_frames(c.sock, finished)
    goaway = next(f for f in frames if isinstance(f, GoAwayFrame))
    assert goaway.error_code == 0 and goaway.last_stream_id >= slow
    heads = [f for f in frames if isinstance(f, HeadersFrame) and f.stream_id == slow]
    assert dict(c.conn.decoder.decode(heads[0].data))[":status"] == "200"
    body = b"".join(f.data for f in frames if isinstance(f, DataFrame) and f.stream_id == slow)
    assert body == b"origin o1 /draining"
    # Everything answered: the edge closes the connection and exits cleanly.
    c.sock.settimeout(10)
    for _ in range(100):
        if c.sock.recv(65536) == b"":
            break
    else:
        raise AssertionError("the edge kept the connection open")
    assert edge.proc.popen.wait(10) == 0


def test_get_ended_by_an_empty_data_frame_is_an_ordinary_cacheable_get(h2_edge):
    r, o, edge = h2_edge
    c = h2c(edge)
    path = "/late-end"
    o.script(path, headers={"Cache-Control": "max-age=60"}, body=b"late")
    sids = []
    for _ in range(2):
        sid = c.request("cached.test", path, end_stream=False)
        c.conn.send_data(sid, b"", end_stream=True)
        c.flush()
        c.responses(sid)
        sids.append(sid)
    assert [c.status[s] for s in sids] == [200, 200]
    assert c.header(sids[1], "x-cache") == "HIT" and bytes(c.body[sids[1]]) == b"late"
    seen = o.requests_for(path)[0]
    assert "transfer-encoding" not in seen and "content-length" not in seen
    c.sock.close()


def test_a_large_cached_object_is_served_whole_over_h2(h2_edge):
    r, o, edge = h2_edge
    c = h2c(edge)
    body = bytes(range(256)) * (12 * 1024)  # 3 MiB: many times the stream's queue limit
    o.script("/large", headers={"Cache-Control": "max-age=60"}, body=body)
    first = c.request("cached.test", "/large")
    c.responses(first, timeout=30)
    second = c.request("cached.test", "/large")
    c.responses(second, timeout=30)
    assert c.header(second, "x-cache") == "HIT"
    assert bytes(c.body[first]) == body and bytes(c.body[second]) == body
    c.sock.close()


def test_an_origin_slower_than_the_client_header_timeout_is_answered_over_h2(edge_stack, origins):
    redis_server, start = edge_stack
    o = origins("o1")
    put_domain(redis_server.client(), "one.test", [http_origin(o)])
    edge = start(env={"EDGE_H2C": "true", "EDGE_CLIENT_HEADER_TIMEOUT": "1s",
                      "EDGE_ORIGIN_READ_TIMEOUT": "8s"})
    c = h2c(edge)
    sid = c.request("one.test", "/slow", headers=[("x-origin-delay", "2.5")])
    c.responses(sid)
    assert c.status[sid] == 200 and sid not in c.reset
    c.sock.close()


def test_a_header_block_never_finished_closes_the_connection(edge_stack, origins):
    """HEADERS without END_HEADERS and then silence (a slowloris on h2): the client header
    timeout applies to the unfinished stream, so the connection does not stay open."""
    from hpack import Encoder
    from hyperframe.frame import HeadersFrame, SettingsFrame
    redis_server, start = edge_stack
    put_domain(redis_server.client(), "one.test", [http_origin(origins("o1"))])
    edge = start(env={"EDGE_H2C": "true", "EDGE_CLIENT_HEADER_TIMEOUT": "1s"})
    with socket.create_connection(("127.0.0.1", edge.http), timeout=15) as s:
        head = HeadersFrame(1)
        head.data = Encoder().encode([(":method", "GET"), (":scheme", "http"),
                                      (":authority", "one.test"), (":path", "/")])
        s.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + SettingsFrame(0).serialize()
                  + head.serialize())
        for _ in range(1000):  # the edge's SETTINGS and ACK, then the close
            if s.recv(65536) == b"":
                break
        else:
            raise AssertionError("connection still open")
