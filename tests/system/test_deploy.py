"""deploy/: the systemd units, the Docker/compose files and the Ansible playbook are checked by
the tools that consume them (systemd-analyze, docker-compose, ansible-playbook, nsd-checkconf)
and against the binary itself (`cirrus <role> --help` / `--check-config`), so a unit, an env
file or a compose service that drifts from docs/configuration.md fails here. Each checker is
also shown a broken input once, so none of them can pass vacuously."""
import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest
import yaml

from harness import ROOT

DEPLOY = ROOT / "deploy"
SYSTEMD = DEPLOY / "systemd"
ENV_EXAMPLES = SYSTEMD / "env"
COMPOSE = DEPLOY / "compose" / "compose.yaml"
DOCKERFILE = DEPLOY / "docker" / "Dockerfile"
ANSIBLE = DEPLOY / "ansible"
INSTALLED_BIN = "/usr/local/bin/cirrus"
ROLES = ["api", "edge", "dns", "acme-dns", "worker"]
# Roles that may bind privileged ports in production (edge :80/:443, DNS :53).
BINDS_PRIVILEGED = {"edge", "dns", "acme-dns"}
TSIG_SECRET = "BaOgnhnd6s+Q9DkYa2y7bZd2i73Ddy+Vm2Li9yuv9V4="
# A value systemd's EnvironmentFile= and sh read the same way: bare (no quote, space, backslash
# or $), or in single quotes without a single quote, or in double quotes without " \ $ `.
ENV_LINE = re.compile(r"""^([A-Z][A-Z0-9_]*)=('[^'\n]*'|"[^"\\$`\n]*"|[^'"\s\\$`]*)$""")


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=kw.pop("timeout", 120),
                          **kw)


def need(tool: str) -> str:
    path = shutil.which(tool)
    assert path, f"{tool} is not installed (scripts/install-deps should provide it)"
    return path


# ---------------------------------------------------------------- shared helpers


def documented_variables() -> set[str]:
    text = (ROOT / "docs" / "configuration.md").read_text()
    names = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", text, re.M))
    assert len(names) > 40, "docs/configuration.md table not found"
    return names


def role_help(cirrus: str, role: str) -> dict[str, str]:
    """Variable -> default, as `cirrus <role> --help` lists them."""
    r = run([cirrus, role, "--help"])
    assert r.returncode == 0, r.stderr
    found = dict(re.findall(r"^  ([A-Z][A-Z0-9_]*)\s+\[(.*?)\]", r.stdout, re.M))
    assert found, r.stdout
    return found


def parse_env_file(path: pathlib.Path) -> tuple[dict[str, str], set[str]]:
    """(assignments, commented-out names); fails on any line systemd and sh could read
    differently."""
    values, commented = {}, set()
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        m = re.match(r"^#([A-Z][A-Z0-9_]*)=", line)
        if m:
            commented.add(m.group(1))
            continue
        if line.startswith("#"):
            continue
        m = ENV_LINE.match(line)
        assert m, f"{path}:{n}: not a plain KEY=VALUE line: {line!r}"
        key, value = m.groups()
        if value[:1] in "'\"":
            value = value[1:-1]
        assert key not in values, f"{path}:{n}: {key} set twice"
        values[key] = value
    return values, commented


