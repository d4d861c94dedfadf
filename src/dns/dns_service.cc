#include "dns/dns_service.h"

#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/log.h"
#include "core/metrics_registry.h"
#include "core/service_runner.h"
#include "dns/dns_metrics.h"
#include "dns/dns_server.h"
#include "dns/master_file.h"
#include "dns/notifier.h"
#include "dns/query_handler.h"
#include "dns/steering_zone_source.h"
#include "dns/tsig.h"
#include "dns/zone_holder.h"
#include "http/router.h"
#include "http/server.h"

namespace cirrus::dns {

namespace asio = boost::asio;

namespace {

// /metrics and /healthz on DNS_METRICS_BIND. Healthy once a zone is served: while Redis is
// down the last zone keeps serving, so the process stays healthy; before the first build it
// has nothing trustworthy to answer with.
std::unique_ptr<http::Server> makeMetricsListener(asio::io_context& ioc, Endpoint bind,
                                                  const metrics::Registry& registry,
                                                  const ZoneHolder& holder) {
  http::Router router;
  router.get("/healthz", [&holder](http::RequestContext&) -> asio::awaitable<http::Response> {
    auto zone = holder.current();
    if (!zone) co_return http::makeResponse(http::status::service_unavailable, "no zone yet\n");
    co_return http::makeResponse(http::status::ok,
                                 "ok serial " + std::to_string(zone->serial()) + "\n");
  });
  router.get("/metrics", [&registry](http::RequestContext&) -> asio::awaitable<http::Response> {
    co_return http::makeResponse(http::status::ok, registry.render(), metrics::kContentType);
  });
  http::ServerOptions options;
  options.listen = std::move(bind);
  options.name = "dns-metrics";
  options.shutdown_grace = std::chrono::milliseconds(2000);
  return std::make_unique<http::Server>(ioc, std::move(options), std::move(router));
}

}  // namespace

int runDnsService(const config::CommonConfig& common, const config::DnsConfig& dns) {
  if (dns.base_domain.empty()) {
    log::info("dns disabled: CNAME_BASE_DOMAIN is empty; exiting");
    return 0;
  }
  // DNS_STATIC_ZONES: loaded once at start; a file that does not load stops the process like
  // any bad setting (exit 2, one line naming the variable).
  std::vector<ZoneSharedPtr> static_zones;
  auto steering_apex = dnswire::Name::fromText(dns.base_domain);
  for (const auto& [zone_name, path] : dns.static_zones) {
    auto origin = dnswire::Name::fromText(zone_name);
    auto loaded = origin ? loadMasterFile(path, *origin) : Result<Zone>(badRequest("bad name"));
    if (!loaded) {
      log::error("DNS_STATIC_ZONES: " + zone_name + ": " + loaded.error().context());
      return 2;
    }
    if (steering_apex && loaded->apex() == *steering_apex) {
      log::error("DNS_STATIC_ZONES: " + zone_name + " is CNAME_BASE_DOMAIN, the steering zone");
      return 2;
    }
    log::info("static zone loaded", {{"zone", loaded->apex().toText()},
                                     {"serial", loaded->serial()},
                                     {"records", loaded->recordCount()}});
    static_zones.push_back(std::make_shared<const Zone>(std::move(*loaded)));
  }
  std::optional<TsigKey> key;
  if (dns.tsig) {
    auto parsed = TsigKey::fromConfig(*dns.tsig);
    if (!parsed) {
      log::error("dns cannot start", {{"error", parsed.error().message()}});
      return 2;
    }
    key = std::move(*parsed);
  }

  asio::io_context ioc;
  metrics::Registry registry;
  DnsMetrics dns_metrics(registry);
  ZoneHolder holder;

  HandlerOptions handler_options;
  for (const auto& slave : dns.slaves) {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(slave.host, ec);
    if (!ec) handler_options.transfer_allow.push_back(address);
  }
  handler_options.tsig = key;
  handler_options.static_zones = static_zones;
  QueryHandler handler(holder, dns_metrics, std::move(handler_options));

  ServerOptions server_options;
  server_options.address = dns.bind_addr;
  server_options.port = dns.port;
  Server server(ioc, handler, dns_metrics, server_options);
  if (auto r = server.start(); !r) {
    log::error("dns cannot start", {{"error", r.error().message()}});
    return 1;
  }
  auto metrics_listener = makeMetricsListener(ioc, dns.metrics_bind, registry, holder);
  if (auto r = metrics_listener->start(); !r) {
    log::error("dns cannot start", {{"error", r.error().message()}});
    return 1;
  }

  Notifier notifier(ioc, dns.slaves, key, dns_metrics);
  SteeringZoneSource source(ioc, common.redis, holder, dns_metrics, ZoneSourceOptions::from(dns),
                            [&](uint32_t) { notifier.notify(holder.current()); });
  source.start();
  for (const auto& zone : static_zones) notifier.notify(zone);
  log::info("dns serving", {{"zone", dns.base_domain},
                            {"listen", dns.bind_addr + ":" + std::to_string(server.port())},
                            {"metrics", dns.metrics_bind.toString()},
                            {"slaves", dns.slaves.size()},
                            {"tsig", key.has_value()}});

  ServiceRunOptions run;
  run.stop_deadline = std::chrono::milliseconds(5000);
  int code = runUntilSignalled(
      ioc,
      [&](std::function<void()> done) {
        log::info("dns stopping");
        source.stop();
        notifier.stop();
        server.stop();
        metrics_listener->stop([done] { done(); });
      },
      run);
  log::info("dns stopped", {{"exit", code}});
  return code;
}

}  // namespace cirrus::dns
