"""Large cached bodies are held in sealed memory files (memfd) and sent with sendfile(2) on plain
HTTP: hits, ranges, HEAD and pipelined requests carry exactly the stored bytes and framing; TLS
hits of the same object encrypt the mapped bytes; EDGE_SENDFILE_MIN=0 keeps bodies on the heap."""
import os
import socket
import ssl

from harness import wait_until
from edge_fixtures import (TestCA, cache_stack, edge_stack, http_origin, http_request,  # noqa: F401
                           origins, put_cert, put_domain, read_response)

H = "big.test"
BODY = bytes((i * 131 + 7) % 251 for i in range(300_000))  # no repeating 4 KiB page


def memfd_bodies(edge) -> int:
    fd_dir = f"/proc/{edge.proc.pid}/fd"
    n = 0
    for fd in os.listdir(fd_dir):
        try:
            if os.readlink(os.path.join(fd_dir, fd)).startswith("/memfd:cirrus-body"):
                n += 1
        except OSError:
            pass  # closed while listing
    return n


def fill(edge, path="/big"):
    s, h, b = http_request(edge.http, H, path)
    assert (s, h["x-cache"], b) == (200, "MISS", BODY)


def test_hits_ranges_and_head_of_a_file_backed_body_carry_the_stored_bytes(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/big", headers={"Cache-Control": "max-age=300", "ETag": '"v1"'}, body=BODY)
    edge = start()
    fill(edge)
    assert memfd_bodies(edge) == 1

    s, h, b = http_request(edge.http, H, "/big")
    assert (s, h["x-cache"], h["content-length"], b) == (200, "HIT", str(len(BODY)), BODY)

    s, h, b = http_request(edge.http, H, "/big", {"Range": "bytes=70001-200000"})
    assert s == 206
    assert h["content-range"] == f"bytes 70001-200000/{len(BODY)}"
    assert b == BODY[70001:200001]

    s, h, b = http_request(edge.http, H, "/big", {"Range": "bytes=-5"})
    assert (s, b) == (206, BODY[-5:])

    s, h, b = http_request(edge.http, H, "/big", method="HEAD")
    assert (s, h["content-length"], b) == (200, str(len(BODY)), b"")

    s, h, b = http_request(edge.http, H, "/big", {"If-None-Match": '"v1"'})
    assert (s, b) == (304, b"")
    assert origin.count("/big") == 1


def test_pipelined_hits_keep_their_framing(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/big", headers={"Cache-Control": "max-age=300"}, body=BODY)
    edge = start()
    fill(edge)
    req = f"GET /big HTTP/1.1\r\nHost: {H}\r\n\r\n".encode()
    ranged = f"GET /big HTTP/1.1\r\nHost: {H}\r\nRange: bytes=10-19\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", edge.http), timeout=5) as s:
        s.sendall(req + ranged + req + b"HEAD /big HTTP/1.1\r\nHost: big.test\r\n\r\n" + req)
        f = s.makefile("rb")
        answers = [read_response(f) for _ in range(3)]
        assert [a[0] for a in answers] == [200, 206, 200]
        assert answers[0][2] == BODY and answers[1][2] == BODY[10:20] and answers[2][2] == BODY
        head_line = f.readline()
        assert head_line.startswith(b"HTTP/1.1 200")
        while f.readline() not in (b"\r\n", b""):
            pass
        status, _, body = read_response(f)  # the HEAD sent no body: the next answer follows
        assert (status, body) == (200, BODY)


def test_evicted_file_bodies_release_their_descriptors(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    paths = [f"/e{i}" for i in range(80)]  # 24 MB of bodies against a 16 MiB bound
    for p in paths:
        origin.script(p, headers={"Cache-Control": "max-age=300"}, body=BODY)
    edge = start(env={"EDGE_CACHE_MEMORY": "16m"})
    for p in paths:
        assert http_request(edge.http, H, p)[2] == BODY
    held = edge.metric('cirrus_cache_objects{tier="memory"}')
    assert edge.metric('cirrus_cache_evictions_total{tier="memory"}') > 0
    assert 0 < held < len(paths)
    wait_until(lambda: memfd_bodies(edge) <= held, 5, "descriptors of evicted bodies closed")


def test_sendfile_min_zero_keeps_bodies_on_the_heap(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H)
    origin.script("/big", headers={"Cache-Control": "max-age=300"}, body=BODY)
    edge = start(env={"EDGE_SENDFILE_MIN": "0"})
    fill(edge)
    s, h, b = http_request(edge.http, H, "/big")
    assert (s, h["x-cache"], b) == (200, "HIT", BODY)
    assert memfd_bodies(edge) == 0


def test_tls_hits_of_a_file_backed_body_are_intact(edge_stack, origins, tmp_path):
    redis_server, start = edge_stack
    r = redis_server.client()
    o = origins("o1")
    o.script("/big", headers={"Cache-Control": "max-age=300"}, body=BODY)
    put_domain(r, H, [http_origin(o)], cache={"enable": True})
    ca = TestCA(tmp_path / "ca")
    chain, key = ca.issue(H)
    put_cert(r, H, chain, key)
    edge = start()
    wait_until(lambda: edge.metric("cirrus_edge_tls_certificates") == 1, 5, "certificate loaded")
    ctx = ssl.create_default_context(cafile=str(ca.cert))
    answers = []
    for _ in range(2):
        with socket.create_connection(("127.0.0.1", edge.https), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname=H) as s:
                s.sendall(f"GET /big HTTP/1.1\r\nHost: {H}\r\nConnection: close\r\n\r\n".encode())
                answers.append(read_response(s.makefile("rb")))
    assert [(a[0], a[1]["x-cache"], a[2] == BODY) for a in answers] == [
        (200, "MISS", True), (200, "HIT", True)]
    assert memfd_bodies(edge) == 1
    assert o.count("/big") == 1
