// The memory tier: a byte-bounded store split into shards (a mutex and a hash map each) that
// evicts with S3-FIFO (Yang et al., SOSP '23): new objects enter a small FIFO (10% of the
// bytes); those read again while there move to the main FIFO, the others leave and are
// remembered in a ghost FIFO of key fingerprints, so a returning key goes straight to main.
// A one-pass scan over cold keys therefore only churns the small FIFO and cannot flush the
// hot set, which plain LRU does (see tests/unit/cache/memory_store_test.cc for the figures).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "cache/cache_store.h"

namespace cirrus::cache {

class MemoryStore final : public CacheStore {
 public:
  struct Options {
    size_t capacity_bytes = size_t{256} << 20;  // EDGE_CACHE_MEMORY
    size_t shards = 16;                         // power of two not required
    // Objects charging more are refused (kTooLarge); 0 = half of one shard's bytes.
    size_t max_object_bytes = 0;
    size_t max_variants = 16;     // per primary key; the oldest variant goes first
    double small_fraction = 0.1;  // S3-FIFO's small queue share of the bytes
  };

  explicit MemoryStore(Options options);
  ~MemoryStore() override;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  LookupResult lookup(const CacheKey& key, std::string_view key_text,
                      HeaderSpan request_fields) override;
  bool insert(CachedObjectSharedPtr object) override;
  size_t erase(const CacheKey& key) override;
  size_t purge(const PurgeSelector& selector, int64_t now) override;
  StoreStats stats() const override;

  size_t maxObjectBytes() const { return max_object_bytes_; }

 private:
  struct Node;
  struct Fifo {
    Node* head = nullptr;  // newest
    Node* tail = nullptr;  // oldest
    size_t bytes = 0;
    size_t count = 0;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<CacheKey, std::vector<std::unique_ptr<Node>>, CacheKeyHash> map;
    Fifo small;
    Fifo main;
    std::deque<uint64_t> ghost_order;
    std::unordered_map<uint64_t, uint32_t> ghost;  // fingerprint -> occurrences in ghost_order
    PurgeIndex purge_index;
    size_t bytes = 0;
  };

  Shard& shardFor(const CacheKey& key) { return *shards_[key.lo % shards_.size()]; }
  void removeNode(Shard& s, std::vector<std::unique_ptr<Node>>& variants, size_t index);
  void evictUntilWithinBound(Shard& s);
  bool evictFromSmall(Shard& s);
  bool evictFromMain(Shard& s);
  void rememberGhost(Shard& s, uint64_t fingerprint);
  bool takeGhost(Shard& s, uint64_t fingerprint);
  Node* findNode(Shard& s, const CacheKey& key, uint64_t variant);
  void removeRef(Shard& s, const EntryRef& ref);

  size_t shard_capacity_;
  size_t small_capacity_;
  size_t max_object_bytes_;
  size_t max_variants_;
  size_t capacity_;
  std::vector<std::unique_ptr<Shard>> shards_;

  std::atomic<uint64_t> bytes_{0};
  std::atomic<uint64_t> objects_{0};
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
  std::atomic<uint64_t> inserts_{0};
  std::atomic<uint64_t> evictions_{0};
  std::atomic<uint64_t> purged_{0};
  std::atomic<uint64_t> rejected_{0};
};

}  // namespace cirrus::cache
