#include "dns/zone_holder.h"

#include <optional>

namespace cirrus::dns {

void ZoneHolder::publish(ZoneSharedPtr zone) {
  // The difference walks both zones (~10^5 names): it is computed outside the lock, so that
  // ixfr() is not held up meanwhile, and redone in the rare case that another publish() won
  // the race.
  ZoneSharedPtr old = zone_.load(std::memory_order_acquire);
  while (true) {
    std::optional<ZoneDiff> diff;
    if (old && old->serial() != zone->serial()) diff = diffZones(*old, *zone);
    std::lock_guard lock(mu_);
    ZoneSharedPtr now = zone_.load(std::memory_order_acquire);
    if (now != old) {
      old = std::move(now);
      continue;
    }
    if (diff) journal_.append(std::move(*diff));
    zone_.store(std::move(zone), std::memory_order_release);
    return;
  }
}

ZoneHolder::Ixfr ZoneHolder::ixfr(uint32_t client_serial) const {
  std::lock_guard lock(mu_);
  Ixfr out;
  out.zone = zone_.load(std::memory_order_acquire);
  out.plan = journal_.ixfrResponse(client_serial, *out.zone);
  return out;
}

size_t ZoneHolder::journalSize() const {
  std::lock_guard lock(mu_);
  return journal_.size();
}

}  // namespace cirrus::dns
