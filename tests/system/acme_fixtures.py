"""Real ACME peers for the worker's issuance tests: Pebble (Debian `pebble`, the ACME test CA)
and Unbound (Debian `unbound`) as the recursive resolver both Pebble's validator and the
worker's CNAME check ask. Unbound reaches the customer's zone (a `cirrus dns` static zone
holding `_acme-challenge.<domain> CNAME <acme-dns fulldomain>`) and the acme-dns zone through
stub zones, so the DNS-01 lookup follows the CNAME the way a public resolver would.
"""
from __future__ import annotations

import json
import pathlib
import ssl
import subprocess
import urllib.request

import dns.message
import dns.query
import dns.rcode
import requests

from harness import ProcessGroup, free_port, wait_until


ZONE = "acme.cdn.test"


class AcmeDns:
    """One `cirrus acme-dns` process on free loopback ports."""

    def __init__(self, procs, cirrus, redis_url: str, name: str = "acme-dns"):
        self.api_port = free_port()
        self.dns_port = free_port()
        self.proc = procs.spawn([cirrus, "acme-dns"], name, env={
            "REDIS_URL": redis_url,
            "ACMEDNS_API_BIND": f"127.0.0.1:{self.api_port}",
            "ACMEDNS_DNS_BIND": f"127.0.0.1:{self.dns_port}",
            "ACMEDNS_ZONE": ZONE,
            "LOG_FORMAT": "text",
        })
        wait_until(self.healthy, 10, f"{name} answers /health")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def healthy(self) -> bool:
        assert self.proc.alive(), self.proc.output()
        return requests.get(self.url + "/health", timeout=2).status_code == 200

    def register(self, body=None) -> dict:
        r = requests.post(self.url + "/register", json=body, timeout=5)
        assert r.status_code == 201, r.text
        return r.json()

    def update(self, account: dict, txt: str, subdomain: str | None = None,
               key: str | None = None) -> requests.Response:
        headers = {"X-Api-User": account["username"], "X-Api-Key": key or account["password"]}
        body = {"subdomain": subdomain or account["subdomain"], "txt": txt}
        return requests.post(self.url + "/update", json=body, headers=headers, timeout=5)

    def query(self, name: str, rdtype="TXT", tcp: bool = False) -> dns.message.Message:
        q = dns.message.make_query(name, rdtype)
        if tcp:
            return dns.query.tcp(q, "127.0.0.1", port=self.dns_port, timeout=3)
        return dns.query.udp(q, "127.0.0.1", port=self.dns_port, timeout=3)

    def txt(self, name: str, tcp: bool = False) -> list[str]:
        m = self.query(name, "TXT", tcp)
        assert m.rcode() == dns.rcode.NOERROR, dns.rcode.to_text(m.rcode())
        return sorted(s.decode() for rrset in m.answer for rr in rrset for s in rr.strings)


def make_tls_ca(directory: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path, pathlib.Path]:
    """A throwaway CA and a server certificate for 127.0.0.1/localhost signed by it (Pebble's
    own HTTPS listener). Returns (ca.pem, cert.pem, key.pem)."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca = directory / "ca.key", directory / "ca.pem"
    key, csr, cert = directory / "key.pem", directory / "leaf.csr", directory / "cert.pem"
    ext = directory / "leaf.ext"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    run = lambda *a: subprocess.run(a, check=True, capture_output=True)  # noqa: E731
    run("openssl", "req", "-x509", *ec, "-keyout", ca_key, "-out", ca, "-days", "2",
        "-subj", "/CN=cirrus test pebble CA")
    run("openssl", "req", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=localhost")
    run("openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
        "-out", cert, "-days", "2", "-extfile", ext)
    return ca, cert, key


class Unbound:
    """unbound in the foreground on a free loopback port, stub zones to loopback servers."""

    def __init__(self, group: ProcessGroup, stubs: dict[str, int], name: str = "unbound"):
        self.port = free_port()
        self.dir = group.tmp / name
        self.dir.mkdir(parents=True, exist_ok=True)
        lines = [
            "server:",
            "  interface: 127.0.0.1",
            f"  port: {self.port}",
            "  do-ip6: no",
            "  do-daemonize: no",
            "  use-syslog: no",
            "  logfile: \"\"",
            "  verbosity: 1",
            "  username: \"\"",
            "  chroot: \"\"",
            f"  directory: \"{self.dir}\"",
            f"  pidfile: \"{self.dir}/unbound.pid\"",
            "  do-not-query-localhost: no",
            "  module-config: \"iterator\"",
            "  qname-minimisation: no",
            # A record the test creates after a negative answer must be seen at once.
            "  cache-max-ttl: 1",
            "  cache-max-negative-ttl: 1",
            "  local-zone: \"test.\" nodefault",
        ]
        for zone, port in stubs.items():
            lines += ["stub-zone:", f"  name: \"{zone}\"", f"  stub-addr: 127.0.0.1@{port}"]
        lines += ["remote-control:", "  control-enable: no"]
        self.conf = self.dir / "unbound.conf"
        self.conf.write_text("\n".join(lines) + "\n")
        self.proc = group.spawn(["unbound", "-d", "-c", str(self.conf)], name=name)
        wait_until(self.ready, 10, "unbound answers")

    def ready(self) -> bool:
        assert self.proc.alive(), self.proc.output()
        try:
            dns.query.udp(dns.message.make_query("localhost.", "A"), "127.0.0.1", timeout=0.5,
                          port=self.port)
            return True
        except Exception:  # noqa: BLE001 - not up yet
            return False

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


# Pebble refuses orders for this name (rejectedIdentifier), like a CA's policy would.
BLOCKED_DOMAIN = "blocked.example.test"


class Pebble:
    """Pebble with its own throwaway HTTPS certificate; DNS-01 lookups go to `resolver`."""

    def __init__(self, group: ProcessGroup, resolver: str, name: str = "pebble"):
        self.dir = group.tmp / name
        self.ca, cert, key = make_tls_ca(self.dir)
        self.port = free_port()
        self.management_port = free_port()
        config = {"pebble": {
            "listenAddress": f"127.0.0.1:{self.port}",
            "managementListenAddress": f"127.0.0.1:{self.management_port}",
            "certificate": str(cert),
            "privateKey": str(key),
            "httpPort": free_port(),
            "tlsPort": free_port(),
            "ocspResponderURL": "",
            "externalAccountBindingRequired": False,
            "domainBlocklist": [BLOCKED_DOMAIN],
        }}
        conf = self.dir / "pebble.json"
        conf.write_text(json.dumps(config))
        # PEBBLE_VA_NOSLEEP: validate at once instead of after a random 0-15 s. Pebble's
        # default 5 % of refused nonces (badNonce) stays on: the client must retry them.
        self.proc = group.spawn(["pebble", "-config", str(conf), "-dnsserver", resolver],
                                name=name, env={"PEBBLE_VA_NOSLEEP": "1"})
        self.context = ssl.create_default_context(cafile=str(self.ca))
        wait_until(self.ready, 20, "pebble serves its directory")

    @property
    def directory(self) -> str:
        return f"https://127.0.0.1:{self.port}/dir"

    def ready(self) -> bool:
        assert self.proc.alive(), self.proc.output()
        try:
            with urllib.request.urlopen(self.directory, context=self.context, timeout=1) as r:
                return r.status == 200
        except OSError:
            return False

    def issuing_roots(self) -> str:
        """PEM of the root Pebble issues under (generated at every start)."""
        url = f"https://127.0.0.1:{self.management_port}/roots/0"
        with urllib.request.urlopen(url, context=self.context, timeout=5) as r:
            return r.read().decode()
