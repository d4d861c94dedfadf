#include "dns/rebuild_policy.h"

#include <algorithm>

#include "dns/serial.h"

namespace cirrus::dns {

Debouncer::TimePoint Debouncer::onDirty(TimePoint now) {
  if (!first_) first_ = now;
  last_ = now;
  return *deadline();
}

std::optional<Debouncer::TimePoint> Debouncer::deadline() const {
  if (!first_) return std::nullopt;
  return std::min(last_ + options_.quiet, *first_ + options_.max_delay);
}

bool Debouncer::due(TimePoint now) const {
  auto d = deadline();
  return d && now >= *d;
}

void Debouncer::fired() {
  first_.reset();
}

RebuildOutcome classifyRebuild(const Zone* served, const Zone& built) {
  if (served == nullptr) return RebuildOutcome::kFirst;
  return classifyRebuild(served, served->contentHash(), built, built.contentHash());
}

RebuildOutcome classifyRebuild(const Zone* served, uint64_t served_hash, const Zone& built,
                               uint64_t built_hash) {
  if (served == nullptr) return RebuildOutcome::kFirst;
  if (served_hash == built_hash && served->sameContent(built)) return RebuildOutcome::kUnchanged;
  return RebuildOutcome::kChanged;
}

int64_t serialCandidate(std::optional<uint32_t> served, int64_t unix_now) {
  if (!served) return unix_now;
  return static_cast<int64_t>(nextSerial(*served, unix_now));
}

uint32_t chooseSerial(std::optional<uint32_t> served, int64_t stored, int64_t unix_now) {
  auto serial = static_cast<uint32_t>(static_cast<uint64_t>(stored));
  if (served && !serialLess(*served, serial)) return nextSerial(*served, unix_now);
  return serial;
}

}  // namespace cirrus::dns
