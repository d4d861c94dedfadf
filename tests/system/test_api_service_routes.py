"""Around the API (spec §2, §10): /healthz, /metrics by route template, /docs from local
swagger-ui-dist, the admin UI (web/dist by default) with SPA fallback, /api/* never falling
back."""
import pathlib

import requests

pytest_plugins = ["api_fixtures"]

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_healthz(api_server):
    r = requests.get(api_server.url("/healthz"), timeout=5)
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_metrics_label_route_templates_never_raw_urls(api_server):
    api_server.create_domain("m.example")
    for _ in range(3):
        api_server.master("GET", "/api/v1/domains/m.example")
    api_server.master("GET", "/api/v1/domains/other.example")
    requests.get(api_server.url("/api/v1/nope"), timeout=5)
    text = requests.get(api_server.url("/metrics"), timeout=5).text
    assert ('cirrus_api_requests_total{route="/api/v1/domains/{domain}",method="GET",'
            'status_class="2xx"} 3') in text
    assert ('cirrus_api_requests_total{route="/api/v1/domains/{domain}",method="GET",'
            'status_class="4xx"} 1') in text
    assert 'route="unmatched"' in text
    assert 'cirrus_api_request_duration_seconds_bucket{route="/api/v1/domains/{domain}"' in text
    assert "m.example" not in text and "/api/v1/nope" not in text


def test_spa_fallback_and_api_precedence(api_server, tmp_path, api_factory):
    ui = tmp_path / "ui"
    (ui / "assets").mkdir(parents=True)
    (ui / "index.html").write_text("<html>cirrus ui</html>")
    (ui / "assets" / "app.js").write_text("console.log(1)")
    api = api_factory(STATIC_DIR=str(ui))
    r = requests.get(api.url("/"), timeout=5)
    assert r.status_code == 200 and "cirrus ui" in r.text
    r = requests.get(api.url("/assets/app.js"), timeout=5)
    assert r.text == "console.log(1)" and "javascript" in r.headers["Content-Type"]
    r = requests.get(api.url("/domains/www.example.com/settings"), timeout=5)
    assert r.status_code == 200 and "cirrus ui" in r.text
    for path in ["/api/v1/nope", "/api/nope", "/api"]:
        r = requests.get(api.url(path), timeout=5)
        assert r.status_code == 404 and r.headers["Content-Type"] == "application/json", path
    assert requests.post(api.url("/api/v1/nope"), timeout=5).status_code == 404
    assert requests.get(api.url("/../../etc/passwd"), timeout=5).text != open("/etc/passwd").read()
    assert requests.get(api.url("/healthz"), timeout=5).json() == {"status": "ok"}


def test_built_admin_ui_is_served_by_default(api_server):
    # scripts/install-deps builds web/dist (make test runs it): never skipped.
    dist = ROOT / "web/dist"
    index = (dist / "index.html").read_text()
    assert 'id="root"' in index
    for path in ["/", "/domains/www.example.com"]:  # the second by SPA fallback
        r = requests.get(api_server.url(path), timeout=5)
        assert r.status_code == 200 and r.text == index, path
    asset = next((dist / "assets").glob("*.js"))
    r = requests.get(api_server.url(f"/assets/{asset.name}"), timeout=5)
    assert r.status_code == 200 and r.content == asset.read_bytes()
    assert "javascript" in r.headers["Content-Type"]
    # install-web-deps keeps its build stamp in dist/; dot-files are never served.
    stamp = (dist / ".cirrus-build-sha256").read_text()
    assert requests.get(api_server.url("/.cirrus-build-sha256"), timeout=5).text != stamp


def test_docs_serve_swagger_ui_from_local_files(api_server):
    # scripts/install-deps installs web/node_modules (make test runs it): never skipped.
    assert (ROOT / "web/node_modules/swagger-ui-dist").is_dir()
    r = requests.get(api_server.url("/docs"), timeout=5)
    assert r.status_code == 200 and "/openapi.json" in r.text and "swagger-ui" in r.text
    assert "http" not in r.text.split("<body>")[1].replace("http-equiv", "")  # no CDN
    r = requests.get(api_server.url("/docs/swagger-ui-bundle.js"), timeout=10)
    assert r.status_code == 200 and len(r.content) > 100_000
    assert requests.get(api_server.url("/docs/nope.js"), timeout=5).status_code == 404
