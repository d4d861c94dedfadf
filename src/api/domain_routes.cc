// domains, domains/{domain} (spec §5, §10): DomainConf CRUD. The store writes cdn:domains and
// cdn:dom:{domain} atomically with the audit entry and publishes cdn:conf and cdn:cname:dirty;
// of concurrent creates of one domain exactly one gets 201, the others 409.
#include <string>
#include <utility>

#include "api/responses.h"
#include "api/route_table.h"
#include "model/domain_conf.h"
#include "model/domain_name.h"
#include "store/domain_store.h"

namespace cirrus::api {

namespace asio = boost::asio;
using http::Response;
using http::status;

namespace {

std::string what(std::string_view domain) {
  return "domain '" + std::string(domain) + "'";
}

asio::awaitable<Response> listDomains(ApiContext& ctx, http::RequestContext&, const Principal*) {
  store::DomainStore domains(ctx.redis);
  auto names = co_await domains.list();
  if (!names) co_return errorResponse(names.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& name : *names) {
    auto conf = co_await domains.get(name);
    if (!conf) co_return errorResponse(conf.error());
    if (*conf) out.push_back(model::toJson(**conf));  // deleted meanwhile: skip
  }
  co_return http::jsonResponse(status::ok, out);
}

asio::awaitable<Response> createDomain(ApiContext& ctx, http::RequestContext& rc,
                                       const Principal* who) {
  auto body = http::parseJsonBody(rc.request);
  if (!body) co_return body.error().toResponse();
  auto parsed = model::parseDomainConf(*body);
  if (!parsed.ok()) co_return validationResponse(parsed.errors);
  store::DomainStore domains(ctx.redis);
  auto created = co_await domains.create(parsed.value, who->audit());
  if (!created) co_return errorResponse(created.error(), what(parsed.value.domain));
  co_return http::jsonResponse(status::created, model::toJson(parsed.value));
}

asio::awaitable<Response> getDomain(ApiContext& ctx, http::RequestContext& rc, const Principal*) {
  auto d = pathDomain(rc);
  if (d.failure) co_return std::move(*d.failure);
  store::DomainStore domains(ctx.redis);
  // The stored document is already canonical JSON: answer it as is, without a parse/dump.
  auto raw = co_await domains.getRaw(d.domain);
  if (!raw) co_return errorResponse(raw.error());
  if (!*raw) co_return errorResponse(notFound(d.domain), what(d.domain));
  co_return http::makeResponse(status::ok, std::move(**raw), http::kJsonContentType);
}

asio::awaitable<Response> putDomain(ApiContext& ctx, http::RequestContext& rc,
                                    const Principal* who) {
  auto d = pathDomain(rc);
  if (d.failure) co_return std::move(*d.failure);
  auto body = http::parseJsonBody(rc.request);
  if (!body) co_return body.error().toResponse();
  auto parsed = model::parseDomainConf(*body, d.domain);
  if (!parsed.ok()) co_return validationResponse(parsed.errors);
  store::DomainStore domains(ctx.redis);
  auto stored = co_await domains.put(parsed.value, who->audit());
  if (!stored) co_return errorResponse(stored.error(), what(d.domain));
  co_return http::jsonResponse(status::ok, model::toJson(parsed.value));
}

asio::awaitable<Response> deleteDomain(ApiContext& ctx, http::RequestContext& rc,
                                       const Principal* who) {
  auto d = pathDomain(rc);
  if (d.failure) co_return std::move(*d.failure);
  store::DomainStore domains(ctx.redis);
  auto removed = co_await domains.remove(d.domain, who->audit());
  if (!removed) co_return errorResponse(removed.error(), what(d.domain));
  co_return noContent();
}

}  // namespace

PathDomain pathDomain(const http::RequestContext& rc) {
  PathDomain out;
  auto normalized = model::normalizeDomain(rc.param("domain"));
  if (normalized) {
    out.domain = std::move(*normalized);
    return out;
  }
  model::FieldErrors errors{
      model::FieldError::valueError({std::string("domain")}, normalized.error().context())};
  out.failure = validationResponse(errors, "path");
  return out;
}

void addDomainRoutes(std::vector<RouteSpec>& routes) {
  routes.push_back({.method = http::verb::get,
                    .path = "/api/v1/domains",
                    .operation_id = "listDomains",
                    .tag = "domains",
                    .summary = "List domain configurations",
                    .access = Access::kAuthenticated,
                    .responses = {{200, "DomainConf[]", "Every domain, sorted by name"}},
                    .handler = listDomains});
  routes.push_back({.method = http::verb::post,
                    .path = "/api/v1/domains",
                    .operation_id = "createDomain",
                    .tag = "domains",
                    .summary = "Onboard a domain",
                    .access = Access::kAdmin,
                    .request_schema = "DomainConfInput",
                    .responses = {{201, "DomainConf", "Created (defaults filled in)"},
                                  {409, "Problem", "The domain exists already"}},
                    .handler = createDomain});
  routes.push_back({.method = http::verb::get,
                    .path = "/api/v1/domains/{domain}",
                    .operation_id = "getDomain",
                    .tag = "domains",
                    .summary = "Get a domain configuration",
                    .access = Access::kAuthenticated,
                    .responses = {{200, "DomainConf", "The stored configuration"},
                                  {404, "Problem", "No such domain"}},
                    .handler = getDomain});
  routes.push_back({.method = http::verb::put,
                    .path = "/api/v1/domains/{domain}",
                    .operation_id = "replaceDomain",
                    .tag = "domains",
                    .summary = "Create or replace a domain configuration (idempotent)",
                    .access = Access::kAdmin,
                    .request_schema = "DomainConfInput",
                    .responses = {{200, "DomainConf", "Stored"}},
                    .handler = putDomain});
  routes.push_back({.method = http::verb::delete_,
                    .path = "/api/v1/domains/{domain}",
                    .operation_id = "deleteDomain",
                    .tag = "domains",
                    .summary = "Delete a domain with its certificate and ACME state",
                    .access = Access::kAdmin,
                    .responses = {{204, "", "Deleted"}, {404, "Problem", "No such domain"}},
                    .handler = deleteDomain});
}

}  // namespace cirrus::api
