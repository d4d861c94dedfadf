"""Per-domain cache rules of DomainConf (spec §5): enable, first-match rules (ttl override,
bypass), default_ttl, query_string modes."""
import time

from edge_fixtures import (cache_stack, edge_stack, http_request, origins,  # noqa: F401
                           put_domain, http_origin)

H = "rules.test"


def get(edge, path, headers=None):
    return http_request(edge.http, H, path, headers)


def test_first_matching_rule_wins_ttl_overrides_origin_and_bypass_never_caches(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H, rules=[{"match": "prefix", "pattern": "/api/", "bypass": True},
                     {"match": "prefix", "pattern": "/static/", "ttl": 60},
                     {"match": "suffix", "pattern": ".m3u8", "ttl": 2},
                     {"match": "regex", "pattern": "^/re/[0-9]+$", "ttl": 60}])
    origin.script("/static/a.css", headers={"Cache-Control": "max-age=0"}, body=b"css")
    origin.script("/api/x", headers={"Cache-Control": "max-age=60"}, body=b"api")
    origin.script("/static/live.m3u8", headers={}, body=b"m3u8")
    origin.script("/live.m3u8", headers={"Cache-Control": "max-age=60"}, body=b"m3u8")
    origin.script("/re/42", headers={}, body=b"re")
    origin.script("/static/p", headers={"Cache-Control": "private"}, body=b"p")
    edge = start()
    get(edge, "/static/a.css")
    assert get(edge, "/static/a.css")[1]["x-cache"] == "HIT"  # rule ttl beats max-age=0
    s, h, _ = get(edge, "/api/x")
    assert h["x-cache"] == "BYPASS"
    assert get(edge, "/api/x")[1]["x-cache"] == "BYPASS"
    assert origin.count("/api/x") == 2
    # /static/ matches first, so the .m3u8 rule does not apply to it.
    get(edge, "/static/live.m3u8")
    assert get(edge, "/static/live.m3u8")[1]["x-cache"] == "HIT"
    get(edge, "/live.m3u8")
    assert get(edge, "/live.m3u8")[1]["x-cache"] == "HIT"
    time.sleep(3.1)  # ages count in whole seconds: ttl 2 is fresh for at least one second
    assert get(edge, "/live.m3u8")[1]["x-cache"] == "EXPIRED"  # ttl 2 beats max-age=60
    get(edge, "/re/42")
    assert get(edge, "/re/42")[1]["x-cache"] == "HIT"
    # A rule ttl never makes a private response storable.
    get(edge, "/static/p")
    assert get(edge, "/static/p")[1]["x-cache"] == "MISS"


def test_default_ttl_applies_only_without_origin_freshness(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H, default_ttl=60)
    origin.script("/plain", body=b"plain")
    origin.script("/zero", headers={"Cache-Control": "max-age=0"}, body=b"zero")
    edge = start()
    get(edge, "/plain")
    assert get(edge, "/plain")[1]["x-cache"] == "HIT"
    get(edge, "/zero")
    assert get(edge, "/zero")[1]["x-cache"] != "HIT"


def test_query_string_modes(cache_stack):
    _, start, origin, domain = cache_stack
    domain("ign.test", query_string="ignore")
    domain("sort.test", query_string="sorted")
    domain(H)  # include
    for q in ("/q?a=1&b=2", "/q?b=2&a=1", "/q?x=9", "/q"):
        origin.script(q, headers={"Cache-Control": "max-age=60"}, body=q.encode())
    edge = start()
    # ignore: every query is the same object
    assert http_request(edge.http, "ign.test", "/q?a=1&b=2")[2] == b"/q?a=1&b=2"
    s, h, b = http_request(edge.http, "ign.test", "/q?x=9")
    assert (h["x-cache"], b) == ("HIT", b"/q?a=1&b=2")
    # sorted: parameter order does not matter, values do
    http_request(edge.http, "sort.test", "/q?b=2&a=1")
    assert http_request(edge.http, "sort.test", "/q?a=1&b=2")[1]["x-cache"] == "HIT"
    assert http_request(edge.http, "sort.test", "/q?x=9")[1]["x-cache"] == "MISS"
    # include: byte for byte
    get(edge, "/q?a=1&b=2")
    assert get(edge, "/q?b=2&a=1")[1]["x-cache"] == "MISS"
    assert get(edge, "/q?a=1&b=2")[1]["x-cache"] == "HIT"


def test_cache_disabled_domain_is_proxied_without_cache_fields(cache_stack):
    _, start, origin, domain = cache_stack
    domain(H, enable=False)
    origin.script("/d", headers={"Cache-Control": "max-age=60"}, body=b"d")
    edge = start()
    for _ in range(2):
        s, h, b = get(edge, "/d")
        assert (s, b) == (200, b"d")
        assert "x-cache" not in h and "cache-status" not in h
    assert origin.count("/d") == 2


def test_config_change_enabling_a_rule_takes_effect(cache_stack):
    redis_server, start, origin, domain = cache_stack
    domain(H)
    origin.script("/x/1", headers={"Cache-Control": "max-age=60"}, body=b"1")
    edge = start()
    get(edge, "/x/1")
    assert get(edge, "/x/1")[1]["x-cache"] == "HIT"
    domain(H, rules=[{"match": "prefix", "pattern": "/x/", "bypass": True}])
    deadline = time.time() + 2
    while time.time() < deadline and get(edge, "/x/1")[1]["x-cache"] != "BYPASS":
        time.sleep(0.05)
    assert get(edge, "/x/1")[1]["x-cache"] == "BYPASS"
