// Cache keys (spec §11). The primary key is the canonical text scheme://host/path?query, the
// query shaped by the domain's query_string mode, plus the slice block when slicing; its
// 128-bit XXH3 hash is the index id. The secondary key selects a Vary variant: a 64-bit hash
// of the request's values of the response's Vary fields (RFC 9111 §4.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cache/header_field.h"
#include "model/domain_conf.h"

namespace cirrus::cache {

/// 128-bit key id. Two different texts share an id with probability ~2^-128; stores still
/// compare the text on lookup so a collision is a miss, never a wrong response.
struct CacheKey {
  uint64_t hi = 0;
  uint64_t lo = 0;

  bool operator==(const CacheKey&) const = default;
};

struct CacheKeyHash {
  size_t operator()(const CacheKey& k) const { return static_cast<size_t>(k.lo ^ (k.hi >> 7)); }
};

CacheKey hashKeyText(std::string_view text);
/// 32 lower-case hex digits (disk file names, logs).
std::string toHex(const CacheKey& key);

/// path + query as the key sees it: kInclude keeps the query byte for byte, kIgnore drops it,
/// kSorted orders the parameters by name, stably (a=2&a=1 keeps its order: repeated names are
/// often order-sensitive) and drops empty ones. A fragment is never part of a target.
/// This is also the form purge paths are matched against.
std::string canonicalTarget(std::string_view target, model::QueryStringMode mode);
/// canonicalTarget() appended to `out`: no allocation beyond `out`'s growth, except for the
/// parameter list of kSorted queries longer than 32 parameters.
void appendCanonicalTarget(std::string& out, std::string_view target, model::QueryStringMode mode);

struct PrimaryKey {
  std::string text;
  CacheKey id;
};

/// Slice block of a key: blocks of different slice sizes never share a key.
struct SliceBlock {
  int64_t size = 0;
  int64_t index = 0;
};

/// scheme://host<canonical target>[#slice=<size>:<index>]. Prereq: host is the routed,
/// lower-case domain (port stripped); scheme is "http" or "https".
PrimaryKey makePrimaryKey(std::string_view scheme, std::string_view host, std::string_view target,
                          model::QueryStringMode mode,
                          std::optional<SliceBlock> block = std::nullopt);
/// makePrimaryKey() into a caller-owned key whose text buffer is reused (per-connection
/// scratch on the hit path).
void makePrimaryKeyInto(PrimaryKey& key, std::string_view scheme, std::string_view host,
                        std::string_view target, model::QueryStringMode mode,
                        std::optional<SliceBlock> block = std::nullopt);

/// The response's Vary field names, lower-cased, sorted and unique; `star` for Vary: *.
struct VaryFields {
  std::vector<std::string> names;
  bool star = false;

  bool operator==(const VaryFields&) const = default;
};

VaryFields parseVary(HeaderSpan response_fields);

/// Secondary key of a request for a response varying on `names` (from parseVary): 0 when
/// `names` is empty. Each field's lines are combined and its list members trimmed, so
/// "gzip,br" and "gzip, br" select the same variant; an absent field differs from an empty
/// one (§4.1). Values compare case-sensitively. No allocation.
uint64_t secondaryKey(const std::vector<std::string>& names, HeaderSpan request_fields);

}  // namespace cirrus::cache
