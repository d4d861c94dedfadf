// NOTIFY (RFC 1996) from the hidden master to every CNAME_DNS_SLAVES entry after each serial
// change: sent over UDP, TSIG-signed when DNS_TSIG_KEY is set, and repeated with a growing
// timeout until the secondary acknowledges or the attempts run out (RFC 1996 §3.6). A newer
// serial supersedes the retries of an older one; the secondary then asks for the newest anyway.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "core/endpoint.h"
#include "dns/dns_metrics.h"
#include "dns/tsig.h"
#include "dns/zone.h"
#include "dns/zone_holder.h"
#include "dnswire/message.h"

namespace cirrus::dns {

struct NotifyRetryPolicy {
  std::chrono::milliseconds first_timeout{1000};
  std::chrono::milliseconds max_timeout{16'000};
  int max_attempts = 6;
};

/// How long to wait for an answer to attempt `attempt` (0-based) before sending again: the first
/// timeout doubling per attempt, capped at max_timeout. nullopt once attempt >= max_attempts.
std::optional<std::chrono::milliseconds> notifyTimeout(const NotifyRetryPolicy& policy,
                                                       int attempt);

/// RFC 1996 §3.7: opcode NOTIFY, AA, question <apex> SOA IN, the zone's SOA in the answer
/// section (a hint of the new serial). Unsigned.
std::vector<uint8_t> buildNotify(uint16_t id, const Zone& zone);

enum class NotifyAnswer {
  kIgnore,    // not the answer to this notify (other id, not a response, garbage)
  kAcked,     // NOERROR (and, with a key, correctly signed)
  kRejected,  // an answer with an error rcode, or a bad signature
};

/// Classifies a datagram received after sending notify `id`. `verifier` is non-null when the
/// notify was signed; the answer must then verify against it.
NotifyAnswer classifyNotifyAnswer(std::span<const uint8_t> wire, uint16_t id,
                                  TsigVerifier* verifier, uint64_t unix_now);

/// Runs on one io_context thread; notify()/stop() from it. Metrics must outlive the notifier.
class Notifier {
 public:
  Notifier(boost::asio::io_context& ioc, const std::vector<Endpoint>& slaves,
           std::optional<TsigKey> key, DnsMetrics& metrics, NotifyRetryPolicy policy = {});
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  /// Announces `zone`'s serial to every slave, replacing retries still running for the same
  /// zone (other zones' retries go on).
  void notify(ZoneSharedPtr zone);
  void stop();

 private:
  // One announcement in flight per (zone apex, slave); a newer one bumps the generation.
  using TaskKey = std::pair<std::string, size_t>;
  struct Task {
    uint64_t generation = 0;
    std::shared_ptr<boost::asio::ip::udp::socket> socket;
  };
  boost::asio::awaitable<void> run(TaskKey key, uint64_t generation, ZoneSharedPtr zone);

  boost::asio::io_context& ioc_;
  std::vector<boost::asio::ip::udp::endpoint> slaves_;
  std::map<TaskKey, Task> tasks_;
  std::optional<TsigKey> key_;
  DnsMetrics& metrics_;
  NotifyRetryPolicy policy_;
  std::mt19937 ids_;
  bool stopped_ = false;
};

}  // namespace cirrus::dns
