"""Fixtures for `cirrus dns` system tests: the hidden master, a real NSD secondary, and helpers
that write domains and nodes into Redis exactly as the API's stores do (docs/redis-schema.md).

    master = dns_master(slaves=[...], tsig=KEY)     # cirrus dns on free ports, healthy
    nsd = nsd_secondary(master, tsig=KEY)            # nsd -d with its own conf in tmp_path
    put_domain(r, "www.example.com"); put_node(r, "n1", ipv4="192.0.2.1")
    wait_until(lambda: nsd.serial() == master.serial(), 5, "nsd caught up")

Every process is in the test's ProcessGroup (harness.py), so nothing outlives a test.
"""
from __future__ import annotations

import base64
import json
import re
import subprocess

import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.tsigkeyring
import pytest
import requests
import xxhash  # python3-xxhash

from harness import ProcessGroup, free_port, wait_until

BASE = "cdn.test"
TSIG_NAME = "xfr.key"
TSIG_SECRET = base64.b64encode(b"cirrus-test-tsig-secret-32-bytes").decode()
TSIG_KEY = f"{TSIG_NAME}:hmac-sha256:{TSIG_SECRET}"


def keyring():
    return dns.tsigkeyring.from_text({TSIG_NAME: ("hmac-sha256", TSIG_SECRET)})


# ---- Redis writes (the store's key format, spec §4) ----------------------------------------

def put_domain(r, domain: str, publish: bool = True) -> None:
    conf = {"domain": domain, "enabled": True,
            "origins": [{"scheme": "http", "host": "origin.example", "port": 80}]}
    r.set(f"cdn:dom:{domain}", json.dumps(conf))
    r.sadd("cdn:domains", domain)
    if publish:
        r.publish("cdn:cname:dirty", domain)


def delete_domain(r, domain: str) -> None:
    r.delete(f"cdn:dom:{domain}")
    r.srem("cdn:domains", domain)
    r.publish("cdn:cname:dirty", domain)


def put_node(r, node_id: str, ipv4: str = "", ipv6: str = "", site: str = "default",
             enabled: bool = True, active: bool = True, publish: bool = True) -> None:
    r.hset(f"cdn:node:{node_id}", mapping={
        "id": node_id, "name": node_id, "ipv4": ipv4, "ipv6": ipv6, "site": site,
        "enabled": "1" if enabled else "0", "active": "1" if active else "0",
        "fails": "0", "succs": "0", "last_check": "0", "last_error": ""})
    r.sadd("cdn:nodes", node_id)
    if publish:
        r.publish("cdn:cname:dirty", node_id)


def set_active(r, node_id: str, active: bool) -> None:
    r.hset(f"cdn:node:{node_id}", "active", "1" if active else "0")
    r.publish("cdn:cname:dirty", node_id)


def fqdn(domain: str) -> str:
    return f"{domain}.{BASE}"


def rendezvous_top(ids, access_fqdn: str, k: int) -> list[str]:
    """Spec §7: XXH64(node_id|fqdn, seed 0) descending, ties by id."""
    scored = sorted(ids, key=lambda i: (-xxhash.xxh64((i + "|" + access_fqdn).encode(),
                                                      seed=0).intdigest(), i))
    return scored[:k]


# ---- DNS client helpers ---------------------------------------------------------------------

def query(port: int, name: str, rdtype: str = "A", tcp: bool = False, payload: int | None = None,
          source: str | None = None, timeout: float = 2.0, host: str = "127.0.0.1"):
    q = dns.message.make_query(name, rdtype, use_edns=payload is not None,
                               payload=payload or 512)
    q.flags &= ~dns.flags.RD
    if tcp:
        return dns.query.tcp(q, host, port=port, timeout=timeout, source=source)
    return dns.query.udp(q, host, port=port, timeout=timeout, source=source,
                         ignore_trailing=True)


def addresses(port: int, name: str, rdtype: str = "A") -> set[str]:
    r = query(port, name, rdtype)
    out = set()
    for rrset in r.answer:
        if rrset.rdtype == dns.rdatatype.from_text(rdtype):
            out.update(rd.to_text() for rd in rrset)
    return out


def soa_serial(port: int, host: str = "127.0.0.1") -> int | None:
    try:
        r = query(port, BASE, "SOA", host=host, timeout=1.0)
    except Exception:
        return None
    if r.rcode() != dns.rcode.NOERROR or not r.answer:
        return None
    return r.answer[0][0].serial


def axfr_lines(port: int, tsig: bool = False, zone: str = BASE) -> list[str]:
    """The zone as sorted presentation lines, from `kdig AXFR` (a third tool, neither ours nor
    the secondary's)."""
    argv = ["kdig", "@127.0.0.1", "-p", str(port), "AXFR", zone, "+nocomments", "+nostats",
            "+noquestion", "+time=3", "+retry=0"]
    if tsig:
        argv += ["-y", f"hmac-sha256:{TSIG_NAME}:{TSIG_SECRET}"]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=15).stdout
    lines = []
    for line in out.splitlines():
        line = line.strip()
        if not line or line.startswith(";"):
            continue
        fields = line.split()
        if len(fields) > 3 and fields[3] == "TSIG":
            continue
        lines.append(" ".join(fields))
    # The closing SOA repeats the opening one; a set compares the zone content.
    return sorted(set(lines))


# ---- the processes -------------------------------------------------------------------------

