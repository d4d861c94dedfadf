#include "acmedns/acmedns_service.h"

#include <chrono>
#include <functional>
#include <memory>
#include <utility>

#include <boost/asio/io_context.hpp>

#include "acmedns/acmedns_metrics.h"
#include "acmedns/api_routes.h"
#include "acmedns/authority.h"
#include "acmedns/dns_listener.h"
#include "acmedns/dns_responder.h"
#include "core/log.h"
#include "core/metrics_registry.h"
#include "core/redis_client.h"
#include "core/service_runner.h"
#include "http/server.h"
#include "store/acmedns_store.h"

namespace cirrus::acmedns {

namespace asio = boost::asio;

namespace {

int64_t unixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int runAcmeDnsService(const config::CommonConfig& common, const config::AcmeDnsConfig& config) {
  auto zone = AuthorityZone::create(config.zone);
  if (!zone) {
    log::error("ACMEDNS_ZONE: '" + config.zone + "' is not a usable zone name");
    return 2;
  }

  asio::io_context ioc(1);
  redis::Client redis(ioc.get_executor(), common.redis);
  store::AcmeDnsStore store(redis);
  metrics::Registry registry;
  AcmeDnsMetrics acme_metrics(registry);

  DnsResponder responder(std::move(*zone), store, acme_metrics);
  DnsListenerOptions dns_options;
  dns_options.bind = config.dns_bind;
  DnsListener dns(ioc, dns_options, [&responder](std::vector<uint8_t> message, bool over_tcp) {
    return responder.handle(std::move(message), over_tcp);
  });
  if (auto started = dns.start(); !started) {
    log::error("acme-dns cannot start", {{"error", started.error().message()}});
    return 1;
  }

  http::ServerOptions options;
  options.listen = config.api_bind;
  options.name = "acme-dns-api";
  options.body_limit = 64 * 1024;
  options.shutdown_grace = std::chrono::milliseconds(5000);
  http::Server api(ioc, std::move(options),
                   makeApiRouter({store, acme_metrics, registry, config.zone, unixNow}));
  if (auto started = api.start(); !started) {
    log::error("acme-dns cannot start", {{"error", started.error().message()}});
    dns.stop();
    return 1;
  }
  auto bound = api.boundEndpoint();
  log::info("acme-dns serving",
            {{"zone", config.zone},
             {"api", bound.address().to_string() + ":" + std::to_string(bound.port())},
             {"dns", config.dns_bind.host + ":" + std::to_string(dns.port())}});

  ServiceRunOptions run;
  run.stop_deadline = std::chrono::milliseconds(8000);
  int code = runUntilSignalled(
      ioc,
      [&](std::function<void()> done) {
        log::info("acme-dns stopping");
        dns.stop();
        api.stop(std::move(done));
      },
      run);
  redis.close();
  log::info("acme-dns stopped", {{"exit", code}});
  return code;
}

}  // namespace cirrus::acmedns
