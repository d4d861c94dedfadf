// The optional disk tier (EDGE_CACHE_DIR, bounded by EDGE_CACHE_DISK): one file per object
// variant (disk_object_codec.h), written to a temp file and renamed into place, so a reader
// never sees half an object and a crash leaves at worst a temp file. The index lives in memory
// and is rebuilt at start by reading every file's prelude, so objects survive restarts.
// Eviction is CLOCK (FIFO with a second chance for objects read since their last pass).
// Calls do blocking file I/O: the edge runs them off its event loops. One process owns the
// directory; during a graceful restart two may share it, and a file the other one removed is
// simply a miss.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "cache/cache_store.h"
#include "core/result.h"

namespace cirrus::cache {

class DiskStore final : public CacheStore {
 public:
  struct Options {
    std::filesystem::path directory;
    size_t capacity_bytes = size_t{10} << 30;  // EDGE_CACHE_DISK
    size_t max_object_bytes = 0;               // 0 = min(capacity / 8, 64 MiB)
    size_t max_variants = 16;
  };

  /// Creates the directory when missing, deletes leftover temp files and unreadable objects,
  /// and indexes the rest (oldest file first in the eviction order). Errors: internalError
  /// when the directory cannot be created or listed.
  static Result<std::unique_ptr<DiskStore>> open(Options options);

  ~DiskStore() override;
  DiskStore(const DiskStore&) = delete;
  DiskStore& operator=(const DiskStore&) = delete;

  LookupResult lookup(const CacheKey& key, std::string_view key_text,
                      HeaderSpan request_fields) override;
  bool insert(CachedObjectSharedPtr object) override;
  size_t erase(const CacheKey& key) override;
  size_t purge(const PurgeSelector& selector, int64_t now) override;
  StoreStats stats() const override;

 private:
  explicit DiskStore(Options options);

  struct Entry {
    CachedObjectSharedPtr meta;  // the object without its body
    uint64_t file_bytes = 0;
    uint64_t seq = 0;  // position in clock_
    bool visited = false;
    int64_t invalidated_at = 0;  // soft purge, persisted in a ".soft" marker file
  };

  std::filesystem::path objectPath(const CacheKey& key, uint64_t variant) const;
  Result<void> scan();
  void removeStaleTempFiles();
  std::filesystem::path tempPath();
  void index(Entry entry);                               // mu_ held
  void removeAt(std::vector<Entry>& entries, size_t i);  // mu_ held; deletes the files
  void removeRef(const EntryRef& ref);                   // mu_ held
  void evictUntilWithinBound();                          // mu_ held

  Options options_;
  mutable std::mutex mu_;
  std::unordered_map<CacheKey, std::vector<Entry>, CacheKeyHash> map_;
  std::map<uint64_t, EntryRef> clock_;  // seq → entry, oldest first
  PurgeIndex purge_index_;
  uint64_t next_seq_ = 1;
  uint64_t bytes_ = 0;
  uint64_t objects_ = 0;
  std::atomic<uint64_t> temp_counter_{0};

  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
  std::atomic<uint64_t> inserts_{0};
  std::atomic<uint64_t> evictions_{0};
  std::atomic<uint64_t> purged_{0};
  std::atomic<uint64_t> rejected_{0};
};

}  // namespace cirrus::cache
