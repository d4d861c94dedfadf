// The cache storage tier seam (style anchor rule 4): the memory store and the disk store
// implement it, and one conformance suite (tests/unit/cache/cache_store_test.cc) runs against
// both. A store holds immutable objects by primary key and Vary variant, bounds its bytes,
// keeps the purge indexes and counts what the edge exports as metrics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cache/cache_key.h"
#include "cache/cached_object.h"
#include "cache/header_field.h"
#include "cache/purge_index.h"

namespace cirrus::cache {

struct LookupResult {
  CachedObjectSharedPtr object;  // null on a miss
  int64_t invalidated_at = 0;    // soft-purge time (unix s), 0 when not soft-purged
  bool variant_miss = false;     // the key is stored, but no variant matches the request

  explicit operator bool() const { return object != nullptr; }
};

/// A snapshot of a store's counters.
struct StoreStats {
  uint64_t bytes = 0;
  uint64_t objects = 0;
  uint64_t capacity_bytes = 0;
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t inserts = 0;
  uint64_t evictions = 0;
  uint64_t purged = 0;    // objects removed or marked by purges
  uint64_t rejected = 0;  // inserts refused (too large)
};

class CacheStore {
 public:
  virtual ~CacheStore() = default;

  /// The variant of `key` that answers a request with `request_fields` (its Vary fields
  /// compared through secondaryKey()), or a miss. `key_text` guards against id collisions.
  /// Counts a hit or a miss and records the access for eviction. Thread-safe.
  virtual LookupResult lookup(const CacheKey& key, std::string_view key_text,
                              HeaderSpan request_fields) = 0;

  /// Stores `object`, replacing the same (key, variant). Variants whose Vary list differs from
  /// the new object's are dropped: the origin changed what the resource varies on. Returns
  /// false when the object is larger than the store accepts; a stored copy of the same (key,
  /// variant) is then removed, as it is outdated. May evict others. Thread-safe.
  virtual bool insert(CachedObjectSharedPtr object) = 0;

  /// Removes every variant of `key`; returns how many were removed.
  virtual size_t erase(const CacheKey& key) = 0;

  /// Applies a purge at `now`: removes the selected objects, or marks them soft-purged.
  /// Returns how many objects it selected.
  virtual size_t purge(const PurgeSelector& selector, int64_t now) = 0;

  virtual StoreStats stats() const = 0;
};

}  // namespace cirrus::cache
