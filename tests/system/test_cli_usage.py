"""The cirrus binary: subcommand dispatch, usage, --help and version."""
import subprocess

import pytest

ROLES = ["api", "edge", "dns", "acme-dns", "worker"]


def run(cirrus, *args, env=None):
    return subprocess.run([cirrus, *args], capture_output=True, text=True, timeout=30, env=env)


def test_unknown_subcommand_prints_usage_to_stderr_and_exits_2(cirrus):
    r = run(cirrus, "frobnicate")
    assert r.returncode == 2
    assert "unknown subcommand 'frobnicate'" in r.stderr
    assert "usage: cirrus <subcommand>" in r.stderr
    for role in ROLES:
        assert f"  {role} " in r.stderr
    assert r.stdout == ""


def test_no_subcommand_is_a_usage_error(cirrus):
    r = run(cirrus)
    assert r.returncode == 2
    assert "usage:" in r.stderr


def test_version_prints_the_version(cirrus):
    r = run(cirrus, "version")
    assert r.returncode == 0
    assert r.stdout.startswith("cirrus ")
    assert r.stdout.split()[1][0].isdigit()


@pytest.mark.parametrize("role", ROLES)
def test_help_lists_the_variables_the_role_reads(cirrus, role):
    r = run(cirrus, role, "--help")
    assert r.returncode == 0
    assert f"usage: cirrus {role}" in r.stdout
    assert "REDIS_URL" in r.stdout  # shared variables are listed for every role
    own = {"api": "API_BIND", "edge": "EDGE_HTTP_BIND", "dns": "DNS_MASTER_PORT",
           "acme-dns": "ACMEDNS_API_BIND", "worker": "ACME_DIRECTORY"}[role]
    assert own in r.stdout
    # and not another role's private variables
    if role != "edge":
        assert "EDGE_CACHE_MEMORY" not in r.stdout


@pytest.mark.parametrize("role", ROLES)
def test_unknown_option_is_rejected(cirrus, role):
    r = run(cirrus, role, "--no-such-flag")
    assert r.returncode == 2
    assert "--no-such-flag" in r.stderr


@pytest.mark.parametrize("role", ROLES)
def test_check_config_accepts_the_defaults(cirrus, role):
    r = run(cirrus, role, "--check-config", env={"PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr


def test_components_lists_only_known_roles(cirrus):
    r = run(cirrus, "components")
    assert r.returncode == 0
    for line in r.stdout.split():
        assert line in ROLES
