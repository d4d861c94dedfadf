#include "dns/zone_holder.h"

namespace cirrus::dns {

void ZoneHolder::publish(ZoneSharedPtr zone) {
  std::lock_guard lock(mu_);
  ZoneSharedPtr old = zone_.load(std::memory_order_acquire);
  if (old && old->serial() != zone->serial()) journal_.append(diffZones(*old, *zone));
  zone_.store(std::move(zone), std::memory_order_release);
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
