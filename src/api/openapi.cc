// The OpenAPI 3.1 document, built from the route table (route_table.h) plus the component
// schemas below; GET /openapi.json serves it. Schemas mirror the model's toJson()/parse*()
// shapes; a route's common errors (401/403/422/503) follow from its access level and inputs.
#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include <boost/beast/http/verb.hpp>

#include "api/route_table.h"

namespace cirrus::api {

using nlohmann::json;

namespace {

json schemaRef(std::string_view name) {
  return {{"$ref", "#/components/schemas/" + std::string(name)}};
}

json schemaFor(std::string_view name) {
  if (name.ends_with("[]")) {
    return {{"type", "array"}, {"items", schemaRef(name.substr(0, name.size() - 2))}};
  }
  return schemaRef(name);
}

json nullable(std::string_view type) {
  return {{"type", json::array({type, "null"})}};
}

json componentSchemas() {
  json s = json::object();
  json str = {{"type", "string"}};
  json integer = {{"type", "integer"}};
  json boolean = {{"type", "boolean"}};
  json role = {{"type", "string"}, {"enum", {"admin", "viewer"}}};
  s["Problem"] = {{"type", "object"}, {"required", {"detail"}}, {"properties", {{"detail", str}}}};
  s["FieldError"] = {
      {"type", "object"},
      {"required", {"loc", "msg", "type"}},
      {"properties",
       {{"loc", {{"type", "array"}, {"items", {{"type", json::array({"string", "integer"})}}}}},
        {"msg", str},
        {"type", str}}}};
  s["ValidationProblem"] = {
      {"type", "object"},
      {"required", {"detail"}},
      {"properties", {{"detail", {{"type", "array"}, {"items", schemaRef("FieldError")}}}}}};
  s["Health"] = {
      {"type", "object"},
      {"required", {"status"}},
      {"properties",
       {{"status", {{"type", "string"}, {"enum", {"ok", "unavailable"}}}}, {"detail", str}}}};
  s["Me"] = {
      {"type", "object"},
      {"required", {"username", "role", "method"}},
      {"properties",
       {{"username", str},
        {"role", role},
        {"method", {{"type", "string"}, {"enum", {"session", "token", "master", "bootstrap"}}}}}}};
  s["LoginRequest"] = {{"type", "object"},
                       {"additionalProperties", false},
                       {"required", {"username", "password"}},
                       {"properties", {{"username", str}, {"password", str}}}};
  s["User"] = {{"type", "object"},
               {"required", {"username", "role", "created_at"}},
               {"properties", {{"username", str}, {"role", role}, {"created_at", integer}}}};
  s["UserCreate"] = {{"type", "object"},
                     {"additionalProperties", false},
                     {"required", {"username", "password", "role"}},
                     {"properties",
                      {{"username", {{"type", "string"}, {"minLength", 1}, {"maxLength", 64}}},
                       {"password", {{"type", "string"}, {"minLength", 8}, {"maxLength", 1024}}},
                       {"role", role}}}};
  s["UserPatch"] = {{"type", "object"},
                    {"additionalProperties", false},
                    {"properties",
                     {{"password", {{"type", "string"}, {"minLength", 8}, {"maxLength", 1024}}},
                      {"role", role}}}};
  json token_props = {{"id", str},    {"name", str},           {"suffix", str},
                      {"role", role}, {"created_at", integer}, {"created_by", str}};
  s["Token"] = {{"type", "object"},
                {"required", {"id", "name", "suffix", "role", "created_at", "created_by"}},
                {"properties", token_props}};
  json created_props = token_props;
  created_props["token"] = {{"type", "string"},
                            {"description", "The plaintext bearer token; shown only once"}};
  s["TokenCreated"] = {
      {"type", "object"},
      {"required", {"id", "name", "suffix", "role", "created_at", "created_by", "token"}},
      {"properties", created_props}};
  s["TokenCreate"] = {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", {"name", "role"}},
      {"properties",
       {{"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 128}}}, {"role", role}}}};
  json node_admin = {{"id", {{"type", "string"}, {"pattern", "^[a-z0-9][a-z0-9._-]{0,62}$"}}},
                     {"name", nullable("string")},
                     {"ipv4", nullable("string")},
                     {"ipv6", nullable("string")},
                     {"site", nullable("string")},
                     {"enabled", nullable("boolean")}};
  json node_props = node_admin;
  node_props["active"] = boolean;
  node_props["fails"] = integer;
  node_props["succs"] = integer;
  node_props["last_check"] = nullable("integer");
  node_props["last_error"] = nullable("string");
  s["Node"] = {{"type", "object"}, {"required", {"id"}}, {"properties", node_props}};
  s["NodeInput"] = {{"type", "object"},
                    {"additionalProperties", false},
                    {"description", "id may be omitted on PUT; one of ipv4/ipv6 is required"},
                    {"properties", node_admin}};
  json node_patch = node_admin;
  node_patch.erase("id");
  s["NodePatch"] = {{"type", "object"},
                    {"additionalProperties", false},
                    {"description", "members replace the node's; null resets to the default"},
                    {"properties", node_patch}};
  s["Origin"] = {{"type", "object"},
                 {"additionalProperties", false},
                 {"required", {"host"}},
                 {"properties",
                  {{"scheme", {{"type", "string"}, {"enum", {"http", "https"}}}},
                   {"host", str},
                   {"port", {{"type", "integer"}, {"minimum", 1}, {"maximum", 65535}}},
                   {"sni", str},
                   {"weight", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}},
                   {"verify_tls", boolean}}}};
  s["CacheRule"] = {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", {"match", "pattern"}},
      {"properties",
       {{"match", {{"type", "string"}, {"enum", {"prefix", "suffix", "exact", "regex"}}}},
        {"pattern", str},
        {"ttl", {{"type", "integer"}, {"minimum", 0}}},
        {"bypass", boolean}}}};
  s["CacheConf"] = {
      {"type", "object"},
      {"additionalProperties", false},
      {"properties",
       {{"enable", boolean},
        {"default_ttl", {{"type", "integer"}, {"minimum", 0}}},
        {"bypass_on_cookie", boolean},
        {"rules", {{"type", "array"}, {"items", schemaRef("CacheRule")}}},
        {"slice",
         {{"type", "object"},
          {"additionalProperties", false},
          {"properties", {{"enable", boolean}, {"size", integer}}}}},
        {"query_string", {{"type", "string"}, {"enum", {"include", "ignore", "sorted"}}}}}}};
  json domain_props = {
      {"domain", str},
      {"enabled", boolean},
      {"origins", {{"type", "array"}, {"minItems", 1}, {"items", schemaRef("Origin")}}},
      {"upstream_headers", {{"type", "object"}, {"additionalProperties", str}}},
      {"cache", schemaRef("CacheConf")},
      {"acme",
       {{"type", "object"},
        {"additionalProperties", false},
        {"properties", {{"enable", boolean}}}}}};
  s["DomainConf"] = {
      {"type", "object"},
      {"required", {"domain", "enabled", "origins", "upstream_headers", "cache", "acme"}},
      {"properties", domain_props}};
  s["DomainConfInput"] = {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", {"origins"}},
      {"description", "spec §5; domain is required on POST and optional on PUT"},
      {"properties", domain_props}};
  s["CnameAnswer"] = {{"type", "object"},
                      {"required", {"domain", "fqdn", "ttl", "nodes"}},
                      {"properties",
                       {{"domain", str},
                        {"fqdn", str},
                        {"ttl", integer},
                        {"nodes",
                         {{"type", "array"},
                          {"items",
                           {{"type", "object"},
                            {"properties",
                             {{"id", str},
                              {"ipv4", nullable("string")},
                              {"ipv6", nullable("string")},
                              {"site", str}}}}}}}}}};
  s["PurgeRequest"] = {
      {"type", "object"},
      {"additionalProperties", false},
      {"description", "exactly one of paths, tags or all"},
      {"properties",
       {{"paths", {{"type", "array"}, {"minItems", 1}, {"maxItems", 1000}, {"items", str}}},
        {"tags", {{"type", "array"}, {"minItems", 1}, {"maxItems", 1000}, {"items", str}}},
        {"all", boolean},
        {"soft", boolean}}}};
  s["PurgeMessage"] = {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", {"domain"}},
      {"description", "the seed payload: {domain, path} or {domain, tag}, optional soft"},
      {"properties", {{"domain", str}, {"path", str}, {"tag", str}, {"soft", boolean}}}};
  s["PurgeAccepted"] = {{"type", "object"},
                        {"required", {"domain", "purges", "ids"}},
                        {"properties",
                         {{"domain", str},
                          {"purges", {{"type", "array"}, {"items", schemaRef("PurgeMessage")}}},
                          {"ids", {{"type", "array"}, {"items", str}}}}}};
  s["AcmeStatus"] = {
      {"type", "object"},
      {"required", {"domain", "status"}},
      {"properties",
       {{"domain", str},
        {"status",
         {{"type", "string"}, {"enum", {"none", "pending", "running", "issued", "failed"}}}},
        {"error", nullable("string")},
        {"updated_at", integer},
        {"issued_at", nullable("integer")},
        {"username", nullable("string")},
        {"subdomain", nullable("string")},
        {"fulldomain", nullable("string")},
        {"task_id", nullable("string")},
        {"cname",
         {{"type", json::array({"object", "null"})},
          {"properties", {{"name", str}, {"target", str}}}}}}}};
  s["TaskAccepted"] = {{"type", "object"},
                       {"required", {"task_id", "domain"}},
                       {"properties", {{"task_id", str}, {"domain", str}}}};
  s["CertificateMeta"] = {
      {"type", "object"},
      {"required", {"domain", "not_before", "not_after", "issuer", "source", "updated_at"}},
      {"properties",
       {{"domain", str},
        {"not_before", integer},
        {"not_after", integer},
        {"issuer", str},
        {"source", {{"type", "string"}, {"enum", {"acme", "upload"}}}},
        {"updated_at", integer},
        {"names", {{"type", "array"}, {"items", str}}}}}};
  s["CertificateUpload"] = {{"type", "object"},
                            {"additionalProperties", false},
                            {"required", {"fullchain", "key"}},
                            {"properties", {{"fullchain", str}, {"key", str}}}};
  s["Task"] = {
      {"type", "object"},
      {"required", {"id", "name", "status"}},
      {"properties",
       {{"id", str},
        {"queue", str},
        {"name", str},
        {"args", {{"type", "object"}}},
        {"status",
         {{"type", "string"}, {"enum", {"queued", "running", "retrying", "succeeded", "failed"}}}},
        {"attempts", integer},
        {"result", json::object()},
        {"error", nullable("string")},
        {"created_at", integer},
        {"updated_at", integer}}}};
  s["AuditEntry"] = {{"type", "object"},
                     {"required", {"id", "ts", "actor", "method", "action", "target"}},
                     {"properties",
                      {{"id", str},
                       {"ts", integer},
                       {"actor", str},
                       {"method", str},
                       {"action", str},
                       {"target", str},
                       {"details", json::object()}}}};
  s["AuditPage"] = {{"type", "object"},
                    {"required", {"entries", "next"}},
                    {"properties",
                     {{"entries", {{"type", "array"}, {"items", schemaRef("AuditEntry")}}},
                      {"next", nullable("string")}}}};
  return s;
}

// "/docs/{file...}" -> "/docs/{file}", and the parameter names.
std::string openApiPath(const std::string& path, std::vector<std::string>& params) {
  std::string out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '{') {
      size_t end = path.find('}', i);
      std::string name = path.substr(i + 1, end - i - 1);
      if (name.ends_with("...")) name.resize(name.size() - 3);
      params.push_back(name);
      out += "{" + name + "}";
      i = end + 1;
    } else {
      out += path[i++];
    }
  }
  return out;
}

std::string methodName(http::verb v) {
  std::string s(boost::beast::http::to_string(v));
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

json responseObject(const ResponseDoc& r) {
  json out = {{"description", r.description.empty() ? std::string("Response") : r.description}};
  if (r.status == 204) return out;
  json media = json::object();
  if (!r.schema.empty()) media["schema"] = schemaFor(r.schema);
  out["content"] = {{r.content_type, media}};
  return out;
}

json operation(const RouteSpec& spec, const std::vector<std::string>& params) {
  json op = {{"operationId", spec.operation_id}, {"summary", spec.summary}, {"tags", {spec.tag}}};
  json parameters = json::array();
  for (const auto& p : params) {
    parameters.push_back(
        {{"name", p}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
  }
  for (const auto& q : spec.query) {
    parameters.push_back({{"name", q.name},
                          {"in", "query"},
                          {"required", false},
                          {"description", q.description},
                          {"schema", {{"type", q.type}}}});
  }
  if (!parameters.empty()) op["parameters"] = parameters;
  if (!spec.request_schema.empty()) {
    op["requestBody"] = {
        {"required", true},
        {"content", {{"application/json", {{"schema", schemaRef(spec.request_schema)}}}}}};
  }
  json responses = json::object();
  for (const auto& r : spec.responses) responses[std::to_string(r.status)] = responseObject(r);
  auto add = [&](int code, std::string_view schema, std::string_view why) {
    std::string key = std::to_string(code);
    if (!responses.contains(key)) {
      responses[key] = responseObject({code, std::string(schema), std::string(why)});
    }
  };
  bool api = spec.path.starts_with("/api/");
  if (spec.access != Access::kPublic) {
    add(401, "Problem", "Missing or invalid credentials");
    if (spec.access != Access::kAuthenticated || spec.method != http::verb::get) {
      add(403, "Problem", "Role not allowed, or CSRF check failed");
    }
    op["security"] =
        json::array({{{"bearerAuth", json::array()}}, {{"cookieAuth", json::array()}}});
  } else {
    op["security"] = json::array();
  }
  if (!spec.request_schema.empty()) {
    add(400, "Problem", "Body is not JSON");
    add(415, "Problem", "Content-Type is not JSON");
  }
  bool domain_param = std::find(params.begin(), params.end(), "domain") != params.end();
  if (!spec.request_schema.empty() || domain_param || !spec.query.empty()) {
    add(422, "ValidationProblem", "Validation failed: every field error is listed");
  }
  if (api) add(503, "Problem", "Redis unavailable");
  op["responses"] = responses;
  return op;
}

}  // namespace

json buildOpenApi(const std::vector<RouteSpec>& routes) {
  json paths = json::object();
  std::set<std::string> tags;
  for (const auto& spec : routes) {
    if (spec.hidden) continue;
    std::vector<std::string> params;
    std::string path = openApiPath(spec.path, params);
    paths[path][methodName(spec.method)] = operation(spec, params);
    tags.insert(spec.tag);
  }
  json tag_list = json::array();
  for (const auto& t : tags) tag_list.push_back({{"name", t}});
  return {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "Cirrus CDN control plane"},
        {"version", CIRRUS_VERSION},
        {"description",
         "REST API of `cirrus api` (spec §9, §10). Errors are {\"detail\": ...}; validation "
         "errors are 422 with a list of {loc, msg, type}."}}},
      {"servers", json::array({{{"url", "/"}}})},
      {"tags", tag_list},
      {"paths", paths},
      {"components",
       {{"schemas", componentSchemas()},
        {"securitySchemes",
         {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}}},
          {"cookieAuth", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "cirrus_session"}}}}}}}};
}

}  // namespace cirrus::api
