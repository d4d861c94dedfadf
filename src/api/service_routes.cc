// Routes outside /api/v1 (spec §2, §10): /healthz, /metrics, /openapi.json, /docs (Swagger
// UI from local files), the admin UI with SPA fallback, and /__test__/* when enabled.
#include <string>
#include <utility>
#include <vector>

#include "api/responses.h"
#include "api/route_table.h"
#include "api/static_files.h"
#include "core/log.h"
#include "store/keys.h"

namespace cirrus::api {

namespace asio = boost::asio;
using http::field;
using http::Response;
using http::status;

namespace {

asio::awaitable<Response> healthz(ApiContext& ctx, http::RequestContext&, const Principal*) {
  auto pong = co_await ctx.health_redis.command("PING");
  Response res = pong ? http::jsonResponse(status::ok, {{"status", "ok"}})
                      : http::jsonResponse(status::service_unavailable,
                                           {{"status", "unavailable"}, {"detail", "redis"}});
  res.set(field::cache_control, "no-store");
  co_return res;
}

asio::awaitable<Response> metricsRoute(ApiContext& ctx, http::RequestContext&, const Principal*) {
  co_return http::makeResponse(status::ok, ctx.metrics.render(), metrics::kContentType);
}

asio::awaitable<Response> openapi(ApiContext& ctx, http::RequestContext&, const Principal*) {
  co_return http::makeResponse(status::ok, ctx.openapi_document, http::kJsonContentType);
}

asio::awaitable<Response> docsIndex(ApiContext&, http::RequestContext&, const Principal*) {
  co_return http::makeResponse(status::ok, std::string(swaggerIndexHtml()),
                               "text/html; charset=utf-8");
}

asio::awaitable<Response> docsFile(ApiContext& ctx, http::RequestContext& rc, const Principal*) {
  auto file = readStaticFile(ctx.swagger_dir, rc.param("file"));
  if (!file) co_return http::problemResponse(status::not_found, "Not Found");
  Response res = http::makeResponse(status::ok, std::move(file->body), file->content_type);
  res.set(field::cache_control, "public, max-age=3600");
  co_return res;
}

asio::awaitable<Response> staticRoute(ApiContext& ctx, http::RequestContext& rc, const Principal*) {
  std::string_view rel = rc.param("path");
  if (!rel.empty()) {
    if (auto file = readStaticFile(ctx.static_dir, rel)) {
      co_return http::makeResponse(status::ok, std::move(file->body), file->content_type);
    }
  }
  // SPA fallback: any other GET is the UI's client-side route.
  if (auto index = readStaticFile(ctx.static_dir, "index.html")) {
    Response res = http::makeResponse(status::ok, std::move(index->body), index->content_type);
    res.set(field::cache_control, "no-cache");
    co_return res;
  }
  co_return http::makeResponse(status::ok, std::string(builtinIndexHtml()),
                               "text/html; charset=utf-8");
}

// Dangerous by design: deletes every cdn:* key. Registered only with ENABLE_TEST_ENDPOINTS.
asio::awaitable<Response> testReset(ApiContext& ctx, http::RequestContext&, const Principal*) {
  std::string cursor = "0";
  std::string pattern = std::string(store::keys::kPrefix) + "*";
  size_t deleted = 0;
  for (int round = 0; round < 100000; ++round) {
    auto page = co_await ctx.redis.command("SCAN", cursor, "MATCH", pattern, "COUNT", "1000");
    if (!page) co_return errorResponse(page.error());
    const auto& parts = page->elements();
    if (parts.size() != 2) co_return errorResponse(storeProtocol("SCAN reply"));
    cursor = parts[0].str();
    auto names = parts[1].toStringVector();
    if (!names) co_return errorResponse(names.error());
    if (!names->empty()) {
      redis::Command del{"DEL"};
      del.insert(del.end(), names->begin(), names->end());
      auto gone = co_await ctx.redis.command(std::move(del));
      if (!gone) co_return errorResponse(gone.error());
      deleted += static_cast<size_t>(gone->integer());
    }
    if (cursor == "0") break;
  }
  log::warn("test endpoint wiped every Cirrus key", {{"deleted", deleted}});
  co_return http::jsonResponse(status::ok, {{"deleted", deleted}});
}

}  // namespace

void addServiceRoutes(std::vector<RouteSpec>& routes, const config::ApiConfig& config) {
  routes.push_back({.method = http::verb::get,
                    .path = "/healthz",
                    .operation_id = "healthz",
                    .tag = "service",
                    .summary = "200 when Redis answers PING, else 503",
                    .access = Access::kPublic,
                    .responses = {{200, "Health", "Healthy"}, {503, "Health", "Redis unreachable"}},
                    .handler = healthz});
  routes.push_back(
      {.method = http::verb::get,
       .path = "/metrics",
       .operation_id = "metrics",
       .tag = "service",
       .summary = "Prometheus metrics",
       .access = Access::kPublic,
       .responses = {{200, "", "Prometheus text format 0.0.4", std::string(metrics::kContentType)}},
       .handler = metricsRoute});
  routes.push_back({.method = http::verb::get,
                    .path = "/openapi.json",
                    .operation_id = "openapi",
                    .tag = "service",
                    .summary = "This OpenAPI 3.1 document",
                    .access = Access::kPublic,
                    .responses = {{200, "", "OpenAPI document"}},
                    .handler = openapi});
  routes.push_back({.method = http::verb::get,
                    .path = "/docs",
                    .operation_id = "docs",
                    .tag = "service",
                    .summary = "Swagger UI",
                    .access = Access::kPublic,
                    .responses = {{200, "", "HTML page", "text/html"}},
                    .handler = docsIndex});
  routes.push_back({.method = http::verb::get,
                    .path = "/docs/{file...}",
                    .operation_id = "docsAsset",
                    .tag = "service",
                    .summary = "Swagger UI assets (swagger-ui-dist)",
                    .access = Access::kPublic,
                    .responses = {{200, "", "Asset", "application/octet-stream"},
                                  {404, "Problem", "No such asset"}},
                    .handler = docsFile});
  if (config.enable_test_endpoints) {
    routes.push_back({.method = http::verb::post,
                      .path = "/__test__/reset",
                      .operation_id = "testReset",
                      .tag = "test",
                      .summary = "DANGEROUS: delete every cdn:* key (ENABLE_TEST_ENDPOINTS only)",
                      .access = Access::kPublic,
                      .responses = {{200, "", "Wiped"}},
                      .handler = testReset});
  }
  // Last: the admin UI catches every other GET (the router prefers literal segments, so any
  // route above wins over it; /api/* never falls back, see registerRoutes).
  routes.push_back({.method = http::verb::get,
                    .path = "/{path...}",
                    .operation_id = "adminUi",
                    .tag = "service",
                    .summary = "Admin UI files; unknown paths serve index.html (SPA fallback)",
                    .access = Access::kPublic,
                    .responses = {{200, "", "UI file", "text/html"}},
                    .handler = staticRoute});
}

std::vector<RouteSpec> buildRouteTable(const config::ApiConfig& config) {
  std::vector<RouteSpec> routes;
  addAuthRoutes(routes);
  addUserRoutes(routes);
  addTokenRoutes(routes);
  addNodeRoutes(routes);
  addDomainRoutes(routes);
  addDomainExtraRoutes(routes);
  addOpsRoutes(routes);
  addServiceRoutes(routes, config);
  return routes;
}

}  // namespace cirrus::api
