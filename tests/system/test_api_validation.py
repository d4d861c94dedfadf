"""Validation (spec §5, §10): 422 lists every field error at once as {loc, msg, type}; bad
JSON is 400, a non-JSON Content-Type 415, duplicates 409, missing things 404."""
import pytest

pytest_plugins = ["api_fixtures"]


def locs(r):
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    for e in detail:
        assert set(e) == {"loc", "msg", "type"}
    return {tuple(e["loc"]) for e in detail}


def test_domain_create_lists_every_field_error(api_server):
    r = api_server.master("POST", "/api/v1/domains", json={
        "domain": "bad domain",
        "origins": [{"scheme": "ftp", "host": "", "port": 0, "weight": 0}],
        "cache": {"rules": [{"match": "glob", "pattern": "x"}], "query_string": "all"},
        "unknown": 1,
    })
    got = locs(r)
    for want in [("body", "domain"), ("body", "origins", 0, "scheme"),
                 ("body", "origins", 0, "port"), ("body", "origins", 0, "weight"),
                 ("body", "cache", "rules", 0, "match"), ("body", "cache", "query_string"),
                 ("body", "unknown")]:
        assert want in got, (want, got)


@pytest.mark.parametrize("body,loc", [
    ({"origins": [{"scheme": "http", "host": "o.example"}]}, ("body", "domain")),
    ({"domain": "a.example"}, ("body", "origins")),
    ({"domain": "a.example", "origins": []}, ("body", "origins")),
    ({"domain": "a.example", "origins": [{"scheme": "http", "host": "o.example", "port": 70000}]},
     ("body", "origins", 0, "port")),
    ({"domain": "a.example", "origins": [{"scheme": "http", "host": "o.example"}], "enabled": "yes"},
     ("body", "enabled")),
    ({"domain": "a.example", "origins": [{"scheme": "http", "host": "o.example"}],
      "cache": {"slice": {"enable": True, "size": 3}}}, ("body", "cache", "slice", "size")),
    ({"domain": "a.example", "origins": [{"scheme": "http", "host": "o.example"}],
      "cache": {"rules": [{"match": "regex", "pattern": "(", "ttl": 1}]}},
     ("body", "cache", "rules", 0, "pattern")),
])
def test_each_domain_rule_is_reported_at_its_field(api_server, body, loc):
    assert loc in locs(api_server.master("POST", "/api/v1/domains", json=body))


def test_put_domain_must_match_the_path(api_server):
    r = api_server.master("PUT", "/api/v1/domains/a.example",
                          json={"domain": "b.example", "origins": [{"scheme": "http", "host": "o.example"}]})
    assert ("body", "domain") in locs(r)


def test_malformed_path_domain_is_422_at_the_path(api_server):
    assert ("path", "domain") in locs(api_server.master("GET", "/api/v1/domains/bad_name!"))


def test_node_user_token_purge_and_certificate_rules(api_server):
    assert {("body", "id")} <= locs(api_server.master(
        "POST", "/api/v1/nodes", json={"id": "Bad Id", "ipv4": "1.2.3.4"}))
    assert ("body", "ipv4") in locs(api_server.master(
        "POST", "/api/v1/nodes", json={"id": "n1", "ipv4": "999.1.1.1"}))
    got = locs(api_server.master("POST", "/api/v1/users",
                                 json={"username": "", "password": "short"}))
    assert {("body", "username"), ("body", "password"), ("body", "role")} <= got
    got = locs(api_server.master("POST", "/api/v1/tokens", json={"name": "", "role": "root"}))
    assert {("body", "name"), ("body", "role")} <= got
    api_server.create_domain("p.example")
    assert locs(api_server.master("POST", "/api/v1/domains/p.example/purge",
                                  json={"paths": ["no-slash"]}))
    assert locs(api_server.master("POST", "/api/v1/domains/p.example/purge",
                                  json={"paths": ["/a"], "tags": ["t"]}))
    assert ("body", "key") in locs(api_server.master(
        "PUT", "/api/v1/domains/p.example/certificate", json={"fullchain": "x"}))
    assert ("query", "limit") in locs(api_server.master("GET", "/api/v1/audit?limit=0"))


def test_bad_json_is_400_and_wrong_content_type_is_415(api_server):
    r = api_server.master("POST", "/api/v1/domains", data=b"{not json",
                          headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    r = api_server.master("POST", "/api/v1/domains", data=b"a=b",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415
    assert "detail" in r.json()


def test_duplicate_is_409_and_missing_is_404(api_server):
    api_server.create_domain("dup.example")
    r = api_server.master("POST", "/api/v1/domains",
                          json={"domain": "DUP.example.", "origins": [{"scheme": "http", "host": "o.example"}]})
    assert r.status_code == 409
    assert "already exists" in r.json()["detail"]
    for path in ["/api/v1/domains/none.example", "/api/v1/nodes/none", "/api/v1/users/none",
                 "/api/v1/tasks/none", "/api/v1/domains/none.example/acme",
                 "/api/v1/domains/none.example/certificate", "/api/v1/domains/none.example/cname"]:
        r = api_server.master("GET", path)
        assert r.status_code == 404, path
        assert isinstance(r.json()["detail"], str)
    assert api_server.master("DELETE", "/api/v1/domains/none.example").status_code == 404
    assert api_server.master("DELETE", "/api/v1/tokens/none").status_code == 404
