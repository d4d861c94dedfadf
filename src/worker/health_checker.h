// NodeHealthChecker: the `cname.node_health` task (spec §8). Probes every enabled node
// concurrently with GET /healthz on NODE_HEALTH_PORT (2xx = success, each bounded by
// NODE_HEALTH_TIMEOUT_SECS), applies the hysteresis of node_health.h and writes every probed
// node's health fields; NodeStore::updateHealth publishes `cdn:cname:dirty` only for a node
// whose `active` flipped. Disabled nodes are not probed.
#pragma once

#include <chrono>
#include <cstdint>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "core/redis_client.h"
#include "core/result.h"
#include "http/client.h"
#include "store/node_store.h"
#include "worker/node_health.h"
#include "worker/worker_metrics.h"

namespace cirrus::worker {

struct HealthCheckOptions {
  uint16_t port = 9145;
  std::chrono::milliseconds timeout{2'000};
  HealthThresholds thresholds;
};

/// Threading: run() on `executor`'s thread; the clients and metrics must outlive the checker.
class NodeHealthChecker {
 public:
  NodeHealthChecker(boost::asio::any_io_executor executor, redis::Client& redis, http::Client& http,
                    HealthCheckOptions options, WorkerMetrics* metrics = nullptr);

  /// One round over the fleet. Returns {"probed", "up", "down", "changed": [ids]}. A Redis
  /// failure fails the round (the task is retried); a node deleted meanwhile is skipped.
  boost::asio::awaitable<Result<nlohmann::json>> run();

  /// One probe: GET url, 2xx within the timeout is ok.
  boost::asio::awaitable<ProbeResult> probe(std::string url);

 private:
  boost::asio::any_io_executor executor_;
  store::NodeStore nodes_;
  http::Client& http_;
  HealthCheckOptions options_;
  WorkerMetrics* metrics_;
};

}  // namespace cirrus::worker
