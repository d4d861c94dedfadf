"""Failed logins are rate limited per username and per client address (spec §9): 429 with
Retry-After, shared by API replicas through Redis."""
import requests

from api_fixtures import ADMIN_PASSWORD

pytest_plugins = ["api_fixtures"]


def attempt(api, username, password="wrong-password"):
    return requests.post(api.url("/api/v1/auth/login"),
                         json={"username": username, "password": password}, timeout=10)


def test_per_username_limit_blocks_even_the_right_password(api_server, api_factory):
    api_server.create_user("admin1", ADMIN_PASSWORD, "admin")
    other = api_factory(name="api2")
    for i in range(5):
        assert attempt(api_server if i % 2 else other, "admin1").status_code == 401
    r = attempt(api_server, "admin1", ADMIN_PASSWORD)
    assert r.status_code == 429
    assert 1 <= int(r.headers["Retry-After"]) <= 900
    assert attempt(other, "admin1", ADMIN_PASSWORD).status_code == 429


def test_per_address_limit_spans_usernames(api_server):
    for i in range(20):
        assert attempt(api_server, f"user{i}").status_code == 401
    r = attempt(api_server, "fresh-user")
    assert r.status_code == 429 and "Retry-After" in r.headers


def test_success_resets_the_username_counter(api_server):
    api_server.create_user("admin1", ADMIN_PASSWORD, "admin")
    for _ in range(4):
        attempt(api_server, "admin1")
    assert attempt(api_server, "admin1", ADMIN_PASSWORD).status_code == 200
    for _ in range(4):
        assert attempt(api_server, "admin1").status_code == 401
    assert attempt(api_server, "admin1", ADMIN_PASSWORD).status_code == 200
