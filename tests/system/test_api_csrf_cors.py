"""CSRF guard on cookie-authenticated writes and CORS from ALLOW_ORIGINS (spec §9)."""
import requests

from api_fixtures import ADMIN_PASSWORD

pytest_plugins = ["api_fixtures"]

NODE = b'{"id": "n1", "ipv4": "192.0.2.1"}'


def test_cookie_write_needs_json_or_x_requested_with(api_server):
    api_server.create_user("admin1", ADMIN_PASSWORD, "admin")
    s = api_server.login("admin1", ADMIN_PASSWORD)
    # A form-like request without JSON content type and without X-Requested-With: refused.
    r = s.post(api_server.url("/api/v1/nodes"), data=NODE,
               headers={"Content-Type": "text/plain"}, timeout=5)
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    r = s.delete(api_server.url("/api/v1/nodes/n1"), timeout=5)
    assert r.status_code == 403
    r = s.post(api_server.url("/api/v1/nodes"), data=NODE,
               headers={"Content-Type": "application/json"}, timeout=5)
    assert r.status_code == 201
    r = s.delete(api_server.url("/api/v1/nodes/n1"), headers={"X-Requested-With": "fetch"},
                 timeout=5)
    assert r.status_code == 204
    # Reads never need it.
    assert s.get(api_server.url("/api/v1/nodes"), timeout=5).status_code == 200


def test_bearer_writes_are_not_subject_to_csrf(api_server):
    r = api_server.master("POST", "/api/v1/nodes", data=NODE)  # no Content-Type at all
    assert r.status_code == 201


def test_cors_is_off_without_allow_origins(api_server):
    r = requests.options(api_server.url("/api/v1/domains"), timeout=5,
                         headers={"Origin": "https://ui.example",
                                  "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_cors_preflight_and_response_headers(api_factory):
    api = api_factory(ALLOW_ORIGINS="https://ui.example")
    r = requests.options(api.url("/api/v1/domains"), timeout=5,
                         headers={"Origin": "https://ui.example",
                                  "Access-Control-Request-Method": "POST"})
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "https://ui.example"
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    r = api.master("GET", "/api/v1/domains", headers={"Origin": "https://ui.example"})
    assert r.headers["Access-Control-Allow-Origin"] == "https://ui.example"
    r = api.master("GET", "/api/v1/domains", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in r.headers
