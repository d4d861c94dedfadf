"""Large bodies stream through the edge both ways without being held in memory."""
import hashlib
import os
import socket

from edge_fixtures import (edge_stack, http_origin, origins, put_domain,  # noqa: F401
                           read_response)

BIG = 256 * 1024 * 1024  # large against the edge's 64 KiB buffers, quick on loopback


def edge_rss_kib(pid: int) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_large_download_streams_with_bounded_memory(edge_stack, origins):
    redis_server, start = edge_stack
    origin = origins("o1")
    put_domain(redis_server.client(), "big.test", [http_origin(origin)])
    edge = start()
    for chunked in (b"0", b"1"):
        with socket.create_connection(("127.0.0.1", edge.http), timeout=30) as s:
            s.sendall(b"GET /big HTTP/1.1\r\nHost: big.test\r\nx-origin-bytes: %d\r\n"
                      b"x-origin-chunked: %s\r\n\r\n" % (BIG, chunked))
            f = s.makefile("rb")
            status_line = f.readline()
            assert status_line.startswith(b"HTTP/1.1 200")
            headers = {}
            while (line := f.readline()) != b"\r\n":
                k, v = line.decode().split(":", 1)
                headers[k.lower()] = v.strip()
            received = 0
            if chunked == b"1":
                assert headers["transfer-encoding"] == "chunked"
                while (n := int(f.readline(), 16)) != 0:
                    left = n
                    while left:
                        left -= len(f.read(min(left, 1 << 20)))
                    received += n
                    f.read(2)
            else:
                assert int(headers["content-length"]) == BIG
                while received < BIG:
                    piece = f.read(min(BIG - received, 1 << 20))
                    assert piece
                    received += len(piece)
            assert received == BIG
    # The edge never held the body: its resident size stays far below one body. Checked in
    # the release build only: under ASan the allocator's quarantine and shadow memory keep
    # ~300 MiB resident after this transfer whatever the edge does, so the figure says nothing
    # there (the ASan pass still checks that both transfers complete intact).
    if os.environ.get("CIRRUS_BUILD_KIND") != "asan":
        assert edge_rss_kib(edge.proc.pid) < 64 * 1024


def test_large_upload_streams_to_the_origin_intact(edge_stack, origins):
    redis_server, start = edge_stack
    origin = origins("o1")
    put_domain(redis_server.client(), "big.test", [http_origin(origin)])
    edge = start()
    block = bytes(range(256)) * 4096  # 1 MiB
    total_blocks = 64
    digest = hashlib.sha256()
    for _ in range(total_blocks):
        digest.update(block)
    # Content-Length upload.
    with socket.create_connection(("127.0.0.1", edge.http), timeout=30) as s:
        s.sendall(b"POST /echo HTTP/1.1\r\nHost: big.test\r\nContent-Length: %d\r\n\r\n"
                  % (len(block) * total_blocks))
        for _ in range(total_blocks):
            s.sendall(block)
        status, _, body = read_response(s.makefile("rb"))
        assert status == 200
        assert b'"body_size": %d' % (len(block) * total_blocks) in body
        assert digest.hexdigest().encode() in body
    # Chunked upload, odd chunk sizes.
    with socket.create_connection(("127.0.0.1", edge.http), timeout=30) as s:
        s.sendall(b"POST /echo HTTP/1.1\r\nHost: big.test\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(total_blocks):
            s.sendall(b"%x\r\n%s\r\n" % (len(block), block))
        s.sendall(b"0\r\nX-Trailer: dropped\r\n\r\n")
        status, _, body = read_response(s.makefile("rb"))
        assert status == 200
        assert digest.hexdigest().encode() in body


def test_a_client_pausing_longer_than_the_origin_read_timeout_still_gets_everything(
        edge_stack, origins):
    """The origin read timeout bounds each origin read, not the time the edge spends writing to
    a slow client: the edge's writes block while the client pauses (small receive buffer), and
    the origin connection must not expire meanwhile (EDGE_ORIGIN_READ_TIMEOUT is 2 s here)."""
    import time
    redis_server, start = edge_stack
    origin = origins("o1")
    put_domain(redis_server.client(), "slow.test", [http_origin(origin)])
    edge = start()
    size = 16 * 1024 * 1024
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 * 1024)
        s.settimeout(30)
        s.connect(("127.0.0.1", edge.http))
        s.sendall(b"GET /slow-reader HTTP/1.1\r\nHost: slow.test\r\nx-origin-bytes: %d\r\n"
                  b"Connection: close\r\n\r\n" % size)
        first = s.recv(1024)
        assert first.startswith(b"HTTP/1.1 200")
        time.sleep(3.5)  # longer than the origin read timeout, with the edge blocked writing
        received = len(first.split(b"\r\n\r\n", 1)[1])
        while piece := s.recv(1 << 20):
            received += len(piece)
    assert received == size
