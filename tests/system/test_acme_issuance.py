"""Certificate issuance end to end (spec §8 acme.issue_certificate / acme.scan_and_renew) with
real parts only: Pebble as the CA, Unbound as the resolver Pebble validates through, `cirrus
acme-dns` holding the DNS-01 TXT, a `cirrus dns` static zone as the customer's DNS with the
`_acme-challenge` CNAME, `cirrus api` to ask, `cirrus worker` to issue, and `cirrus edge`
serving the issued certificate by SNI.
"""
from __future__ import annotations

import pathlib
import socket
import ssl
import time

import pytest
import redis as redis_lib

from acme_fixtures import BLOCKED_DOMAIN, AcmeDns, Pebble, Unbound
from api_fixtures import start_api
from dns_fixtures import DnsMaster
from edge_fixtures import Edge
from harness import free_port, wait_until
from worker_fixtures import Worker

pytest_plugins = ["api_fixtures"]

DOMAIN = "www.example.test"
CUSTOMER_ZONE = "example.test"


def zone_text(cnames: dict[str, str]) -> str:
    lines = [
        f"$ORIGIN {CUSTOMER_ZONE}.",
        "$TTL 1",
        "@ IN SOA ns1 hostmaster 1 3600 600 86400 0",
        "@ IN NS ns1",
        "ns1 IN A 127.0.0.1",
        "www IN A 127.0.0.1",
    ]
    for domain, target in cnames.items():
        label = domain.removesuffix("." + CUSTOMER_ZONE)
        lines.append(f"_acme-challenge.{label} IN CNAME {target}.")
    return "\n".join(lines) + "\n"


class Stack:
    """Every process of the issuance path; the customer's DNS can be rewritten (restart)."""

    def __init__(self, procs, cirrus, redis_server, worker_env: dict | None = None):
        self.procs, self.cirrus, self.redis_url = procs, cirrus, redis_server.url
        self.redis = redis_lib.Redis.from_url(redis_server.url, decode_responses=True)
        self.acmedns = AcmeDns(procs, cirrus, redis_server.url)
        self.zone_file = pathlib.Path(procs.tmp) / "example.test.zone"
        self.dns_port = free_port()
        self.dns = None
        self.cnames: dict[str, str] = {}
        self.customer_dns({})
        self.unbound = Unbound(procs, {CUSTOMER_ZONE: self.dns_port,
                                       "acme.cdn.test": self.acmedns.dns_port})
        self.pebble = Pebble(procs, self.unbound.address)
        self.api = start_api(procs, cirrus, redis_server)
        self.edge = Edge(procs, cirrus, redis_server.url)
        self.worker = Worker(procs, cirrus, redis_server.url, health_port=free_port(), env={
            "ACME_DIRECTORY": self.pebble.directory,
            "ACME_CA_BUNDLE": str(self.pebble.ca),
            "ACMEDNS_BASE_URL": self.acmedns.url,
            "ACME_DNS_RESOLVER": self.unbound.address,
            "CNAME_WAIT_SECS": "1",
            "LOG_LEVEL": "debug",
            **(worker_env or {}),
        })

    def customer_dns(self, cnames: dict[str, str]) -> None:
        """(Re)starts the customer's authoritative DNS with these _acme-challenge CNAMEs
        (domain -> target) added to the ones it has."""
        if self.dns is not None:
            self.dns.proc.stop()
        self.cnames.update(cnames)
        self.zone_file.write_text(zone_text(self.cnames))
        self.dns = DnsMaster(self.procs, self.cirrus, self.redis_url, [], port=self.dns_port,
                             env={"DNS_STATIC_ZONES": f"{CUSTOMER_ZONE}={self.zone_file}"},
                             name=f"customer-dns-{time.monotonic_ns()}")

    def request_issuance(self, domain: str = DOMAIN) -> str:
        r = self.api.request("POST", f"/api/v1/domains/{domain}/acme")
        assert r.status_code == 202, r.text
        return r.json()["task_id"]

    def wait_task(self, task_id: str, timeout: float = 90) -> dict:
        def finished():
            assert self.worker.proc.alive(), self.worker.proc.output()[-3000:]
            t = self.api.request("GET", f"/api/v1/tasks/{task_id}").json()
            return t if t["status"] in ("succeeded", "failed") else None
        return wait_until(finished, timeout, f"task {task_id} finishes\n"
                          + self.worker.proc.output()[-4000:])

    def acme_status(self, domain: str = DOMAIN) -> dict:
        return self.api.request("GET", f"/api/v1/domains/{domain}/acme").json()

    def add_domain(self, domain: str) -> None:
        r = self.api.request("POST", "/api/v1/domains", json={
            "domain": domain,
            "origins": [{"scheme": "http", "host": "127.0.0.1", "port": free_port()}]})
        assert r.status_code == 201, r.text

    def served_certificate(self) -> dict:
        """The certificate the edge presents for DOMAIN, verified against Pebble's root."""
        ctx = ssl.create_default_context(cadata=self.pebble.issuing_roots())
        with socket.create_connection(("127.0.0.1", self.edge.https), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname=DOMAIN) as tls:
                return tls.getpeercert()


