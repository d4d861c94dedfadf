// Memory in front of disk: a lookup tries the memory tier, then the disk tier, and copies a
// disk hit into memory (its soft-purge mark stays with the disk copy and is returned); inserts,
// erases and purges go to both. Without a disk tier (EDGE_CACHE_DIR empty) the edge uses the
// MemoryStore directly. Disk calls block: see disk_store.h.
#pragma once

#include <atomic>
#include <memory>

#include "cache/cache_store.h"
#include "cache/disk_store.h"
#include "cache/memory_store.h"

namespace cirrus::cache {

class TieredStore final : public CacheStore {
 public:
  TieredStore(std::unique_ptr<MemoryStore> memory, std::unique_ptr<DiskStore> disk);

  LookupResult lookup(const CacheKey& key, std::string_view key_text,
                      HeaderSpan request_fields) override;
  /// Stored in memory and on disk; true when either tier kept it.
  bool insert(CachedObjectSharedPtr object) override;
  size_t erase(const CacheKey& key) override;
  /// Returns the larger of the two tiers' counts (an object is usually in both).
  size_t purge(const PurgeSelector& selector, int64_t now) override;
  /// Memory tier counters, with hits/misses as seen by callers of this store (a disk hit is
  /// a hit) and bytes/objects/capacity of the memory tier.
  StoreStats stats() const override;

  const MemoryStore& memory() const { return *memory_; }
  const DiskStore& disk() const { return *disk_; }

 private:
  std::unique_ptr<MemoryStore> memory_;
  std::unique_ptr<DiskStore> disk_;
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
};

}  // namespace cirrus::cache
