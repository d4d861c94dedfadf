"""Audit (spec §10): every mutation leaves an entry with who, how, what and when in
cdn:audit; GET audit pages them newest first."""
import time

from api_fixtures import ADMIN_PASSWORD

pytest_plugins = ["api_fixtures"]


def test_each_mutation_is_audited(api_server):
    start = int(time.time())
    m = api_server.master
    api_server.create_user("admin1", ADMIN_PASSWORD, "admin")
    session = api_server.login("admin1", ADMIN_PASSWORD)
    m("PATCH", "/api/v1/users/admin1", json={"role": "admin"})
    token = m("POST", "/api/v1/tokens", json={"name": "ci", "role": "admin"}).json()
    api_server.request("POST", "/api/v1/nodes", token=token["token"],
                       json={"id": "n1", "ipv4": "192.0.2.1"})
    api_server.request("PATCH", "/api/v1/nodes/n1", session=session,
                       json={"name": "edge one"})
    m("PUT", "/api/v1/nodes/n1", json={"ipv4": "192.0.2.2"})
    api_server.create_domain("a.example")
    m("PUT", "/api/v1/domains/a.example", json={"origins": [{"scheme": "http", "host": "o.example"}]})
    m("POST", "/api/v1/domains/a.example/purge", json={"all": True})
    m("POST", "/api/v1/domains/a.example/acme")
    m("DELETE", "/api/v1/domains/a.example")
    m("DELETE", "/api/v1/nodes/n1")
    m("DELETE", f"/api/v1/tokens/{token['id']}")
    m("DELETE", "/api/v1/users/admin1")

    r = m("GET", "/api/v1/audit?limit=500")
    assert r.status_code == 200
    entries = list(reversed(r.json()["entries"]))
    got = [(e["action"], e["target"], e["actor"], e["method"]) for e in entries]
    want = [
        ("user.create", "admin1", "master", "master"),
        ("session.create", "admin1", "admin1", "session"),
        ("user.update", "admin1", "master", "master"),
        ("token.create", token["id"], "master", "master"),
        ("node.create", "n1", token["id"], "token"),
        ("node.update", "n1", "admin1", "session"),
        ("node.update", "n1", "master", "master"),
        ("domain.create", "a.example", "master", "master"),
        ("domain.update", "a.example", "master", "master"),
        ("purge.create", "a.example", "master", "master"),
        ("acme.request", "a.example", "master", "master"),
        ("domain.delete", "a.example", "master", "master"),
        ("node.delete", "n1", "master", "master"),
        ("token.delete", token["id"], "master", "master"),
        ("user.delete", "admin1", "master", "master"),
    ]
    assert got == want
    assert all(e["ts"] >= start for e in entries)
    # Secrets never reach the audit log.
    raw = str(api_server.redis.client().xrange("cdn:audit"))
    assert token["token"] not in raw and ADMIN_PASSWORD not in raw


def test_audit_pages_newest_first(api_server):
    for i in range(5):
        api_server.master("POST", "/api/v1/nodes", json={"id": f"n{i}", "ipv4": "192.0.2.1"})
    page1 = api_server.master("GET", "/api/v1/audit?limit=2").json()
    assert [e["target"] for e in page1["entries"]] == ["n4", "n3"]
    page2 = api_server.master("GET", f"/api/v1/audit?limit=2&before={page1['next']}").json()
    assert [e["target"] for e in page2["entries"]] == ["n2", "n1"]
    page3 = api_server.master("GET", f"/api/v1/audit?limit=2&before={page2['next']}").json()
    assert [e["target"] for e in page3["entries"]] == ["n0"]
    assert page3["next"] is None
