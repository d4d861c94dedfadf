"""A bad environment value stops `cirrus <any>` with exit 2 and one line naming the variable
(spec §3); sensitive values are never echoed."""
import subprocess

import pytest

BASE_ENV = {"PATH": "/usr/bin:/bin"}

# (role, variable, bad value) — at least one per role, plus the shared ones for every role.
CASES = [
    ("api", "API_BIND", "not-a-host-port"),
    ("api", "SESSION_TTL_SECONDS", "forever"),
    ("api", "COOKIE_SAMESITE", "sometimes"),
    ("api", "COOKIE_SECURE", "perhaps"),
    ("edge", "EDGE_METRICS_ALLOW", "10.0.0.0/99"),
    ("edge", "EDGE_CACHE_MEMORY", "lots"),
    ("edge", "EDGE_ORIGIN_CONNECT_TIMEOUT", "5 parsecs"),
    ("edge", "EDGE_WORKERS", "0"),
    ("dns", "DNS_MASTER_PORT", "70000"),
    ("dns", "CNAME_DNS_SLAVES", "127.0.0.1:53,not an address"),
    ("dns", "DNS_TSIG_KEY", "key:hmac-md5:c2VjcmV0"),
    ("dns", "DNS_NS1_A", "::1"),
    ("acme-dns", "ACMEDNS_API_BIND", "8053"),
    ("worker", "ACME_CERT_KEY_TYPE", "dsa1024"),
    ("worker", "ACME_RENEW_CRON", "every hour"),
    ("worker", "NODE_HEALTH_INTERVAL_SECS", "-5"),
]
ROLES = ["api", "edge", "dns", "acme-dns", "worker"]
SHARED = [("REDIS_PORT", "sixty"), ("LOG_LEVEL", "chatty"), ("LOG_FORMAT", "xml"),
          ("REDIS_TIMEOUT", "soon")]


def run(cirrus, role, env, *args):
    return subprocess.run([cirrus, role, *args], capture_output=True, text=True, timeout=30,
                          env={**BASE_ENV, **env})


def assert_one_clear_line(r, role, variable):
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(f"cirrus {role}: invalid configuration: {variable}:"), lines[0]


@pytest.mark.parametrize("role,variable,value", CASES)
def test_bad_role_value_exits_2_naming_the_variable(cirrus, role, variable, value):
    r = run(cirrus, role, {variable: value})
    assert_one_clear_line(r, role, variable)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("variable,value", SHARED)
def test_bad_shared_value_stops_every_role(cirrus, role, variable, value):
    env = {variable: value}
    if variable == "REDIS_PORT":
        env["REDIS_HOST"] = "127.0.0.1"  # REDIS_URL unset: host/port/password are used
    r = run(cirrus, role, env)
    assert_one_clear_line(r, role, variable)


@pytest.mark.parametrize("role", ROLES)
def test_check_config_fails_the_same_way(cirrus, role):
    r = run(cirrus, role, {"LOG_LEVEL": "loud"}, "--check-config")
    assert_one_clear_line(r, role, "LOG_LEVEL")


def test_sensitive_values_are_not_echoed(cirrus):
    secret = "hunter2-very-secret"
    r = run(cirrus, "api", {"REDIS_URL": f"redis://:{secret}@127.0.0.1:notaport/0"})
    assert_one_clear_line(r, "api", "REDIS_URL")
    assert secret not in r.stderr
    r = run(cirrus, "dns", {"DNS_TSIG_KEY": f"k:hmac-sha256:{secret}!!"})
    assert_one_clear_line(r, "dns", "DNS_TSIG_KEY")
    assert secret not in r.stderr


def test_rediss_is_refused_with_a_reason(cirrus):
    r = run(cirrus, "worker", {"REDIS_URL": "rediss://127.0.0.1:6380/0"})
    assert_one_clear_line(r, "worker", "REDIS_URL")
    assert "TLS" in r.stderr
