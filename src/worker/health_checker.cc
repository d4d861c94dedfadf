#include "worker/health_checker.h"

#include <memory>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.h"

namespace cirrus::worker {

namespace asio = boost::asio;

NodeHealthChecker::NodeHealthChecker(asio::any_io_executor executor, redis::Client& redis,
                                     http::Client& http, HealthCheckOptions options,
                                     WorkerMetrics* metrics)
    : executor_(std::move(executor)),
      nodes_(redis),
      http_(http),
      options_(std::move(options)),
      metrics_(metrics) {}

asio::awaitable<ProbeResult> NodeHealthChecker::probe(std::string url) {
  http::RequestOptions request;
  request.connect_timeout = options_.timeout;
  request.read_timeout = options_.timeout;
  request.max_body_bytes = 64 * 1024;
  // A fresh connection per probe: a pooled one would hide a node that stopped accepting.
  request.reuse_connection = false;
  auto response = co_await http_.get(std::move(url), std::move(request));
  if (!response) co_return ProbeResult{false, response.error().message()};
  unsigned status = response->result_int();
  if (status >= 200 && status < 300) co_return ProbeResult{true, ""};
  co_return ProbeResult{false, "healthz answered " + std::to_string(status)};
}

asio::awaitable<Result<nlohmann::json>> NodeHealthChecker::run() {
  auto listed = co_await nodes_.list();
  if (!listed) co_return listed.error();
  std::vector<model::Node> fleet;
  for (model::Node& node : *listed) {
    if (node.enabled) fleet.push_back(std::move(node));
  }

  // Probe concurrently; each probe is bounded by its own deadlines, the wait by their sum.
  struct Round {
    std::vector<ProbeResult> results;
    size_t remaining = 0;
    asio::steady_timer all_done;
    explicit Round(asio::any_io_executor ex) : all_done(std::move(ex)) {}
  };
  auto round = std::make_shared<Round>(executor_);
  round->results.resize(fleet.size());
  round->remaining = fleet.size();
  for (size_t i = 0; i < fleet.size(); ++i) {
    auto url = probeUrl(fleet[i], options_.port);
    if (!url) {
      round->results[i] = {false, "node has no address"};
      --round->remaining;
      continue;
    }
    asio::co_spawn(
        executor_,
        [this, round, i, url = std::move(*url)]() mutable -> asio::awaitable<void> {
          round->results[i] = co_await probe(std::move(url));
          if (--round->remaining == 0) round->all_done.cancel();
        },
        asio::detached);
  }
  const auto limit =
      std::chrono::steady_clock::now() + 2 * options_.timeout + std::chrono::seconds(1);
  while (round->remaining > 0 && std::chrono::steady_clock::now() < limit) {
    round->all_done.expires_at(limit);
    boost::system::error_code ec;
    co_await round->all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }

  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  nlohmann::json changed = nlohmann::json::array();
  int64_t up = 0;
  for (size_t i = 0; i < fleet.size(); ++i) {
    model::Node& node = fleet[i];
    // A probe still running past the limit counts as a failure of this round.
    ProbeResult result =
        round->remaining > 0 && round->results[i].error.empty() && !round->results[i].ok
            ? ProbeResult{false, "probe did not finish"}
            : round->results[i];
    if (metrics_) metrics_->countProbe(result.ok);
    auto transition = applyProbe(node, result, options_.thresholds, now);
    auto written = co_await nodes_.updateHealth(node);
    if (!written) {
      if (isNotFound(written.error())) continue;  // deleted meanwhile
      co_return written.error();
    }
    if (node.active) ++up;
    if (*written) {
      changed.push_back(node.id);
      if (metrics_) metrics_->countTransition(node.active);
      log::info(node.active ? "node is up" : "node is down", {{"node", node.id},
                                                              {"fails", node.fails},
                                                              {"succs", node.succs},
                                                              {"error", node.last_error}});
    } else if (transition == HealthTransition::kPending) {
      log::debug("node health pending",
                 {{"node", node.id}, {"fails", node.fails}, {"succs", node.succs}});
    }
  }
  co_return nlohmann::json{{"probed", fleet.size()},
                           {"up", up},
                           {"down", static_cast<int64_t>(fleet.size()) - up},
                           {"changed", std::move(changed)}};
}

}  // namespace cirrus::worker
