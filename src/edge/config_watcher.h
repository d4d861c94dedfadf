// Keeps the ConfigHolder (and the TLS store) in step with Redis (spec §11): a full load at
// start and after every (re)connect of the pub/sub connection, one domain re-read per
// `cdn:conf` message (well under 100 ms from the API's write), and a full re-validation every
// EDGE_CONFIG_TTL_SECONDS in case a message was lost. While Redis is down the last published
// snapshot keeps serving; failures are logged, never fatal. Runs on the control io_context.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/config.h"
#include "core/redis_client.h"
#include "core/redis_subscriber.h"
#include "edge/config_snapshot.h"
#include "edge/edge_metrics.h"
#include "store/cert_store.h"
#include "store/domain_store.h"

namespace cirrus::edge {

class TlsStore;

class ConfigWatcher {
 public:
  /// tls may be null (no HTTPS listener). Everything must outlive the watcher.
  ConfigWatcher(boost::asio::io_context& ioc, const config::RedisOptions& redis,
                ConfigHolder& holder, EdgeMetrics& metrics, std::chrono::seconds ttl,
                TlsStore* tls);
  ~ConfigWatcher();

  void start();
  void stop();
  /// True once the first full load has finished (successfully or not): /healthz reports
  /// ready only then, so a starting edge is not sent traffic it would answer 404.
  bool firstLoadDone() const { return first_load_done_.load(); }

 private:
  boost::asio::awaitable<void> fullReload();
  boost::asio::awaitable<void> reloadDomain(std::string domain);
  boost::asio::awaitable<void> reloadCertificate(std::string domain);
  boost::asio::awaitable<void> ttlLoop();
  void publish();
  void spawn(boost::asio::awaitable<void> task, const char* what);

  boost::asio::io_context& ioc_;
  ConfigHolder& holder_;
  EdgeMetrics& metrics_;
  std::chrono::seconds ttl_;
  TlsStore* tls_;
  redis::Client client_;
  store::DomainStore domains_;
  store::CertStore certs_;
  redis::Subscriber subscriber_;
  boost::asio::steady_timer ttl_timer_;
  bool stopped_ = false;
  std::atomic<bool> first_load_done_{false};
  std::unordered_map<std::string, DomainConfSharedPtr> current_;
  // Ordering between a full reload and single-domain reloads that finish while it runs: a
  // domain re-read after the full reload started keeps its newer value.
  uint64_t seq_ = 0;
  std::unordered_map<std::string, uint64_t> updated_at_;
};

}  // namespace cirrus::edge
