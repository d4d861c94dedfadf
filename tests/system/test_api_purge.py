"""Purge (spec §6): every purge is appended to cdn:purge:log before its seed payload is
published on cdn:purge; by path, prefix, whole domain, tag, soft."""
import json
import threading

from harness import wait_until

pytest_plugins = ["api_fixtures"]


def subscribe(api):
    pubsub = api.redis.client().pubsub()
    pubsub.subscribe("cdn:purge")
    wait_until(lambda: pubsub.get_message(timeout=0.1), 5, "subscribed to cdn:purge")
    return pubsub


def test_log_is_written_before_publishing(api_server):
    api_server.create_domain("p.example")
    pubsub = subscribe(api_server)
    checker = api_server.redis.client()
    seen = []

    def listen():
        for _ in range(100):
            m = pubsub.get_message(timeout=0.1)
            if m and m["type"] == "message":
                # At the moment the message arrives, the log already holds it.
                entries = checker.xrange("cdn:purge:log")
                seen.append((m["data"], [e[1]["payload"] for e in entries]))
                return

    t = threading.Thread(target=listen)
    t.start()
    r = api_server.master("POST", "/api/v1/purge",
                          json={"domain": "p.example", "path": "/img/a.png"})
    t.join(15)
    assert r.status_code == 202, r.text
    assert seen, "no purge published"
    payload, logged = seen[0]
    assert json.loads(payload) == {"domain": "p.example", "path": "/img/a.png"}
    assert payload in logged
    pubsub.close()


def test_domain_purge_expands_paths_tags_all_and_soft(api_server):
    api_server.create_domain("q.example")
    cases = [
        ({"paths": ["/a", "/b/*"]}, [{"domain": "q.example", "path": "/a"},
                                      {"domain": "q.example", "path": "/b/*"}]),
        ({"all": True}, [{"domain": "q.example", "path": "*"}]),
        ({"tags": ["t1"], "soft": True}, [{"domain": "q.example", "tag": "t1", "soft": True}]),
    ]
    rc = api_server.redis.client()
    for body, messages in cases:
        before = rc.xlen("cdn:purge:log")
        r = api_server.master("POST", "/api/v1/domains/q.example/purge", json=body)
        assert r.status_code == 202, r.text
        assert r.json()["purges"] == messages
        entries = rc.xrange("cdn:purge:log")[before:]
        assert [json.loads(e[1]["payload"]) for e in entries] == messages


def test_purge_of_unknown_domain_is_404(api_server):
    r = api_server.master("POST", "/api/v1/domains/none.example/purge", json={"all": True})
    assert r.status_code == 404
    assert api_server.redis.client().xlen("cdn:purge:log") == 0
