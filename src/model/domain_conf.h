// DomainConf: one customer domain's configuration, exactly the JSON of spec §5 that the API
// stores and the edge reads. parseDomainConf() is the only way in from JSON: it fills the
// defaults below, normalises names, rejects unknown fields at every level (API bodies) and
// reports every error at once; toJson() writes the canonical form (every field present, defaults
// filled).
//
// Defaults (the values of the spec §5 example, so `{"domain", "origins": [{scheme, host}]}`
// expands to that example): enabled true; origin port 80/443 by scheme, sni = host (empty for
// an IP host: RFC 6066 §3 forbids IP literals in SNI, empty means "send none"), weight 1,
// verify_tls true; upstream_headers {}; cache.enable true, default_ttl 0, bypass_on_cookie
// true, rules [], slice {enable false, size 1 MiB}, query_string "include"; acme.enable true.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/field_error.h"
#include "model/object_reader.h"

namespace cirrus::model {

// Bounds beyond the spec's own, chosen to keep one domain's config small and its arithmetic
// safe; each is enforced with a FieldError.
inline constexpr size_t kMaxOrigins = 32;
inline constexpr int64_t kMaxOriginWeight = 1000;  // keeps smooth-WRR sums far from overflow
inline constexpr size_t kMaxUpstreamHeaders = 64;
inline constexpr size_t kMaxHeaderValueLength = 4096;
inline constexpr size_t kMaxCacheRules = 100;
inline constexpr size_t kMaxRulePatternLength = 1024;  // also bounds std::regex compile cost
inline constexpr int64_t kMaxTtlSeconds = 2147483647;  // now + ttl never overflows int64
// Slice sizes are powers of two so the block of an offset is a shift and blocks cached under
// one size stay aligned with any other size (64 KiB .. 64 MiB, 11 values).
inline constexpr int64_t kMinSliceSize = int64_t{64} * 1024;
inline constexpr int64_t kMaxSliceSize = int64_t{64} * 1024 * 1024;
inline constexpr int64_t kDefaultSliceSize = int64_t{1024} * 1024;

enum class OriginScheme { kHttp, kHttps };
enum class RuleMatch { kPrefix, kSuffix, kExact, kRegex };
enum class QueryStringMode { kInclude, kIgnore, kSorted };

std::string_view toString(OriginScheme scheme);   // "http" / "https"
std::string_view toString(RuleMatch match);       // "prefix" / "suffix" / "exact" / "regex"
std::string_view toString(QueryStringMode mode);  // "include" / "ignore" / "sorted"

struct Origin {
  OriginScheme scheme = OriginScheme::kHttps;
  std::string host;  // lower-case A-label name, or canonical IPv4/IPv6 text (no brackets)
  uint16_t port = 443;
  std::string sni;  // empty: send no SNI
  int64_t weight = 1;
  bool verify_tls = true;  // ignored for http origins, still round-tripped

  bool operator==(const Origin&) const = default;
};

/// First matching rule wins (spec §5). Exactly one of ttl / bypass is set.
struct CacheRule {
  RuleMatch match = RuleMatch::kPrefix;
  // prefix/exact: starts with "/"; regex: compiles as ECMAScript (std::regex) and its
  // counted repetitions ({n,m}) multiply to at most 10000. The edge should match regex rules
  // with a non-backtracking engine that accepts this subset; std::regex recurses per input
  // character and is too slow for the request path.
  std::string pattern;
  std::optional<int64_t> ttl;  // seconds, overrides origin freshness
  bool bypass = false;         // never cache

  bool operator==(const CacheRule&) const = default;
};

struct SliceConf {
  bool enable = false;
  int64_t size = kDefaultSliceSize;

  bool operator==(const SliceConf&) const = default;
};

struct CacheConf {
  bool enable = true;
  int64_t default_ttl = 0;  // applies when the origin gives no freshness; 0 = RFC 9111 only
  bool bypass_on_cookie = true;
  std::vector<CacheRule> rules;
  SliceConf slice;
  QueryStringMode query_string = QueryStringMode::kInclude;

  bool operator==(const CacheConf&) const = default;
};

struct AcmeConf {
  bool enable = true;

  bool operator==(const AcmeConf&) const = default;
};

struct DomainConf {
  std::string domain;  // lower-case A-label
  bool enabled = true;
  std::vector<Origin> origins;  // at least one
  // Names as configured (case kept), unique case-insensitively; added to origin requests.
  std::map<std::string, std::string> upstream_headers;
  CacheConf cache;
  AcmeConf acme;

  bool operator==(const DomainConf&) const = default;
};

/// Parses an API body (POST domains, PUT domains/{domain}). Never throws. path_domain: the
/// {domain} of PUT; when given, "domain" may be omitted from the body and, when present, must
/// name the same domain (compared after normalisation). unknown: kReject for API bodies.
Validated<DomainConf> parseDomainConf(const nlohmann::json& body, std::string_view path_domain = {},
                                      UnknownFields unknown = UnknownFields::kReject);

/// Parses the text of a stored `cdn:dom:{domain}` document, as the edge and DNS read it: a
/// JSON syntax error is one json_invalid error, and unknown members are ignored so that an
/// API newer than this reader can add fields without the domain going dark mid-upgrade.
/// Every other rule applies as for API bodies.
Validated<DomainConf> parseStoredDomainConf(std::string_view text);

/// The spec §5 document, every field present; optional rule fields only when set (`ttl`) or
/// true (`bypass`). parseDomainConf(toJson(c)).value == c for every valid c.
nlohmann::json toJson(const DomainConf& conf);

/// Every error of a DomainConf built in code (the same rules as parseDomainConf).
FieldErrors validate(const DomainConf& conf);

}  // namespace cirrus::model
