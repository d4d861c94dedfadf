// The edge's cache state shared by every worker (spec §11): the memory tier (short critical
// sections, called on the workers), the optional disk tier (blocking file I/O, run on a small
// thread pool and never on a worker's loop), the in-flight fetches that collapse concurrent
// misses of one key into one origin request, and the cache metrics.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "cache/cache_store.h"
#include "cache/disk_store.h"
#include "cache/memory_store.h"
#include "core/metrics_registry.h"
#include "core/result.h"

namespace cirrus::edge {

struct EdgeCacheOptions {
  size_t memory_bytes = size_t{256} << 20;  // EDGE_CACHE_MEMORY
  std::string disk_dir;                     // EDGE_CACHE_DIR; empty: no disk tier
  size_t disk_bytes = size_t{10} << 30;     // EDGE_CACHE_DISK
  // A waiter of a collapsed miss gives up after this long and fetches on its own.
  std::chrono::milliseconds collapse_timeout{3000};
  size_t disk_threads = 2;
};

/// One origin fetch that other requests for the same key wait for. Thread-safe.
class Flight {
 public:
  /// Registers `wake` to run (on any thread) when the fetch ends; false when it already ended.
  bool addWaiter(std::function<void()> wake);
  /// Ends the flight: runs every waker once.
  void finish();

 private:
  std::mutex mu_;
  bool done_ = false;
  std::vector<std::function<void()>> wakers_;
};

using FlightPtr = std::shared_ptr<Flight>;

class EdgeCache {
 public:
  /// Opens the disk tier when configured (internalError when its directory is unusable).
  static Result<std::unique_ptr<EdgeCache>> create(const EdgeCacheOptions& options,
                                                   metrics::Registry& registry);
  ~EdgeCache();
  EdgeCache(const EdgeCache&) = delete;
  EdgeCache& operator=(const EdgeCache&) = delete;

  /// Memory tier, then (off the caller's loop) the disk tier; a disk hit is copied into memory.
  /// `request_fields` must stay valid until the awaitable completes.
  boost::asio::awaitable<cache::LookupResult> lookup(const cache::CacheKey& key,
                                                     std::string_view key_text,
                                                     cache::HeaderSpan request_fields);
  /// The memory tier alone: no suspension, no allocation (the hit path).
  cache::LookupResult lookupMemory(const cache::CacheKey& key, std::string_view key_text,
                                   cache::HeaderSpan request_fields) {
    return memory_->lookup(key, key_text, request_fields);
  }
  /// Memory now; the disk copy is written on the pool.
  void insert(cache::CachedObjectSharedPtr object);
  /// Both tiers; the disk part runs on the pool. Returns what the memory tier selected.
  size_t purge(const cache::PurgeSelector& selector, int64_t now);

  bool hasDisk() const { return disk_ != nullptr; }
  size_t maxObjectBytes() const { return memory_->maxObjectBytes(); }
  const EdgeCacheOptions& options() const { return options_; }

  /// Joins the fetch of `key_text`: leader=true when this caller must fetch (and call
  /// endFlight), else the returned flight is someone else's to wait for.
  FlightPtr joinFlight(std::string_view key_text, bool& leader);
  void endFlight(std::string_view key_text, const FlightPtr& flight);

  // Counters the edge bumps (cirrus_cache_*).
  metrics::Counter& collapsed;          // requests that waited for another's fetch
  metrics::Counter& collapse_timeouts;  // waiters that gave up and fetched themselves
  metrics::Counter& background_refreshes;
  metrics::Counter& purges_applied;
  metrics::Counter& purged_objects;
  metrics::Histogram& purge_lag;
  std::atomic<int64_t> last_purge_lag_ms{0};

 private:
  EdgeCache(const EdgeCacheOptions& options, metrics::Registry& registry,
            std::unique_ptr<cache::MemoryStore> memory, std::unique_ptr<cache::DiskStore> disk);

  EdgeCacheOptions options_;
  std::unique_ptr<cache::MemoryStore> memory_;
  std::unique_ptr<cache::DiskStore> disk_;
  std::unique_ptr<boost::asio::thread_pool> pool_;  // disk I/O only
  std::mutex flights_mu_;
  std::unordered_map<std::string, FlightPtr> flights_;
};

}  // namespace cirrus::edge
