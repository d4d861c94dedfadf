"""Domains (spec §5, §10): CRUD, idempotent PUT, concurrent creates yield one 201, change
notifications, delete removes certificate and ACME state, and the cname answer."""
import concurrent.futures
import json

import requests

from harness import wait_until

pytest_plugins = ["api_fixtures"]


def test_create_get_put_delete(api_server):
    created = api_server.create_domain("www.example.com")
    assert created["origins"][0]["port"] == 80  # defaults filled in
    r = api_server.master("GET", "/api/v1/domains/WWW.Example.com")
    assert r.status_code == 200 and r.json() == created
    body = {"origins": [{"scheme": "https", "host": "o2.example"}], "enabled": False}
    r1 = api_server.master("PUT", "/api/v1/domains/www.example.com", json=body)
    assert r1.status_code == 200 and r1.json()["enabled"] is False
    stored = api_server.redis.client().get("cdn:dom:www.example.com")
    r2 = api_server.master("PUT", "/api/v1/domains/www.example.com", json=body)
    assert r2.json() == r1.json()
    assert api_server.redis.client().get("cdn:dom:www.example.com") == stored
    assert [d["domain"] for d in api_server.master("GET", "/api/v1/domains").json()] == [
        "www.example.com"]
    assert api_server.master("DELETE", "/api/v1/domains/www.example.com").status_code == 204
    assert api_server.master("GET", "/api/v1/domains/www.example.com").status_code == 404
    assert api_server.redis.client().sismember("cdn:domains", "www.example.com") is False


def test_put_creates_a_missing_domain(api_server):
    r = api_server.master("PUT", "/api/v1/domains/new.example",
                          json={"origins": [{"scheme": "http", "host": "o.example"}]})
    assert r.status_code == 200
    assert api_server.redis.client().sismember("cdn:domains", "new.example")


def test_concurrent_creates_yield_exactly_one_201(api_server):
    body = {"domain": "race.example", "origins": [{"scheme": "http", "host": "o.example"}]}

    def create(_):
        return api_server.master("POST", "/api/v1/domains", json=body).status_code

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(create, range(32)))
    assert codes.count(201) == 1
    assert codes.count(409) == 31


def test_changes_publish_conf_and_cname_dirty(api_server):
    pubsub = api_server.redis.client().pubsub()
    pubsub.subscribe("cdn:conf", "cdn:cname:dirty")
    wait_until(lambda: pubsub.get_message(timeout=0.1), 5, "subscription confirmed")
    wait_until(lambda: pubsub.get_message(timeout=0.1), 5, "second subscription confirmed")
    api_server.create_domain("pub.example")
    seen = []

    def got_both():
        m = pubsub.get_message(timeout=0.1)
        if m and m["type"] == "message":
            seen.append((m["channel"], m["data"]))
        return {c for c, _ in seen} == {"cdn:conf", "cdn:cname:dirty"}

    wait_until(got_both, 5, "cdn:conf and cdn:cname:dirty")
    assert ("cdn:conf", "pub.example") in seen
    pubsub.close()


def test_delete_removes_certificate_and_acme_state(api_server):
    api_server.create_domain("gone.example")
    r = api_server.redis.client()
    r.hset("cdn:cert:gone.example", mapping={"fullchain": "x", "key": "y", "not_after": "1"})
    r.hset("cdn:acme:gone.example", mapping={"status": "issued"})
    r.set("cdn:acmecertkey:gone.example", "k")
    assert api_server.master("DELETE", "/api/v1/domains/gone.example").status_code == 204
    assert not r.exists("cdn:cert:gone.example", "cdn:acme:gone.example",
                        "cdn:acmecertkey:gone.example", "cdn:dom:gone.example")


def test_cname_uses_rendezvous_over_eligible_nodes(api_server):
    api_server.create_domain("c.example")
    for i in range(5):
        r = api_server.master("POST", "/api/v1/nodes",
                              json={"id": f"n{i}", "ipv4": f"192.0.2.{i + 1}",
                                    "site": "a" if i < 3 else "b"})
        assert r.status_code == 201, r.text
    api_server.master("PATCH", "/api/v1/nodes/n4", json={"enabled": False})
    r = api_server.master("GET", "/api/v1/domains/c.example/cname")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["fqdn"] == "c.example.cdn.local.test"
    assert body["ttl"] == 60
    ids = [n["id"] for n in body["nodes"]]
    # two per site (CNAME_REPLICAS_PER_SITE=2); site b has only n3 eligible
    assert len([i for i in ids if i in ("n0", "n1", "n2")]) == 2
    assert "n3" in ids and "n4" not in ids
    expected = rendezvous_top(["n0", "n1", "n2"], body["fqdn"], 2)
    assert [i for i in ids if i in ("n0", "n1", "n2")] == expected


def rendezvous_top(ids, fqdn, k):
    import xxhash  # python3-xxhash
    scored = sorted(ids, key=lambda i: (-xxhash.xxh64((i + "|" + fqdn).encode(), seed=0)
                                        .intdigest(), i))
    return scored[:k]
