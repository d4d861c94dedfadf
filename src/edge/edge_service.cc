#include "edge/edge_service.h"

#include <sys/resource.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include <fmt/format.h>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "cache/body.h"
#include "core/log.h"
#include "core/metrics_registry.h"
#include "core/service_runner.h"
#include "edge/access_log.h"
#include "edge/admin_listener.h"
#include "edge/config_snapshot.h"
#include "edge/config_watcher.h"
#include "edge/edge_cache.h"
#include "edge/edge_metrics.h"
#include "edge/edge_options.h"
#include "edge/purge_watcher.h"
#include "edge/tls_store.h"
#include "edge/worker.h"
#include "http/tls_context.h"

namespace cirrus::edge {

namespace asio = boost::asio;

namespace {

std::shared_ptr<asio::ssl::context> makeOriginTls(bool verify) {
  auto ctx = http::makeClientTlsContext();
  if (!ctx) {
    log::error("origin TLS context failed", {{"error", ctx.error().message()}});
    return nullptr;
  }
  if (!verify) (*ctx)->set_verify_mode(asio::ssl::verify_none);
  return *ctx;
}

// Client connections, origin pools and file-backed cache bodies all take descriptors: raise
// the soft limit to the hard one (what nginx's worker_rlimit_nofile is usually set to), then
// size the body budget from it.
void raiseDescriptorLimit(uint64_t sendfile_min_bytes) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rlim_t before = rl.rlim_cur;
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) rl.rlim_cur = before;
  }
  cache::Body::configure(static_cast<size_t>(sendfile_min_bytes));
  log::info("edge descriptors",
            {{"nofile", static_cast<uint64_t>(rl.rlim_cur)},
             {"sendfile_min", sendfile_min_bytes},
             {"file_bodies_max", static_cast<uint64_t>(cache::Body::maxFiles())}});
}

}  // namespace

int runEdgeService(const config::CommonConfig& common, const config::EdgeConfig& edge) {
  asio::io_context control;
  metrics::Registry registry;
  EdgeMetrics edge_metrics(registry);
  ConfigHolder holder;
  EdgeOptions options = EdgeOptions::from(edge);
  raiseDescriptorLimit(edge.sendfile_min_bytes);

  auto access_log = AccessLog::open(edge.access_log);
  if (!access_log) {
    log::error("edge cannot start", {{"error", access_log.error().message()}});
    return 1;
  }
  std::unique_ptr<TlsStore> tls;
  bool https = edge.https_bind.port != 0 || !edge.https_bind.host.empty();
  if (https) {
    auto created = TlsStore::create();
    if (!created) {
      log::error("edge cannot start", {{"error", created.error().message()}});
      return 1;
    }
    tls = std::move(*created);
    tls->setMetrics(&edge_metrics);
    tls->setHttp2(edge.http2);
  }
  auto origin_tls = makeOriginTls(true);
  auto origin_tls_noverify = makeOriginTls(false);
  if (!origin_tls || !origin_tls_noverify) return 1;

  ConfigWatcher watcher(control, common.redis, holder, edge_metrics, edge.config_ttl, tls.get());

  EdgeCacheOptions cache_options;
  cache_options.memory_bytes = edge.cache_memory_bytes;
  cache_options.disk_dir = edge.cache_dir;
  cache_options.disk_bytes = edge.cache_disk_bytes;
  auto cache = EdgeCache::create(cache_options, registry);
  if (!cache) {
    log::error("edge cannot start", {{"error", cache.error().message()}});
    return 1;
  }
  std::string purge_state =
      edge.cache_dir.empty() ? std::string() : edge.cache_dir + "/purge-log.last";
  PurgeWatcher purges(control, common.redis, holder, **cache, purge_state);

  std::vector<std::unique_ptr<Worker>> workers;
  size_t n = std::max<unsigned>(edge.workers, 1);
  for (size_t i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>(i, holder, edge_metrics, **access_log, options, origin_tls,
                                      origin_tls_noverify);
    w->setCache(cache->get());
    if (auto r = w->listen(edge.http_bind, https ? &edge.https_bind : nullptr, tls.get()); !r) {
      log::error("edge cannot start", {{"error", r.error().message()}});
      return 1;
    }
    workers.push_back(std::move(w));
  }

  std::atomic<bool> draining{false};
  auto admin = makeAdminListener(
      control, edge.admin_bind, edge.metrics_allow, registry,
      [&draining, &watcher] { return !draining.load() && watcher.firstLoadDone(); });
  if (auto r = admin->start(); !r) {
    log::error("edge cannot start", {{"error", r.error().message()}});
    return 1;
  }

  asio::signal_set reopen(control, SIGUSR1);
  std::function<void(const boost::system::error_code&, int)> on_usr1 =
      [&](const boost::system::error_code& ec, int) {
        if (ec) return;
        if (auto r = (*access_log)->reopen(); !r) {
          log::warn("access log reopen failed", {{"error", r.error().message()}});
        }
        reopen.async_wait(on_usr1);
      };
  reopen.async_wait(on_usr1);

  watcher.start();
  purges.start();
  if (tls) tls->startTicketRotation(control);
  // Accepting starts once the first configuration load has finished (or after a bound): the
  // listeners are bound already, so connections queue meanwhile instead of being answered 404
  // by an edge that knows no domain yet (a restarting edge shares its ports with the old one).
  asio::steady_timer start_timer(control);
  auto start_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  bool workers_started = false;
  std::function<void()> start_workers = [&] {
    if (workers_started) return;
    if (!watcher.firstLoadDone() && std::chrono::steady_clock::now() < start_deadline) {
      start_timer.expires_after(std::chrono::milliseconds(5));
      start_timer.async_wait([&](const boost::system::error_code& ec) {
        if (!ec) start_workers();
      });
      return;
    }
    workers_started = true;
    for (auto& w : workers) w->start();
    log::info("edge serving", {{"http", edge.http_bind.toString()},
                               {"https", https ? edge.https_bind.toString() : ""},
                               {"admin", edge.admin_bind.toString()},
                               {"workers", n}});
  };
  start_workers();

  ServiceRunOptions run;
  run.stop_deadline = options.drain_timeout + std::chrono::seconds(2);
  int code = runUntilSignalled(
      control,
      [&](std::function<void()> done) {
        draining = true;
        start_timer.cancel();
        if (!workers_started) {
          start_deadline = std::chrono::steady_clock::now();
          start_workers();  // a drain needs running loops
        }
        log::info("edge draining", {});
        auto remaining = std::make_shared<std::atomic<size_t>>(workers.size());
        auto finish = std::make_shared<std::function<void()>>([&, done] {
          watcher.stop();
          purges.stop();
          if (tls) tls->stopTicketRotation();
          reopen.cancel();
          admin->stop([done] { done(); });
        });
        for (auto& w : workers) {
          w->drain([remaining, finish, &control] {
            if (remaining->fetch_sub(1) == 1) asio::post(control, [finish] { (*finish)(); });
          });
        }
      },
      run);
  for (auto& w : workers) {
    w->stop();
    w->join();
  }
  log::info("edge stopped", {{"exit", code}});
  return code;
}

}  // namespace cirrus::edge
