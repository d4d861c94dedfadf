"""The full auth matrix (spec §9): every route × every kind of principal.

Requests that pass authorisation use bodies that fail validation or ids that do not exist,
so no request changes state and the matrix can run in any order. "allowed" means the answer
is neither 401 nor 403 and not a server error.
"""
import pytest
import requests

from api_fixtures import ADMIN_PASSWORD, VIEWER_PASSWORD

pytest_plugins = ["api_fixtures"]

D = "missing.example"
# (method, path template as in /openapi.json, concrete path, json body or None, access)
ROUTES = [
    ("post", "/api/v1/auth/login", "/api/v1/auth/login", {}, "public"),
    ("get", "/api/v1/auth/me", "/api/v1/auth/me", None, "auth"),
    ("get", "/api/v1/users", "/api/v1/users", None, "auth"),
    ("post", "/api/v1/users", "/api/v1/users", {}, "admin"),
    ("get", "/api/v1/users/{username}", "/api/v1/users/nobody", None, "auth"),
    ("patch", "/api/v1/users/{username}", "/api/v1/users/nobody", {"role": "x"}, "admin"),
    ("delete", "/api/v1/users/{username}", "/api/v1/users/nobody", None, "admin"),
    ("get", "/api/v1/tokens", "/api/v1/tokens", None, "master"),
    ("post", "/api/v1/tokens", "/api/v1/tokens", {}, "master"),
    ("delete", "/api/v1/tokens/{id}", "/api/v1/tokens/nope", None, "master"),
    ("get", "/api/v1/nodes", "/api/v1/nodes", None, "auth"),
    ("post", "/api/v1/nodes", "/api/v1/nodes", {}, "admin"),
    ("get", "/api/v1/nodes/{id}", "/api/v1/nodes/nope", None, "auth"),
    ("put", "/api/v1/nodes/{id}", "/api/v1/nodes/nope", {}, "admin"),
    ("patch", "/api/v1/nodes/{id}", "/api/v1/nodes/nope", {}, "admin"),
    ("delete", "/api/v1/nodes/{id}", "/api/v1/nodes/nope", None, "admin"),
    ("get", "/api/v1/domains", "/api/v1/domains", None, "auth"),
    ("post", "/api/v1/domains", "/api/v1/domains", {}, "admin"),
    ("get", "/api/v1/domains/{domain}", f"/api/v1/domains/{D}", None, "auth"),
    ("put", "/api/v1/domains/{domain}", f"/api/v1/domains/{D}", {}, "admin"),
    ("delete", "/api/v1/domains/{domain}", f"/api/v1/domains/{D}", None, "admin"),
    ("get", "/api/v1/domains/{domain}/cname", f"/api/v1/domains/{D}/cname", None, "auth"),
    ("post", "/api/v1/domains/{domain}/purge", f"/api/v1/domains/{D}/purge", {}, "admin"),
    ("post", "/api/v1/purge", "/api/v1/purge", {}, "admin"),
    ("get", "/api/v1/domains/{domain}/acme", f"/api/v1/domains/{D}/acme", None, "auth"),
    ("post", "/api/v1/domains/{domain}/acme", f"/api/v1/domains/{D}/acme", None, "admin"),
    ("get", "/api/v1/domains/{domain}/certificate", f"/api/v1/domains/{D}/certificate", None,
     "auth"),
    ("put", "/api/v1/domains/{domain}/certificate", f"/api/v1/domains/{D}/certificate", {},
     "admin"),
    ("delete", "/api/v1/domains/{domain}/certificate", f"/api/v1/domains/{D}/certificate", None,
     "admin"),
    ("get", "/api/v1/tasks/{id}", "/api/v1/tasks/nope", None, "auth"),
    ("get", "/api/v1/audit", "/api/v1/audit", None, "auth"),
    ("get", "/healthz", "/healthz", None, "public"),
    ("get", "/metrics", "/metrics", None, "public"),
    ("get", "/openapi.json", "/openapi.json", None, "public"),
    ("get", "/docs", "/docs", None, "public"),
    ("get", "/docs/{file}", "/docs/swagger-ui.css", None, "public"),
    ("get", "/{path}", "/some/ui/route", None, "public"),
    # Last: in the session rows it ends the session.
    ("post", "/api/v1/auth/logout", "/api/v1/auth/logout", None, "public"),
]
# Dangerous or stateful test-only routes are checked in their own files.
NOT_IN_MATRIX = {("post", "/__test__/reset")}

PRINCIPALS = ["anonymous", "bootstrap", "viewer_session", "admin_session", "viewer_token",
              "admin_token", "master"]


def expected(access: str, principal: str) -> str:
    """'allowed', 401 or 403."""
    if access == "public":
        return "allowed"
    if principal == "anonymous":
        return "401"
    if access == "auth":
        return "allowed"
    if access == "admin":
        return "403" if principal in ("viewer_session", "viewer_token") else "allowed"
    return "allowed" if principal == "master" else "403"


def caller(api, principal):
    """A function (method, path, body) -> Response acting as `principal`."""
    if principal == "bootstrap":
        return lambda m, p, b: api.request(m, p, json=b)
    api.create_user("admin1", ADMIN_PASSWORD, "admin")
    api.create_user("viewer1", VIEWER_PASSWORD, "viewer")
    if principal == "anonymous":
        return lambda m, p, b: api.request(m, p, json=b)
    if principal == "master":
        return lambda m, p, b: api.master(m, p, json=b)
    if principal.endswith("_token"):
        token = api.create_token("t", principal.split("_")[0])
        return lambda m, p, b: api.request(m, p, token=token, json=b)
    name, pw = ("admin1", ADMIN_PASSWORD) if principal == "admin_session" else (
        "viewer1", VIEWER_PASSWORD)
    session = api.login(name, pw)
    # The CSRF guard is tested on its own; here every cookie request passes it.
    return lambda m, p, b: api.request(m, p, session=session, json=b,
                                       headers={"X-Requested-With": "test"})


def test_matrix_covers_every_documented_route(api_server):
    doc = requests.get(api_server.url("/openapi.json"), timeout=5).json()
    documented = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    covered = {(m, t) for m, t, _, _, _ in ROUTES}
    assert documented - NOT_IN_MATRIX == covered


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_every_route_answers_as_the_role_allows(api_server, principal):
    call = caller(api_server, principal)
    mismatches = []
    for method, template, path, body, access in ROUTES:
        r = call(method.upper(), path, body)
        want = expected(access, principal)
        if want == "allowed":
            good = r.status_code not in (401, 403) and r.status_code < 500
        else:
            good = str(r.status_code) == want
        if not good:
            mismatches.append(f"{method.upper()} {template}: want {want}, got {r.status_code} "
                              f"{r.text[:120]}")
    assert not mismatches, "\n".join(mismatches)