class DnsMaster:
    def __init__(self, group: ProcessGroup, cirrus: str, redis_url: str, slaves: list[str],
                 tsig: str = "", env: dict | None = None, name: str = "dns",
                 port: int | None = None):
        self.group = group
        self.port = port or free_port()
        self.metrics_port = free_port()
        self.env = {
            "REDIS_URL": redis_url,
            "CNAME_BASE_DOMAIN": BASE,
            "CNAME_REPLICAS_PER_SITE": "2",
            "DNS_MASTER_BIND_ADDR": "127.0.0.1",
            "DNS_MASTER_PORT": str(self.port),
            "DNS_METRICS_BIND": f"127.0.0.1:{self.metrics_port}",
            "DNS_NS1_A": "127.0.0.1",
            "CNAME_DNS_SLAVES": ",".join(slaves),
            "DNS_TSIG_KEY": tsig,
            "LOG_FORMAT": "text",
            "LOG_LEVEL": "debug",
            **(env or {}),
        }
        self.proc = group.spawn([cirrus, "dns"], name=name, env=self.env)
        wait_until(self.healthy, 10, f"cirrus dns healthy on {self.port}\n{self.output_tail()}")

    def output_tail(self) -> str:
        try:
            return self.proc.output()[-3000:]
        except Exception:
            return ""

    def healthy(self) -> bool:
        if not self.proc.alive():
            raise AssertionError("cirrus dns exited:\n" + self.output_tail())
        r = requests.get(f"http://127.0.0.1:{self.metrics_port}/healthz", timeout=1)
        return r.status_code == 200

    def serial(self) -> int | None:
        return soa_serial(self.port)

    def metrics_text(self) -> str:
        return requests.get(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=2).text

    def metric(self, name: str, **labels) -> float:
        """Sum of the samples of `name` whose labels include `labels`."""
        total = 0.0
        for line in self.metrics_text().splitlines():
            if line.startswith("#"):
                continue
            m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$", line)
            if not m or m.group(1) != name:
                continue
            have = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
            if all(have.get(k) == v for k, v in labels.items()):
                total += float(m.group(3))
        return total


class NsdSecondary:
    """A real NSD slaving BASE from the master, in the foreground, all state under tmp."""

    def __init__(self, group: ProcessGroup, master: DnsMaster, tsig: bool = False,
                 name: str = "nsd", port: int | None = None, zones: list[str] | None = None):
        self.group = group
        self.master = master
        self.tsig = tsig
        self.name = name
        self.port = port or free_port()
        self.dir = group.tmp / name
        self.dir.mkdir(exist_ok=True)
        self.conf = self.dir / "nsd.conf"
        key = TSIG_NAME if tsig else "NOKEY"
        key_block = (f'key:\n  name: "{TSIG_NAME}"\n  algorithm: hmac-sha256\n'
                     f'  secret: "{TSIG_SECRET}"\n') if tsig else ""
        d = self.dir
        zone_blocks = "".join(f"""zone:
  name: "{z}"
  zonefile: "{z}.zone"
  request-xfr: 127.0.0.1@{master.port} {key}
  allow-notify: 127.0.0.1 {key}
  provide-xfr: 127.0.0.1 NOKEY
""" for z in (zones or [BASE]))
        self.conf.write_text(f"""server:
  ip-address: 127.0.0.1
  port: {self.port}
  username: ""
  chroot: ""
  zonesdir: "{d}"
  database: ""
  zonelistfile: "{d}/zone.list"
  pidfile: "{d}/nsd.pid"
  xfrdfile: "{d}/xfrd.state"
  xfrdir: "{d}"
  logfile: "{d}/nsd.log"
  verbosity: 2
  server-count: 1
  hide-version: yes
  xfrd-reload-timeout: 0
remote-control:
  control-enable: no
{key_block}{zone_blocks}""")
        self.proc = None
        self.start()

    def start(self) -> None:
        self.proc = self.group.spawn(["nsd", "-d", "-c", str(self.conf)], name=self.name)
        wait_until(lambda: self.serial() is not None, 10,
                   f"nsd {self.name} serving the zone\n{self.log()}")

    def stop(self) -> None:
        if self.proc:
            self.proc.stop()

    def serial(self) -> int | None:
        if self.proc is not None and not self.proc.alive():
            raise AssertionError("nsd exited:\n" + self.log())
        return soa_serial(self.port)

    def log(self) -> str:
        p = self.dir / "nsd.log"
        text = p.read_text(errors="replace") if p.exists() else ""
        if self.proc is not None:
            text += self.proc.output()
        return text[-4000:]


@pytest.fixture
def dns_master(procs, cirrus, redis_server):
    def make(slaves: list[str] | None = None, tsig: str = "", env: dict | None = None,
             name: str = "dns") -> DnsMaster:
        return DnsMaster(procs, cirrus, redis_server.url, slaves or [], tsig, env, name)
    return make


@pytest.fixture
def nsd_secondary(procs):
    def make(master: DnsMaster, tsig: bool = False, name: str = "nsd",
             port: int | None = None, zones: list[str] | None = None) -> NsdSecondary:
        return NsdSecondary(procs, master, tsig, name, port, zones)
    return make


@pytest.fixture
def nsd_port():
    return free_port()


@pytest.fixture
def r(redis_server):
    return redis_server.client()


def wait_serial_change(master: DnsMaster, old: int | None, timeout: float = 3.0) -> int:
    return wait_until(lambda: (s := master.serial()) is not None and s != old and s, timeout,
                      f"master serial to move from {old}")


def wait_in_sync(master: DnsMaster, nsd: NsdSecondary, timeout: float = 5.0) -> int:
    def same():
        s = master.serial()
        return s is not None and nsd.serial() == s and s
    return wait_until(same, timeout, "nsd serial == master serial\n" + nsd.log())
