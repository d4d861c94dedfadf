// The decisions of the steering zone source, as pure functions of time and zone content: when
// a burst of `cdn:cname:dirty` messages turns into one rebuild (debounce), whether a rebuilt
// zone replaces the served one, and which serial it gets (spec §7). No I/O, no clock reads.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "dns/zone.h"

namespace cirrus::dns {

struct DebounceOptions {
  /// A rebuild waits until no change was announced for this long...
  std::chrono::milliseconds quiet{100};
  /// ...but never longer than this after the first change of a burst, so a steady trickle of
  /// changes still reaches the secondaries (the contract is "answered within 2 s").
  std::chrono::milliseconds max_delay{500};
};

/// Collapses change notifications into rebuild deadlines. Time is always a parameter.
class Debouncer {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit Debouncer(DebounceOptions options = {}) : options_(options) {}

  /// A change was announced at `now`; returns the (possibly moved) rebuild deadline.
  TimePoint onDirty(TimePoint now);
  /// The pending rebuild deadline; nullopt when nothing is pending.
  std::optional<TimePoint> deadline() const;
  bool due(TimePoint now) const;
  /// The rebuild is starting: changes announced from now on need another one.
  void fired();

 private:
  DebounceOptions options_;
  std::optional<TimePoint> first_;
  TimePoint last_{};
};

enum class RebuildOutcome {
  kFirst,      // nothing was served yet
  kChanged,    // content differs from the served zone: new serial, journal entry, NOTIFY
  kUnchanged,  // same content: the served zone and its serial stay (no NOTIFY)
};

/// Compares everything but the serial (Zone::sameContent); `served` is null before the first
/// build.
RebuildOutcome classifyRebuild(const Zone* served, const Zone& built);

/// classifyRebuild() with both content hashes known (Zone::contentHash() walks the whole
/// zone): the source keeps the served zone's hash instead of recomputing it every rebuild.
RebuildOutcome classifyRebuild(const Zone* served, uint64_t served_hash, const Zone& built,
                               uint64_t built_hash);

/// The candidate handed to SerialStore::advance(): spec §7's max(previous + 1, unix time),
/// where previous is the served serial (the store adds its own stored serial to the max).
int64_t serialCandidate(std::optional<uint32_t> served, int64_t unix_now);

/// The serial the new zone gets from what SerialStore::advance() returned. Normally that value
/// (mod 2^32). If it would not be serial-greater than the served one (the key was reset or
/// wrapped), falls back to nextSerial(served, unix_now), so secondaries always accept it.
uint32_t chooseSerial(std::optional<uint32_t> served, int64_t stored, int64_t unix_now);

}  // namespace cirrus::dns
