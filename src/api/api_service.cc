#include "api/api_service.h"

#include <memory>
#include <string>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "api/route_table.h"
#include "api/static_files.h"
#include "core/log.h"
#include "core/metrics_registry.h"
#include "core/redis_client.h"
#include "core/service_runner.h"
#include "http/server.h"

namespace cirrus::api {
namespace {

std::string_view statusClass(unsigned status) {
  static constexpr std::string_view kClasses[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  unsigned i = status / 100;
  return i >= 1 && i <= 5 ? kClasses[i - 1] : std::string_view("other");
}

// Per route template, method and status class; the route is "unmatched" when no template
// matched (404s), so the label set is bounded by the route table (spec §12).
http::AccessHook metricsHook(metrics::Registry& registry) {
  auto& requests = registry.counterFamily(
      "cirrus_api_requests_total", "API requests by route template, method and status class.",
      {"route", "method", "status_class"});
  auto& latency = registry.histogramFamily("cirrus_api_request_duration_seconds",
                                           "API request latency by route template.", {"route"});
  return [&requests, &latency](const http::AccessRecord& r) {
    std::string_view route = r.route.empty() ? std::string_view("unmatched") : r.route;
    std::string_view method = r.method.empty() ? std::string_view("unknown") : r.method;
    requests.labels({route, method, statusClass(r.status)}).inc();
    latency.labels({route}).observe(r.duration);
  };
}

}  // namespace

int runApiService(const config::CommonConfig& common, const config::ApiConfig& config) {
  boost::asio::io_context ioc(1);
  boost::asio::thread_pool hashing_pool(2);
  redis::Client redis(ioc.get_executor(), common.redis);
  config::RedisOptions health_options = common.redis;
  health_options.command_timeout = std::chrono::milliseconds(1000);
  redis::Client health_redis(ioc.get_executor(), health_options);
  metrics::Registry registry;

  ApiContext ctx{config, redis, health_redis, registry, hashing_pool};
  ctx.static_dir = resolveStaticDir(config.static_dir);
  ctx.swagger_dir = resolveSwaggerDir();
  auto routes = buildRouteTable(config);
  ctx.openapi_document = buildOpenApi(routes).dump();

  http::Router router;
  registerRoutes(router, ctx, std::move(routes));

  http::ServerOptions options;
  options.listen = config.bind;
  options.name = "api";
  options.body_limit = 1024 * 1024;
  options.on_access = metricsHook(registry);
  http::Server server(ioc, std::move(options), std::move(router));
  if (auto started = server.start(); !started) {
    log::error("cannot start the API listener", {{"error", started.error().message()}});
    return 1;
  }
  auto bound = server.boundEndpoint();
  log::info(
      "api listening",
      {{"address", bound.address().to_string()},
       {"port", bound.port()},
       {"static_dir", ctx.static_dir.empty() ? std::string("(built-in page)") : ctx.static_dir},
       {"swagger_ui", ctx.swagger_dir.empty() ? std::string("(not installed)") : ctx.swagger_dir},
       {"test_endpoints", config.enable_test_endpoints}});

  int rc =
      runUntilSignalled(ioc, [&](std::function<void()> done) { server.stop(std::move(done)); });
  redis.close();
  health_redis.close();
  hashing_pool.join();
  log::info("api stopped", {{"exit_code", rc}});
  return rc;
}

}  // namespace cirrus::api