def check_config(cirrus: str, role: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return run([cirrus, role, "--check-config"], env={"PATH": "/usr/bin:/bin", **env}, timeout=30)


def unit_directives(path: pathlib.Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith(("#", "[")) and "=" in line:
            k, v = line.split("=", 1)
            out.setdefault(k, []).append(v)
    return out


def verify_units(unit_dir: pathlib.Path, binary: str, out_dir: pathlib.Path):
    """systemd-analyze verify on every unit of unit_dir, with the installed binary path pointed
    at `binary` (verify checks that ExecStart= is executable)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    units = []
    for src in sorted(unit_dir.iterdir()):
        if src.suffix in (".service", ".target"):
            dst = out_dir / src.name
            dst.write_text(src.read_text().replace(INSTALLED_BIN, binary))
            units.append(str(dst))
    return run([need("systemd-analyze"), "verify", *units]), units


# ---------------------------------------------------------------- systemd


def test_there_is_one_unit_per_built_role_and_a_target(cirrus):
    r = run([cirrus, "components"])
    assert sorted(r.stdout.split()) == sorted(ROLES)
    names = sorted(p.name for p in SYSTEMD.glob("*.service"))
    assert names == sorted(f"cirrus-{role}.service" for role in ROLES)
    assert (SYSTEMD / "cirrus.target").is_file()


def test_units_pass_systemd_analyze_verify_without_a_warning(cirrus, tmp_path):
    r, units = verify_units(SYSTEMD, cirrus, tmp_path / "units")
    assert len(units) == len(ROLES) + 1
    # verify exits 0 on an unknown directive (it only warns): any output is a failure.
    assert r.returncode == 0 and not (r.stdout + r.stderr).strip(), r.stdout + r.stderr


def test_systemd_analyze_verify_catches_a_broken_unit(cirrus, tmp_path):
    broken = tmp_path / "src"
    broken.mkdir()
    text = (SYSTEMD / "cirrus-api.service").read_text()
    (broken / "cirrus-api.service").write_text(text.replace("NoNewPrivileges=yes",
                                                            "NoNewPrivilege=yes"))
    r, _ = verify_units(broken, cirrus, tmp_path / "out")
    assert "Unknown key" in r.stdout + r.stderr
    (broken / "cirrus-api.service").write_text(text)
    r, _ = verify_units(broken, "/nonexistent/cirrus", tmp_path / "out2")
    assert r.returncode != 0


@pytest.mark.parametrize("role", ROLES)
def test_unit_reads_its_env_files_checks_them_first_and_is_hardened(role, cirrus, tmp_path):
    path = SYSTEMD / f"cirrus-{role}.service"
    d = unit_directives(path)
    assert d["Type"] in (["exec"], ["notify"])
    assert d["EnvironmentFile"] == ["/etc/cirrus/common.env", f"/etc/cirrus/{role}.env"]
    assert d["ExecStartPre"] == [f"{INSTALLED_BIN} {role} --check-config"]
    assert d["ExecStart"] == [f"{INSTALLED_BIN} {role}"]
    assert d["Restart"] == ["on-failure"] and d["RestartPreventExitStatus"] == ["2"]
    assert d.get("DynamicUser") == ["yes"] or d.get("User") == ["cirrus"]
    for key, value in [("ProtectSystem", "strict"), ("NoNewPrivileges", "yes"),
                       ("PrivateTmp", "yes"), ("ProtectHome", "yes")]:
        assert d.get(key) == [value], key
    families = set(d["RestrictAddressFamilies"][0].split())
    assert {"AF_INET", "AF_INET6"} <= families and "AF_PACKET" not in families
    caps = d["CapabilityBoundingSet"]
    if role in BINDS_PRIVILEGED:
        assert caps == ["CAP_NET_BIND_SERVICE"]
        assert d["AmbientCapabilities"] == ["CAP_NET_BIND_SERVICE"]
    else:
        assert caps == [""] and d.get("AmbientCapabilities", [""]) == [""]
    if role == "edge":
        assert int(d["LimitNOFILE"][0]) >= 65536
    assert d["WantedBy"] == ["cirrus.target"] and d["PartOf"] == ["cirrus.target"]

    # systemd's own exposure score (0 = locked down, 10 = unrestricted): fails above 2.5.
    copy = tmp_path / path.name
    copy.write_text(path.read_text().replace(INSTALLED_BIN, cirrus))
    r = run([need("systemd-analyze"), "security", "--offline=true", "--threshold=25",
             "--no-pager", str(copy)])
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr


def test_the_exposure_threshold_fails_an_unhardened_unit(cirrus, tmp_path):
    unit = tmp_path / "bare.service"
    unit.write_text(f"[Service]\nType=exec\nExecStart={cirrus} api\n")
    r = run([need("systemd-analyze"), "security", "--offline=true", "--threshold=25",
             "--no-pager", str(unit)])
    assert r.returncode != 0


@pytest.mark.parametrize("role", ROLES)
def test_example_env_files_list_every_variable_of_the_role_with_its_default(role, cirrus):
    documented = documented_variables()
    helped = role_help(cirrus, role)
    common, common_off = parse_env_file(ENV_EXAMPLES / "common.env")
    own, own_off = parse_env_file(ENV_EXAMPLES / f"{role}.env")
    for name in set(own) | own_off | set(common) | common_off:
        assert name in documented, f"{name} is not in docs/configuration.md"
    for name in set(own) | own_off:
        assert name in helped, f"{role}.env: cirrus {role} does not read {name}"
    listed = set(own) | own_off | set(common) | common_off
    assert set(helped) <= listed, f"missing from the examples: {set(helped) - listed}"
    for name, value in {**common, **own}.items():
        if name in helped:
            assert value == helped[name], f"{name}={value!r}, default is {helped[name]!r}"
    for name in own_off | common_off:
        if name in helped and name not in ("REDIS_HOST", "REDIS_PORT"):
            assert helped[name] == "", f"{name} is commented out but its default is not empty"
    r = check_config(cirrus, role, {**common, **own})
    assert r.returncode == 0, r.stderr


def test_env_file_parser_rejects_what_systemd_and_sh_read_differently(tmp_path):
    for line in ['A=two words', 'A="$HOME"', "A='it''s'", 'A=back\\slash']:
        f = tmp_path / "x.env"
        f.write_text(line + "\n")
        with pytest.raises(AssertionError):
            parse_env_file(f)


# ---------------------------------------------------------------- Docker / compose


@pytest.fixture(scope="module")
def compose_config() -> dict:
    exe = need("docker-compose")
    r = run([exe, "-f", str(COMPOSE), "config", "-q"], cwd=str(COMPOSE.parent))
    assert r.returncode == 0, r.stdout + r.stderr
    r = run([exe, "-f", str(COMPOSE), "config"], cwd=str(COMPOSE.parent))
    assert r.returncode == 0, r.stderr
    return yaml.safe_load(r.stdout)


def test_compose_validation_catches_a_broken_file(tmp_path):
    broken = tmp_path / "compose.yaml"
    broken.write_text(COMPOSE.read_text().replace("    depends_on:\n", "    depends_onn:\n", 1))
    r = run([need("docker-compose"), "-f", str(broken), "config", "-q"], cwd=str(tmp_path))
    assert r.returncode != 0


def test_compose_has_the_whole_stack_with_healthchecks_and_ordered_starts(compose_config):
    services = compose_config["services"]
    assert set(services) == {"redis", "api", "edge", "dns", "acme-dns", "worker", "pebble",
                             "nsd"}
    for name, svc in services.items():
        assert "test" in svc.get("healthcheck", {}), f"{name} has no healthcheck"
        conds = {dep: v.get("condition") for dep, v in svc.get("depends_on", {}).items()}
        if name in ("redis", "pebble"):  # the roots: they need nothing
            assert not conds, (name, conds)
        else:
            assert conds and set(conds.values()) == {"service_healthy"}, (name, conds)
            assert name == "nsd" or "redis" in conds, f"{name} starts before Redis is healthy"
    # docker-compose 1.x prints short volume syntax (source:target:mode), 2.x long syntax.
    mounts = [v.split(":")[:2] if isinstance(v, str) else [v["source"], v["target"]]
              for v in services["redis"]["volumes"]]
    assert ["redis-data", "/data"] in mounts, mounts
    assert "redis-data" in compose_config["volumes"]
    for role in ROLES:
        assert services[role]["command"] == [role]
        assert services[role]["build"]["target"] == "runtime"
    assert services["pebble"]["build"]["target"] == "pebble"
    assert services["nsd"]["build"]["target"] == "nsd"


@pytest.mark.parametrize("role", ROLES)
def test_compose_environment_is_documented_read_by_the_role_and_valid(role, compose_config,
                                                                       cirrus):
    env = {k: "" if v is None else str(v)
           for k, v in compose_config["services"][role]["environment"].items()}
    documented = documented_variables()
    helped = role_help(cirrus, role)
    for name in env:
        assert name in documented, f"compose {role}: {name} is not in docs/configuration.md"
        assert name in helped, f"compose {role}: cirrus {role} does not read {name}"
    r = check_config(cirrus, role, env)
    assert r.returncode == 0, r.stderr


def test_compose_dns_master_and_nsd_agree_on_addresses_zone_and_key(compose_config, tmp_path):
    services = compose_config["services"]
    nsd_ip = services["nsd"]["networks"]["cirrus"]["ipv4_address"]
    dns_ip = services["dns"]["networks"]["cirrus"]["ipv4_address"]
    dns_env = services["dns"]["environment"]
    assert dns_env["CNAME_DNS_SLAVES"] == f"{nsd_ip}:53"
    secret = services["nsd"]["environment"]["TSIG_SECRET"]
    assert dns_env["DNS_TSIG_KEY"] == f"xfr.key:hmac-sha256:{secret}"
    zone = services["nsd"]["environment"]["CNAME_BASE_DOMAIN"]
    assert zone == dns_env["CNAME_BASE_DOMAIN"]
    template = (DEPLOY / "compose" / "nsd" / "nsd.conf.in").read_text()
    assert f"request-xfr: {dns_ip}@{dns_env['DNS_MASTER_PORT']} xfr.key" in template
    conf = tmp_path / "nsd.conf"
    conf.write_text(template.replace("@ZONE@", zone).replace("@TSIG_SECRET@", secret))
    r = run([need("nsd-checkconf"), str(conf)])
    assert r.returncode == 0, r.stdout + r.stderr
    conf.write_text(template.replace("@ZONE@", zone).replace("@TSIG_SECRET@", "not base64!"))
    assert run(["nsd-checkconf", str(conf)]).returncode != 0


@pytest.mark.parametrize("script", ["nsd/start.sh", "pebble/start.sh"])
def test_compose_entrypoint_scripts_parse_with_sh(script, tmp_path):
    path = DEPLOY / "compose" / script
    assert run(["/bin/sh", "-n", str(path)]).returncode == 0
    broken = tmp_path / "broken.sh"
    broken.write_text(path.read_text().replace("fi\n", "\n", 1) if "fi\n" in path.read_text()
                      else path.read_text() + "if then\n")
    assert run(["/bin/sh", "-n", str(broken)]).returncode != 0


def dockerfile_stages() -> dict[str, str]:
    stages, name, body = {}, None, []
    for line in DOCKERFILE.read_text().splitlines():
        m = re.match(r"^FROM\s+(\S+)\s+AS\s+(\S+)", line, re.I)
        if m:
            if name:
                stages[name] = "\n".join(body)
            name, body = m.group(2), [line]
        elif name:
            body.append(line)
    stages[name] = "\n".join(body)
    return stages


def test_dockerfile_builds_with_install_deps_and_ships_every_library_the_binary_links(cirrus):
    stages = dockerfile_stages()
    assert list(stages)[-1] == "runtime", "runtime must be the default (last) stage"
    assert {"build", "pebble", "nsd", "runtime"} <= set(stages)
    for stage in stages.values():
        assert stage.startswith("FROM debian:12 ")
    assert "scripts/install-deps" in stages["build"]
    assert "cmake --preset release" in stages["build"]
    for src in re.findall(r"^COPY (?!--from)(\S+)", stages["build"], re.M):
        assert (ROOT / src).exists(), f"COPY {src}: not in the repository"
    runtime = stages["runtime"]
    assert "COPY --from=build /src/build/release/src/cirrus /usr/local/bin/cirrus" in runtime
    assert "/usr/local/share/cirrus/web/dist" in runtime
    # Every shared library of the binary comes from a package the runtime stage installs
    # (or from Debian's base image: libc6, libgcc-s1).
    installed = set(re.findall(r"\b(lib[a-z0-9.+-]+)", runtime))
    ldd = run(["ldd", cirrus]).stdout
    libs = re.findall(r"=> (/\S+)", ldd)
    assert libs, ldd
    for lib in libs:
        real = os.path.realpath(lib)
        owner = None
        for candidate in (lib, real, real.replace("/usr/lib/", "/lib/", 1),
                          real.replace("/lib/", "/usr/lib/", 1)):
            r = run(["dpkg", "-S", candidate])
            if r.returncode == 0:
                owner = r.stdout.split(":")[0]
                break
        assert owner, f"no Debian package owns {lib}"
        if owner in ("libc6", "libgcc-s1") or owner.startswith("libunistring"):
            continue  # in debian:12 itself / pulled by libidn2-0
        if re.match(r"lib(asan|ubsan)\d", owner):
            continue  # the sanitizer build's runtimes; the image builds the release preset
        assert owner in installed, f"{lib} comes from {owner}, not installed by the runtime stage"
    ignore = (DEPLOY / "docker" / "Dockerfile.dockerignore").read_text()
    assert "web/node_modules/" in ignore and "!src/" in ignore


# ---------------------------------------------------------------- Ansible


def test_ansible_playbook_passes_syntax_check():
    r = run([need("ansible-playbook"), "--syntax-check", "-i",
             str(ANSIBLE / "inventory.example.ini"), str(ANSIBLE / "site.yml")],
            cwd=str(ANSIBLE))
    assert r.returncode == 0, r.stdout + r.stderr


def test_ansible_syntax_check_catches_a_broken_playbook(tmp_path):
    shutil.copytree(ANSIBLE, tmp_path / "ansible")
    site = tmp_path / "ansible" / "site.yml"
    site.write_text(site.read_text().replace("  roles:\n", "  rolez:\n", 1))
    r = run(["ansible-playbook", "--syntax-check", "-i", str(ANSIBLE / "inventory.example.ini"),
             str(site)], cwd=str(tmp_path / "ansible"))
    assert r.returncode != 0


def ansible_local_run(tmp: pathlib.Path, cirrus: str, extra: dict | None = None):
    """site.yml with -c local: this host is control plane, edge and DNS secondary; every path is
    under tmp/root, no package or service is touched (cirrus_manage_system=false)."""
    inventory = tmp / "inventory.ini"
    inventory.write_text(
        "[control]\nlocalhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3"
        " cirrus_address=127.0.0.1\n[edges]\nlocalhost\n[dns_secondaries]\nlocalhost\n")
    variables = {
        "cirrus_root": str(tmp / "root"),
        "cirrus_manage_system": False,
        "cirrus_bin_src": cirrus,
        "cirrus_redis_url": "redis://:0123456789abcdef@127.0.0.1:6379/0",
        "cirrus_dns_tsig_secret": TSIG_SECRET,
        "cirrus_master_api_token": "deploy-test-token-0123456789",
        "cirrus_base_domain": "cdn.deploy.test",
        **(extra or {}),
    }
    # Ansible's state stays in tmp (nothing under $HOME).
    env = {**os.environ, "ANSIBLE_HOME": str(tmp / "ansible-home"),
           "ANSIBLE_LOCAL_TEMP": str(tmp / "ansible-tmp"),
           "ANSIBLE_REMOTE_TEMP": str(tmp / "ansible-remote-tmp"),
           "ANSIBLE_NOCOLOR": "1", "ANSIBLE_CONFIG": str(ANSIBLE / "ansible.cfg")}
    return run([need("ansible-playbook"), "-c", "local", "-i", str(inventory),
                "-e", json.dumps(variables), str(ANSIBLE / "site.yml")],
               cwd=str(ANSIBLE), env=env, timeout=600)


@pytest.fixture(scope="module")
def ansible_root(tmp_path_factory, cirrus):
    tmp = tmp_path_factory.mktemp("ansible")
    r = ansible_local_run(tmp, cirrus)
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-2000:]
    return tmp / "root"


def test_ansible_installs_the_binary_ui_units_and_env_files(ansible_root, cirrus):
    binary = ansible_root / "usr/local/bin/cirrus"
    assert os.access(binary, os.X_OK)
    assert run([str(binary), "version"]).returncode == 0
    assert (ansible_root / "usr/local/share/cirrus/web/dist/index.html").is_file()
    units = ansible_root / "etc/systemd/system"
    assert sorted(p.name for p in units.iterdir()) == sorted(
        ["cirrus.target"] + [f"cirrus-{role}.service" for role in ROLES])
    for p in units.iterdir():
        assert p.read_text() == (SYSTEMD / p.name).read_text()
    for name in ["common"] + ROLES:
        env_file = ansible_root / f"etc/cirrus/{name}.env"
        assert env_file.stat().st_mode & 0o777 == 0o640, f"{env_file} holds secrets"


def test_ansible_units_verify_against_the_installed_binary(ansible_root, tmp_path):
    r, _ = verify_units(ansible_root / "etc/systemd/system",
                        str(ansible_root / "usr/local/bin/cirrus"), tmp_path / "units")
    assert r.returncode == 0 and not (r.stdout + r.stderr).strip(), r.stdout + r.stderr


@pytest.mark.parametrize("role", ROLES)
def test_ansible_env_files_pass_check_config_and_wire_the_hosts(role, ansible_root, cirrus):
    common, _ = parse_env_file(ansible_root / "etc/cirrus/common.env")
    own, _ = parse_env_file(ansible_root / f"etc/cirrus/{role}.env")
    documented = documented_variables()
    helped = role_help(cirrus, role)
    for name in own:
        assert name in documented and name in helped, f"{role}.env: {name}"
    for name in common:
        assert name in documented, name
    r = check_config(cirrus, role, {**common, **own})
    assert r.returncode == 0, r.stderr
    assert common["REDIS_URL"] == "redis://:0123456789abcdef@127.0.0.1:6379/0"
    assert common["CNAME_BASE_DOMAIN"] == "cdn.deploy.test"
    if role == "dns":
        assert own["CNAME_DNS_SLAVES"] == "127.0.0.1:53"
        assert own["DNS_TSIG_KEY"] == f"xfr.key:hmac-sha256:{TSIG_SECRET}"
    if role == "edge":
        assert own["EDGE_HTTPS_BIND"] == "0.0.0.0:443"
        assert "127.0.0.1/32" in own["EDGE_METRICS_ALLOW"].split(",")


def test_ansible_nsd_config_slaves_the_zone_from_the_hidden_master(ansible_root, tmp_path):
    conf = ansible_root / "etc/nsd/nsd.conf.d/cirrus.conf"
    text = conf.read_text()
    assert 'name: "cdn.deploy.test"' in text
    assert "request-xfr: 127.0.0.1@10053 xfr.key" in text
    assert "allow-notify: 127.0.0.1 xfr.key" in text
    assert f'secret: "{TSIG_SECRET}"' in text
    r = run([need("nsd-checkconf"), str(conf)])
    assert r.returncode == 0, r.stdout + r.stderr


def test_ansible_stops_on_a_bad_value_naming_the_variable(tmp_path, cirrus):
    r = ansible_local_run(tmp_path, cirrus, {"cirrus_env_overrides": {"edge": {"EDGE_WORKERS": "0"}}})
    assert r.returncode != 0
    assert "cirrus edge: invalid configuration: EDGE_WORKERS" in r.stdout


# ---------------------------------------------------------------- docs


def test_deployment_doc_names_every_deploy_file_and_readme_links_it():
    doc = (ROOT / "docs" / "deployment.md").read_text()
    for path in DEPLOY.rglob("*"):
        if path.is_file():
            rel = path.relative_to(DEPLOY)
            assert path.name in doc and f"deploy/{rel.parts[0]}/" in doc, \
                f"docs/deployment.md does not cover {rel}"
            if rel.parts[1] == "roles":
                assert f"roles/{rel.parts[2]}/" in doc, f"docs/deployment.md: {rel}"
    assert "docs/deployment.md" in (ROOT / "README.md").read_text()