@pytest.fixture
def stack(procs, cirrus, redis_server):
    s = Stack(procs, cirrus, redis_server)
    s.add_domain(DOMAIN)
    return s


def issue(stack: Stack) -> dict:
    """Runs the customer's side: learn the CNAME target, create the record, issue."""
    first = stack.wait_task(stack.request_issuance())
    target = stack.acme_status()["cname"]["target"]
    if first["status"] == "failed":
        stack.customer_dns({DOMAIN: target})
        first = stack.wait_task(stack.request_issuance())
    assert first["status"] == "succeeded", first
    return first


def test_missing_cname_fails_with_the_record_to_create_then_issuance_succeeds(stack):
    task = stack.wait_task(stack.request_issuance())
    assert task["status"] == "failed"
    status = stack.acme_status()
    assert status["status"] == "failed"
    target = status["cname"]["target"]
    assert status["cname"]["name"] == f"_acme-challenge.{DOMAIN}"
    assert target.endswith(".acme.cdn.test")
    assert status["error"].startswith(
        f"create the DNS record _acme-challenge.{DOMAIN} CNAME {target}"), status["error"]
    assert "password" not in status
    # A refusal the customer must fix is not retried on a timer.
    assert task["attempts"] == 1
    assert stack.redis.exists(f"cdn:cert:{DOMAIN}") == 0

    stack.customer_dns({DOMAIN: target})
    task = stack.wait_task(stack.request_issuance())
    assert task["status"] == "succeeded", task
    status = stack.acme_status()
    assert status["status"] == "issued" and status["error"] is None
    assert status["cname"]["target"] == target  # the acme-dns account is kept

    meta = stack.api.request("GET", f"/api/v1/domains/{DOMAIN}/certificate").json()
    assert meta["source"] == "acme"
    assert meta["names"] == [DOMAIN]
    assert "Pebble" in meta["issuer"]
    assert meta["not_after"] > time.time() + 86400
    assert "PRIVATE KEY" not in str(meta)

    # The edge loads it (cdn:certs) and presents it for the domain; Pebble's root verifies it.
    def served():
        try:
            return stack.served_certificate()
        except (ssl.SSLError, OSError):
            return None
    cert = wait_until(served, 10, "the edge serves the issued certificate")
    assert ("DNS", DOMAIN) in cert["subjectAltName"]

    # The worker and the CA log nothing secret.
    worker_log = stack.worker.proc.output()
    assert "PRIVATE KEY" not in worker_log
    assert stack.redis.hget(f"cdn:acme:{DOMAIN}", "password") not in worker_log


def test_a_second_request_while_one_is_queued_returns_the_same_task(stack):
    stack.worker.proc.stop()  # nothing consumes: the first task stays queued
    first = stack.request_issuance()
    assert stack.request_issuance() == first


