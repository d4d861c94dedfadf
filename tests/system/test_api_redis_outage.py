"""Redis stopped -> /healthz and store-backed routes answer 503; Redis back -> the same
process recovers without a restart (spec §10)."""
import requests

from harness import wait_until

pytest_plugins = ["api_fixtures"]


def test_outage_is_503_and_recovery_needs_no_restart(api_server, redis_server):
    api_server.create_domain("o.example")
    redis_server.stop()
    wait_until(lambda: requests.get(api_server.url("/healthz"), timeout=5).status_code == 503,
               10, "healthz 503")
    r = api_server.master("GET", "/api/v1/domains/o.example")
    assert r.status_code == 503 and r.json()["detail"] == "store unavailable"
    # Anonymous requests cannot be let through on an outage (bootstrap check fails closed).
    assert requests.get(api_server.url("/api/v1/domains"), timeout=5).status_code == 503
    redis_server.start()
    wait_until(lambda: requests.get(api_server.url("/healthz"), timeout=5).status_code == 200,
               15, "healthz 200 again")
    wait_until(lambda: api_server.master("GET", "/api/v1/domains/o.example").status_code == 404,
               15, "domain route answering again (the data was not persisted)")
    assert api_server.proc.alive()
