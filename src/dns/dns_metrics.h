// The cirrus_dns_* metrics of `cirrus dns` (spec §12): queries by type and response code,
// zone transfers, NOTIFY traffic and the state of the served zone. Registered once at start-up;
// the hot path (countQuery) looks children up in a small array, not in the registry's map.
#pragma once

#include <array>
#include <string_view>

#include "core/metrics_registry.h"
#include "dnswire/rr_type.h"

namespace cirrus::dns {

/// Threading: countQuery() is for the one thread running the DNS io_context; every other
/// member is thread-safe through the registry.
class DnsMetrics {
 public:
  explicit DnsMetrics(metrics::Registry& registry);

  /// One answered (or dropped-with-FORMERR) message. qtype labels are the common mnemonics or
  /// "other", so the label set stays bounded whatever clients send.
  void countQuery(dnswire::RRType qtype, dnswire::Rcode rcode);
  /// A message that got no answer at all (unparsable without a header, or a response).
  void countDropped() { dropped_.inc(); }

  /// type: "axfr" | "ixfr"; result: "ok", "full" (IXFR answered with the whole zone),
  /// "refused", "notauth", "failed" (the connection broke or a record did not fit).
  void countTransfer(std::string_view type, std::string_view result);

  metrics::Counter& notifies_sent;
  metrics::Counter& notify_acks;
  metrics::Counter& notify_failures;  // a slave that never acknowledged within the attempts
  metrics::Gauge& zone_serial;
  metrics::Gauge& zone_records;
  metrics::Gauge& zone_domains;
  metrics::Gauge& tcp_connections;
  metrics::Histogram& build_seconds;
  metrics::Family<metrics::Counter>& rebuilds;  // result: changed | unchanged | failed

 private:
  static constexpr size_t kTypeSlots = 12;
  static constexpr size_t kRcodeSlots = 24;
  static size_t typeSlot(dnswire::RRType type);

  metrics::Family<metrics::Counter>& queries_;
  metrics::Family<metrics::Counter>& transfers_;
  metrics::Counter& dropped_;
  std::array<std::array<metrics::Counter*, kRcodeSlots>, kTypeSlots> cache_{};
};

}  // namespace cirrus::dns
