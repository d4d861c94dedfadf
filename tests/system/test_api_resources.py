"""Users, tokens, nodes, ACME and certificates (spec §9, §10)."""
import subprocess

import requests

pytest_plugins = ["api_fixtures"]


def test_bootstrap_until_first_user_then_credentials(api_server):
    r = requests.get(api_server.url("/api/v1/auth/me"), timeout=5)
    assert r.json() == {"username": "bootstrap", "role": "admin", "method": "bootstrap"}
    r = requests.post(api_server.url("/api/v1/users"), timeout=5,
                      json={"username": "first", "password": "first-password", "role": "admin"})
    assert r.status_code == 201
    assert "password" not in r.text and "argon2" not in r.text
    assert requests.get(api_server.url("/api/v1/auth/me"), timeout=5).status_code == 401
    stored = api_server.redis.client().hget("cdn:user:first", "password_hash")
    assert stored.startswith("$argon2id$")


def test_token_plaintext_is_shown_once_and_stored_hashed(api_server):
    r = api_server.master("POST", "/api/v1/tokens", json={"name": "ci", "role": "viewer"})
    assert r.status_code == 201
    body = r.json()
    token = body["token"]
    assert body["suffix"] == token[-2:] and body["created_by"] == "master"
    listed = api_server.master("GET", "/api/v1/tokens").json()
    assert token not in str(listed) and listed[0]["id"] == body["id"]
    dump = str({k: api_server.redis.client().dump(k) for k in
                api_server.redis.client().keys("cdn:*")})
    assert token not in dump
    me = api_server.request("GET", "/api/v1/auth/me", token=token).json()
    assert me == {"username": body["id"], "role": "viewer", "method": "token"}
    assert api_server.master("DELETE", f"/api/v1/tokens/{body['id']}").status_code == 204
    assert api_server.request("GET", "/api/v1/auth/me", token=token).status_code == 401


def test_master_token_is_checked_exactly(api_server):
    from api_fixtures import MASTER
    api_server.create_user("u1", "password-123", "viewer")  # closes bootstrap
    for bad in [MASTER[:-1], MASTER + "x", "x" * len(MASTER)]:
        assert api_server.request("GET", "/api/v1/auth/me", token=bad).status_code == 401


def test_nodes_crud_patch_and_health_fields_kept(api_server):
    m = api_server.master
    assert m("POST", "/api/v1/nodes", json={"id": "n1", "ipv4": "192.0.2.1"}).status_code == 201
    api_server.redis.client().hset("cdn:node:n1", mapping={"active": "0", "fails": "3"})
    r = m("PATCH", "/api/v1/nodes/n1", json={"site": "eu", "ipv6": "2001:db8::1"})
    assert r.status_code == 200 and r.json()["site"] == "eu"
    r = m("PUT", "/api/v1/nodes/n1", json={"ipv4": "192.0.2.9"})
    node = m("GET", "/api/v1/nodes/n1").json()
    assert node["ipv4"] == "192.0.2.9" and node["ipv6"] is None and node["site"] == "default"
    assert node["active"] is False and node["fails"] == 3
    assert m("PUT", "/api/v1/nodes/zz", json={"ipv4": "192.0.2.1"}).status_code == 404
    assert m("DELETE", "/api/v1/nodes/n1").status_code == 204


def test_acme_request_enqueues_one_task_and_reports_status(api_server):
    api_server.create_domain("tls.example")
    r = api_server.master("POST", "/api/v1/domains/tls.example/acme")
    assert r.status_code == 202
    task_id = r.json()["task_id"]
    again = api_server.master("POST", "/api/v1/domains/tls.example/acme").json()["task_id"]
    assert again == task_id
    rc = api_server.redis.client()
    assert rc.xlen("cdn:tasks:acme") == 1
    task = api_server.master("GET", f"/api/v1/tasks/{task_id}").json()
    assert task["name"] == "acme.issue_certificate" and task["status"] == "queued"
    assert task["args"] == {"domain": "tls.example"}
    status = api_server.master("GET", "/api/v1/domains/tls.example/acme").json()
    assert status["status"] == "none" and status["task_id"] == task_id
    rc.hset("cdn:acme:tls.example", mapping={"status": "pending", "fulldomain":
                                              "abc.auth.example", "password": "secret-pw"})
    status = api_server.master("GET", "/api/v1/domains/tls.example/acme").json()
    assert status["cname"] == {"name": "_acme-challenge.tls.example",
                               "target": "abc.auth.example"}
    assert "secret-pw" not in str(status)


def make_cert(tmp_path, cn, days=30, san=None):
    key = tmp_path / f"{cn}.key"
    crt = tmp_path / f"{cn}.crt"
    san = san or f"DNS:{cn}"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", str(key), "-out", str(crt),
                    "-days", str(days), "-subj", f"/CN={cn}", "-addext",
                    f"subjectAltName={san}"], check=True, capture_output=True)
    return crt.read_text(), key.read_text()


def test_certificate_upload_checks_key_and_coverage(api_server, tmp_path):
    api_server.create_domain("cert.example")
    chain, key = make_cert(tmp_path, "cert.example")
    _, other_key = make_cert(tmp_path, "other.example")
    wrong_chain, wrong_chain_key = make_cert(tmp_path, "other.example")
    url = "/api/v1/domains/cert.example/certificate"
    r = api_server.master("PUT", url, json={"fullchain": chain, "key": other_key})
    assert r.status_code == 422 and ["body", "key"] in [e["loc"] for e in r.json()["detail"]]
    r = api_server.master("PUT", url, json={"fullchain": wrong_chain, "key": wrong_chain_key})
    assert r.status_code == 422 and ["body", "fullchain"] in [e["loc"] for e in
                                                              r.json()["detail"]]
    r = api_server.master("PUT", url, json={"fullchain": chain, "key": key})
    assert r.status_code == 200, r.text
    meta = api_server.master("GET", url).json()
    assert meta["source"] == "upload" and meta["names"] == ["cert.example"]
    assert "PRIVATE" not in str(meta) and "PRIVATE" not in api_server.output()
    wc_chain, wc_key = make_cert(tmp_path, "wild", san="DNS:*.wild.example")
    api_server.create_domain("a.wild.example")
    assert api_server.master("PUT", "/api/v1/domains/a.wild.example/certificate",
                             json={"fullchain": wc_chain, "key": wc_key}).status_code == 200
    assert api_server.master("DELETE", url).status_code == 204
    assert api_server.master("GET", url).status_code == 404
