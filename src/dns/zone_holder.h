// ZoneHolder: the zone being served, as an immutable snapshot swapped atomically, plus the
// IXFR journal of how it got there. The zone source publishes; the server's readers take a
// std::shared_ptr<const Zone> per message and never see a half-built zone.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "dns/journal.h"
#include "dns/zone.h"

namespace cirrus::dns {

using ZoneSharedPtr = std::shared_ptr<const Zone>;

/// Thread-safe: current() is lock-free for readers; publish() and ixfr() serialise on the
/// journal's mutex.
class ZoneHolder {
 public:
  explicit ZoneHolder(size_t journal_diffs = 64, size_t journal_records = 1'000'000)
      : journal_(journal_diffs, journal_records) {}

  /// The served zone; null until the first publish().
  ZoneSharedPtr current() const { return zone_.load(std::memory_order_acquire); }

  /// Replaces the served zone. When a zone was served before and the serial changed, the
  /// difference is appended to the journal (RFC 1995), so secondaries can transfer just that.
  /// Costs a walk of both zones: the zone source calls it off the serving thread.
  void publish(ZoneSharedPtr zone);

  struct Ixfr {
    ZoneSharedPtr zone;  // the zone the plan's views point into; keep it with the plan
    IxfrPlan plan;
  };
  /// The IXFR answer plan for a client at `client_serial`, against the zone served now.
  /// Precondition: current() is not null.
  Ixfr ixfr(uint32_t client_serial) const;

  size_t journalSize() const;

 private:
  std::atomic<ZoneSharedPtr> zone_;
  mutable std::mutex mu_;
  Journal journal_;
};

}  // namespace cirrus::dns
