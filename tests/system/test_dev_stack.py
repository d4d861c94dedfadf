"""`make up` / `make down` (scripts/dev-stack): Redis with AOF under a state directory and every
built component under supervisord; a second `up` reuses the data."""
import json
import ssl
import subprocess
import urllib.request

import dns.message
import dns.query
import dns.rcode
import redis

from harness import ROOT, free_port, wait_until

DEV_STACK = str(ROOT / "scripts" / "dev-stack")


def stack_env(tmp_path, cirrus, redis_port):
    env = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "CIRRUS_STATE_DIR": str(tmp_path / "state"),
        "CIRRUS_BIN": cirrus,
        "REDIS_PORT": str(redis_port),
    }
    # Components bind free loopback ports so the test never collides with a real stack.
    for var in ["API_BIND", "EDGE_HTTP_BIND", "EDGE_HTTPS_BIND", "EDGE_ADMIN_BIND",
                "DNS_METRICS_BIND", "ACMEDNS_API_BIND", "ACMEDNS_DNS_BIND", "WORKER_METRICS_BIND"]:
        env[var] = f"127.0.0.1:{free_port()}"
    env["DNS_MASTER_BIND_ADDR"] = "127.0.0.1"
    env["DNS_MASTER_PORT"] = str(free_port())
    for var in ["PEBBLE_PORT", "PEBBLE_MANAGEMENT_PORT", "DEV_RESOLVER_PORT"]:
        env[var] = str(free_port())
    return env


def down(env):
    r = subprocess.run([DEV_STACK, "down"], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


def test_up_serves_redis_with_aof_and_down_stops_it_and_data_survives(procs, tmp_path, cirrus):
    port = free_port()
    env = stack_env(tmp_path, cirrus, port)
    client = redis.Redis(host="127.0.0.1", port=port, decode_responses=True, socket_timeout=2)

    up = procs.spawn([DEV_STACK, "up"], name="dev-stack-1", env=env)
    wait_until(lambda: client.ping(), 20, "redis from make up")
    out = wait_until(lambda: "Ctrl-C" in up.output() and up.output(), 10, "listener summary")
    assert f"redis://127.0.0.1:{port}/0" in out
    assert client.config_get("appendonly")["appendonly"] == "yes"
    assert client.config_get("dir")["dir"] == str(tmp_path / "state" / "redis")
    client.set("cirrus:test:persist", "kept")

    # The development ACME CA answers on its port with the CA the worker is told to trust,
    # and the dev resolver serves the acme-dns zone through acme-dns.
    ca = tmp_path / "state" / "pebble" / "ca.pem"
    ctx = ssl.create_default_context(cafile=str(ca))
    directory = f"https://127.0.0.1:{env['PEBBLE_PORT']}/dir"

    def pebble_directory():
        with urllib.request.urlopen(directory, context=ctx, timeout=2) as r:
            return json.load(r)
    assert "newOrder" in wait_until(pebble_directory, 30, "pebble from make up")
    soa = dns.message.make_query("acme.cdn.local.test.", "SOA")
    answer = wait_until(lambda: dns.query.udp(soa, "127.0.0.1", timeout=1,
                                              port=int(env["DEV_RESOLVER_PORT"])), 20,
                        "unbound from make up")
    assert answer.rcode() == dns.rcode.NOERROR and answer.answer, answer
    assert f"pebble    {directory}" in out

    down(env)
    wait_until(lambda: not up.alive(), 30, "supervisord to exit after make down")
    try:
        client.ping()
        raise AssertionError("redis still answers after make down")
    except redis.exceptions.ConnectionError:
        pass

    up2 = procs.spawn([DEV_STACK, "up"], name="dev-stack-2", env=env)
    wait_until(lambda: client.ping(), 20, "redis from the second make up")
    assert client.get("cirrus:test:persist") == "kept"
    down(env)
    wait_until(lambda: not up2.alive(), 30, "second supervisord to exit")


def test_up_refuses_a_busy_redis_port(redis_server, tmp_path, cirrus):
    env = stack_env(tmp_path, cirrus, redis_server.port)
    r = subprocess.run([DEV_STACK, "up"], env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 1
    assert f"port {redis_server.port} is in use" in r.stdout
