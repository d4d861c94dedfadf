"""An empty CNAME_BASE_DOMAIN disables DNS: `cirrus dns` says so in one line and exits 0."""
from harness import free_port, wait_until


def test_empty_base_domain_exits_cleanly(procs, cirrus, redis_server):
    p = procs.spawn([cirrus, "dns"], name="dns-disabled", env={
        "REDIS_URL": redis_server.url, "CNAME_BASE_DOMAIN": "",
        "DNS_MASTER_PORT": str(free_port()), "DNS_METRICS_BIND": f"127.0.0.1:{free_port()}"})
    wait_until(lambda: not p.alive(), 5, "cirrus dns to exit")
    assert p.popen.returncode == 0
    assert "disabled" in p.output()