def test_a_ca_refusal_fails_at_once_with_the_cas_reason(stack):
    stack.add_domain(BLOCKED_DOMAIN)
    stack.wait_task(stack.request_issuance(BLOCKED_DOMAIN))
    stack.customer_dns({BLOCKED_DOMAIN: stack.acme_status(BLOCKED_DOMAIN)["cname"]["target"]})
    task = stack.wait_task(stack.request_issuance(BLOCKED_DOMAIN))
    assert task["status"] == "failed"
    assert task["attempts"] == 1  # the CA's policy does not change on retry
    status = stack.acme_status(BLOCKED_DOMAIN)
    assert status["status"] == "failed"
    assert "rejectedIdentifier" in status["error"], status["error"]
    assert stack.redis.exists(f"cdn:cert:{BLOCKED_DOMAIN}") == 0
    assert stack.redis.xlen("cdn:tasks:acme:dead") >= 1


def test_renewal_scan_reissues_a_certificate_close_to_expiry_with_the_same_key(stack):
    issue(stack)
    before = stack.redis.hgetall(f"cdn:cert:{DOMAIN}")
    key_before = stack.redis.get(f"cdn:acmecertkey:{DOMAIN}")
    serial_before = stack.served_certificate()["serialNumber"]

    # Not due yet: the scan enqueues nothing.
    scan = stack.wait_task(enqueue_scan(stack.redis))
    assert scan["status"] == "succeeded"
    assert scan["result"]["enqueued"] == []

    # Ten days left (ACME_RENEW_BEFORE_DAYS is 30): due.
    stack.redis.hset(f"cdn:cert:{DOMAIN}", "not_after", int(time.time()) + 10 * 86400)
    scan = stack.wait_task(enqueue_scan(stack.redis))
    assert scan["result"]["enqueued"] == [DOMAIN]
    renewal_id = stack.redis.get(f"cdn:acme:task:{DOMAIN}")
    if renewal_id:
        assert stack.wait_task(renewal_id)["status"] == "succeeded"
    after = wait_until(lambda: (lambda h: h if h["fullchain"] != before["fullchain"] else None)(
        stack.redis.hgetall(f"cdn:cert:{DOMAIN}")), 60, "the renewed chain is stored")
    assert int(after["not_after"]) > time.time() + 30 * 86400
    assert stack.redis.get(f"cdn:acmecertkey:{DOMAIN}") == key_before
    assert after["key"] == before["key"]
    wait_until(lambda: stack.served_certificate()["serialNumber"] != serial_before, 10,
               "the edge serves the renewed certificate")


def test_uploaded_certificates_are_never_renewed_by_the_scan(stack):
    stack.redis.hset(f"cdn:acme:{DOMAIN}", mapping={"status": "failed", "updated_at": "1"})
    stack.redis.hset(f"cdn:cert:{DOMAIN}", mapping={
        "fullchain": "x", "key": "y", "not_before": "1", "not_after": "2", "issuer": "me",
        "source": "upload", "updated_at": "1", "names": DOMAIN})
    scan = stack.wait_task(enqueue_scan(stack.redis))
    assert scan["status"] == "succeeded"
    assert scan["result"]["enqueued"] == []
    assert stack.redis.hget(f"cdn:cert:{DOMAIN}", "source") == "upload"


def enqueue_scan(r: redis_lib.Redis) -> str:
    """acme.scan_and_renew on the acme queue, written the way TaskStore.enqueue writes it
    (the scheduler fires it on ACME_RENEW_CRON; a test cannot wait for the hour)."""
    import secrets
    task_id = secrets.token_hex(16)
    now = str(int(time.time()))
    r.hset(f"cdn:task:{task_id}", mapping={
        "queue": "acme", "name": "acme.scan_and_renew", "args": "{}", "status": "queued",
        "attempts": "0", "created_at": now, "updated_at": now})
    r.expire(f"cdn:task:{task_id}", 86400)
    r.xadd("cdn:tasks:acme", {"task": task_id, "name": "acme.scan_and_renew"})
    return task_id
