// Purge matching (spec §6): which stored objects a purge message selects. Each store keeps a
// PurgeIndex per shard, updated on every insert, replacement and eviction: per domain, an
// ordered set of (path, entry) for exact and prefix purges and a tag map for Surrogate-Key /
// Cache-Tag purges, so a purge costs O(log n + matches), never a scan of the whole cache.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "cache/cache_key.h"
#include "model/domain_conf.h"
#include "model/purge.h"

namespace cirrus::cache {

struct CachedObject;

/// One stored variant: primary key id plus secondary key.
struct EntryRef {
  CacheKey key;
  uint64_t variant = 0;

  bool operator==(const EntryRef&) const = default;
  auto operator<=>(const EntryRef& o) const {
    return std::tie(key.hi, key.lo, variant) <=> std::tie(o.key.hi, o.key.lo, o.variant);
  }
};

struct EntryRefHash {
  size_t operator()(const EntryRef& r) const {
    return static_cast<size_t>(r.key.lo ^ (r.variant * 0x9e3779b97f4a7c15ULL));
  }
};

enum class PurgeScope {
  kExactPath,  // every variant and slice block of one canonical path (query included)
  kPrefix,     // paths starting with a prefix ("/img/*")
  kDomain,     // everything of the domain ("*")
  kTag,        // objects whose response carried the tag
};

struct PurgeSelector {
  std::string domain;
  PurgeScope scope = PurgeScope::kExactPath;
  std::string value;  // path, prefix (without '*') or tag; empty for kDomain
  bool soft = false;  // mark stale (servable under stale-while-revalidate) instead of removing

  bool operator==(const PurgeSelector&) const = default;
};

/// Spec §6: path "*" is the whole domain, a trailing "*" a prefix purge, otherwise an exact
/// path, which includes its query (model/purge.h) and is put in the domain's query_string form
/// (canonicalTarget) so it names what the cache key holds; a tag purge when `tag` is set. Both
/// schemes (http and https objects) of the domain are selected.
PurgeSelector makePurgeSelector(const model::PurgeMessage& message, model::QueryStringMode mode);

class PurgeIndex {
 public:
  /// Registers a stored object. Prereq: not already registered under the same EntryRef.
  void add(const CachedObject& object);
  /// Unregisters it (the same object, or one with equal domain, path, tags and ref).
  void remove(const CachedObject& object);
  /// Appends the refs `selector` names to `out`.
  void collect(const PurgeSelector& selector, std::vector<EntryRef>& out) const;
  size_t size() const { return size_; }

 private:
  struct DomainIndex {
    std::set<std::pair<std::string, EntryRef>> by_path;
    std::unordered_map<std::string, std::unordered_set<EntryRef, EntryRefHash>> by_tag;
  };
  std::unordered_map<std::string, DomainIndex> domains_;
  size_t size_ = 0;
};

}  // namespace cirrus::cache
