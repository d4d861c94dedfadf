// SteeringZoneSource: keeps the ZoneHolder in step with Redis (spec §7). Builds the steering
// zone from `cdn:domains` and the node registry at start, after `cdn:cname:dirty` / `cdn:conf`
// (debounced), after every pub/sub reconnect (messages sent meanwhile are lost, spec §4) and
// periodically as a safety net. A rebuild with unchanged content keeps the serial; a changed
// one takes the next serial from `cdn:dns:serial` and is announced. Redis down: the last zone
// keeps serving and the rebuild is retried.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "core/config.h"
#include "core/redis_client.h"
#include "core/redis_subscriber.h"
#include "dns/dns_metrics.h"
#include "dns/rebuild_policy.h"
#include "dns/zone_builder.h"
#include "dns/zone_holder.h"
#include "store/domain_store.h"
#include "store/node_store.h"
#include "store/serial_store.h"

namespace cirrus::dns {

struct ZoneSourceOptions {
  /// Everything of the build but domains, nodes and serial (those come from Redis).
  ZoneBuildInput build;
  DebounceOptions debounce;
  /// A full rebuild this often even without messages: pub/sub is at-most-once.
  std::chrono::milliseconds safety_interval{60'000};
  /// After a failed rebuild (Redis down, store error), try again after this.
  std::chrono::milliseconds retry_interval{2'000};

  static ZoneSourceOptions from(const config::DnsConfig& config);
};

/// Runs on one io_context thread; start()/stop() from that thread (or before it runs). The
/// zone build itself runs on a private thread; reads, serial and publishing stay on the
/// io_context. Everything passed in must outlive the source.
class SteeringZoneSource {
 public:
  /// on_new_serial runs on the io_context after each publish that changed the serial.
  SteeringZoneSource(boost::asio::io_context& ioc, const config::RedisOptions& redis,
                     ZoneHolder& holder, DnsMetrics& metrics, ZoneSourceOptions options,
                     std::function<void(uint32_t serial)> on_new_serial);
  ~SteeringZoneSource();
  SteeringZoneSource(const SteeringZoneSource&) = delete;
  SteeringZoneSource& operator=(const SteeringZoneSource&) = delete;

  void start();
  void stop();

 private:
  boost::asio::awaitable<void> loop();
  /// One read + build + maybe publish; false when it failed and must be retried.
  boost::asio::awaitable<bool> rebuild();
  void markDirty();

  boost::asio::io_context& ioc_;
  ZoneHolder& holder_;
  DnsMetrics& metrics_;
  ZoneSourceOptions options_;
  std::function<void(uint32_t)> on_new_serial_;
  redis::Client client_;
  store::DomainStore domains_;
  store::NodeStore nodes_;
  store::SerialStore serials_;
  redis::Subscriber subscriber_;
  boost::asio::steady_timer wake_;
  Debouncer debouncer_;
  bool stopped_ = false;
  bool started_ = false;
  uint64_t served_hash_ = 0;  // Zone::contentHash() of the zone this source published last
  // Builds and compares zones (CPU work of up to a few hundred ms for 10^5 domains) off the
  // io_context thread, which keeps answering queries meanwhile. Declared last: destroyed
  // first, it joins a build in flight (which touches nothing of this object).
  boost::asio::thread_pool build_pool_{1};
};

}  // namespace cirrus::dns
