// One edge worker: an io_context run by one thread with its own SO_REUSEPORT listeners
// (HTTP, and HTTPS when configured), its connections, its origin pool, its view of the
// configuration snapshot and its metric children. Nothing here is shared between workers
// except the immutable snapshots and the metrics registry's per-thread cells.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "cache/cache_rules.h"
#include "core/endpoint.h"
#include "core/result.h"
#include "edge/access_log.h"
#include "edge/config_snapshot.h"
#include "edge/drain_target.h"
#include "edge/edge_metrics.h"
#include "edge/edge_options.h"
#include "edge/origin_pool.h"
#include "edge/origin_selector.h"
#include "edge/transport.h"

namespace cirrus::edge {

class EdgeCache;
class TlsStore;

/// What a connection needs from its worker. Only touched from the worker's thread.
struct WorkerContext {
  WorkerContext(boost::asio::io_context& ioc, const ConfigHolder& config, EdgeMetrics& metrics,
                AccessLog& access_log, EdgeOptions options,
                std::shared_ptr<boost::asio::ssl::context> client_tls,
                std::shared_ptr<boost::asio::ssl::context> client_tls_noverify);

  /// The smooth-WRR state of a domain on this worker (rebuilt when the snapshot changes).
  OriginSelector& selectorFor(const model::DomainConf& conf);
  /// Refreshes the config view; clears per-snapshot caches when it moved.
  void refreshConfig();
  /// The domain's cache rules, compiled once per snapshot on this worker.
  const cache::CompiledRules& rulesFor(const model::DomainConf& conf);

  boost::asio::io_context& ioc;
  DeadlineSweeper sweeper;
  OriginPool pool;
  ConfigView config;
  WorkerMetrics metrics;
  AccessLog& access_log;
  EdgeOptions options;
  bool draining = false;
  std::unordered_set<DrainTarget*> connections;
  EdgeCache* cache = nullptr;   // shared by every worker; null in tests without a cache
  size_t background_tasks = 0;  // background revalidations running; a drain waits for them

 private:
  std::unordered_map<std::string, OriginSelector> selectors_;
  std::unordered_map<std::string, std::unique_ptr<cache::CompiledRules>> rules_;
};

class Worker {
 public:
  Worker(size_t index, const ConfigHolder& config, EdgeMetrics& metrics, AccessLog& access_log,
         EdgeOptions options, std::shared_ptr<boost::asio::ssl::context> client_tls,
         std::shared_ptr<boost::asio::ssl::context> client_tls_noverify);
  ~Worker();

  /// Binds this worker's listeners (SO_REUSEPORT, so every worker and a restarting edge
  /// process can bind the same ports). tls_store may be null (no HTTPS listener).
  Result<void> listen(const Endpoint& http, const Endpoint* https, TlsStore* tls_store);
  /// Starts the thread.
  void start();
  /// Graceful stop: close listeners, close idle connections, let requests in flight finish
  /// (bounded by drain_timeout), then stop the loop. Thread-safe; on_done runs on the
  /// worker's thread when it has drained.
  void drain(std::function<void()> on_done);
  /// Stops the loop at once (after drain, or on a forced stop). Thread-safe.
  void stop() { ioc_.stop(); }
  void join();

  boost::asio::ip::tcp::endpoint httpEndpoint() const { return http_endpoint_; }
  /// The shared cache (before start()); without one every domain is proxied uncached.
  void setCache(EdgeCache* cache) { ctx_->cache = cache; }

 private:
  boost::asio::awaitable<void> acceptLoop(boost::asio::ip::tcp::acceptor& acceptor, bool tls);
  void spawnConnection(boost::asio::ip::tcp::socket socket, bool tls);
  boost::asio::awaitable<void> sweepLoop();
  boost::asio::awaitable<void> drainLoop(std::function<void()> on_done);

  size_t index_;
  boost::asio::io_context ioc_{1};
  std::unique_ptr<WorkerContext> ctx_;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
  boost::asio::ip::tcp::endpoint http_endpoint_;
  TlsStore* tls_store_ = nullptr;
  std::thread thread_;
};

}  // namespace cirrus::edge
