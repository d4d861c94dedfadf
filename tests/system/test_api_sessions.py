"""Sessions and cookies (spec §9): cookie attributes from the configuration, sessions in
Redis shared by API replicas, sliding TTL, logout, and ENABLE_PASSWORD_AUTH=false."""
import requests

from api_fixtures import ADMIN_PASSWORD

pytest_plugins = ["api_fixtures"]


def login_raw(api, username="admin1", password=ADMIN_PASSWORD):
    return requests.post(api.url("/api/v1/auth/login"),
                         json={"username": username, "password": password}, timeout=10)


def test_default_cookie_attributes(api_server):
    api_server.create_user("admin1", ADMIN_PASSWORD, "admin")
    r = login_raw(api_server)
    assert r.status_code == 200
    assert r.json() == {"username": "admin1", "role": "admin", "method": "session"}
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("cirrus_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Max-Age=604800" in cookie
    assert "Secure" not in cookie and "Domain=" not in cookie


def test_configured_cookie_attributes(api_factory):
    api = api_factory(SESSION_COOKIE_NAME="sid", COOKIE_SECURE="true",
                      COOKIE_DOMAIN="example.com", COOKIE_SAMESITE="strict",
                      SESSION_TTL_SECONDS="120")
    api.create_user("admin1", ADMIN_PASSWORD, "admin")
    cookie = login_raw(api).headers["Set-Cookie"]
    assert cookie.startswith("sid=")
    for part in ["Secure", "Domain=example.com", "SameSite=Strict", "Max-Age=120", "HttpOnly"]:
        assert part in cookie


def test_session_is_stored_hashed_with_a_ttl_and_slides(api_server):
    api_server.create_user("admin1", ADMIN_PASSWORD, "admin")
    r = login_raw(api_server)
    value = r.cookies["cirrus_session"]
    rc = api_server.redis.client()
    keys = rc.keys("cdn:session:*")
    assert len(keys) == 1 and value not in keys[0]
    rc.expire(keys[0], 100)
    me = requests.get(api_server.url("/api/v1/auth/me"), cookies={"cirrus_session": value},
                      timeout=5)
    assert me.json()["method"] == "session"
    assert rc.ttl(keys[0]) > 100_000  # touched: back to SESSION_TTL_SECONDS


def test_session_created_on_one_process_works_on_another(api_server, api_factory):
    api_server.create_user("admin1", ADMIN_PASSWORD, "admin")
    second = api_factory(name="api2")
    session = api_server.login("admin1", ADMIN_PASSWORD)
    r = second.request("GET", "/api/v1/auth/me", session=session)
    assert r.status_code == 200 and r.json()["username"] == "admin1"
    value = session.cookies.get("cirrus_session")
    # logout on the second process ends the session for the first
    r = second.request("POST", "/api/v1/auth/logout", session=session,
                       headers={"X-Requested-With": "x"})
    assert r.status_code == 204
    assert "Max-Age=0" in r.headers["Set-Cookie"]
    cookie = {"cirrus_session": value}
    assert api_server.redis.client().keys("cdn:session:*") == []
    r = requests.get(api_server.url("/api/v1/auth/me"), cookies=cookie, timeout=5)
    assert r.status_code == 401


def test_wrong_password_and_unknown_user_get_one_generic_401(api_server):
    api_server.create_user("admin1", ADMIN_PASSWORD, "admin")
    a = login_raw(api_server, password="wrong-password")
    b = login_raw(api_server, username="nobody")
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json() == {"detail": "invalid credentials"}


def test_password_change_ends_sessions(api_server):
    api_server.create_user("admin1", ADMIN_PASSWORD, "admin")
    session = api_server.login("admin1", ADMIN_PASSWORD)
    r = api_server.master("PATCH", "/api/v1/users/admin1", json={"password": "another-pass-2"})
    assert r.status_code == 200
    assert api_server.request("GET", "/api/v1/auth/me", session=session).status_code == 401
    assert login_raw(api_server, password="another-pass-2").status_code == 200


def test_password_login_can_be_disabled(api_factory):
    api = api_factory(ENABLE_PASSWORD_AUTH="false")
    api.create_user("admin1", ADMIN_PASSWORD, "admin")
    r = login_raw(api)
    assert r.status_code == 404
    assert "disabled" in r.json()["detail"]
    assert api.master("GET", "/api/v1/auth/me").status_code == 200
