#include "cache/tiered_store.h"

#include <algorithm>

namespace cirrus::cache {

TieredStore::TieredStore(std::unique_ptr<MemoryStore> memory, std::unique_ptr<DiskStore> disk)
    : memory_(std::move(memory)), disk_(std::move(disk)) {}

LookupResult TieredStore::lookup(const CacheKey& key, std::string_view key_text,
                                 HeaderSpan request_fields) {
  LookupResult r = memory_->lookup(key, key_text, request_fields);
  if (!r) {
    r = disk_->lookup(key, key_text, request_fields);
    // Promoted without its soft-purge mark, which memory cannot take on insert: a marked
    // object stays on disk only, so the mark is never lost.
    if (r && r.invalidated_at == 0) memory_->insert(r.object);
  }
  (r ? hits_ : misses_).fetch_add(1, std::memory_order_relaxed);
  return r;
}

bool TieredStore::insert(CachedObjectSharedPtr object) {
  bool in_memory = memory_->insert(object);
  bool on_disk = disk_->insert(std::move(object));
  return in_memory || on_disk;
}

size_t TieredStore::erase(const CacheKey& key) {
  return std::max(memory_->erase(key), disk_->erase(key));
}

size_t TieredStore::purge(const PurgeSelector& selector, int64_t now) {
  return std::max(memory_->purge(selector, now), disk_->purge(selector, now));
}

StoreStats TieredStore::stats() const {
  StoreStats st = memory_->stats();
  st.hits = hits_.load(std::memory_order_relaxed);
  st.misses = misses_.load(std::memory_order_relaxed);
  return st;
}

}  // namespace cirrus::cache
