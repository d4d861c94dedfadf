// Cache-Control (RFC 9111 §5.2) and CDN-Cache-Control (RFC 9213) as one value type. Parsing is
// tolerant (case, whitespace, quoted arguments) and records invalid freshness arguments rather
// than guessing, because RFC 9111 §4.2.1 prefers treating such responses as stale.
// CDN-Cache-Control, when present, replaces Cache-Control for this cache's own decisions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "cache/header_field.h"

namespace cirrus::cache {

/// RFC 9111 §1.2.2: a delta-seconds too large to represent is taken as 2^31.
inline constexpr int64_t kDeltaSecondsMax = 2147483648;

/// The directives of one Cache-Control (or CDN-Cache-Control) field set. Views point into
/// the parsed header values and live as long as they do.
struct CacheControl {
  // Response directives (RFC 9111 §5.2.2).
  std::optional<int64_t> max_age;  // also a request directive (§5.2.1.1)
  std::optional<int64_t> s_maxage;
  bool no_store = false;  // request and response
  // no-cache: `no_cache` is the unqualified form. The qualified form (no-cache="Set-Cookie")
  // lists fields in `no_cache_fields` and leaves `no_cache` false: the response may be reused
  // without those fields (§5.2.2.4).
  bool no_cache = false;
  std::string_view no_cache_fields;
  bool is_private = false;  // unqualified private: a shared cache must not store (§5.2.2.7)
  std::string_view private_fields;  // qualified private: store without these fields
  bool is_public = false;
  bool must_revalidate = false;
  bool proxy_revalidate = false;
  bool no_transform = false;
  bool immutable = false;  // RFC 8246
  bool must_understand = false;
  std::optional<int64_t> stale_while_revalidate;  // RFC 5861 §3
  std::optional<int64_t> stale_if_error;          // RFC 5861 §4, request and response
  // Request directives (RFC 9111 §5.2.1).
  std::optional<int64_t> max_stale;  // kDeltaSecondsMax for a bare "max-stale" (any staleness)
  std::optional<int64_t> min_fresh;
  bool only_if_cached = false;
  // RFC 9111 §4.2.1: an invalid (non-integer, negative) or conflicting duplicate max-age,
  // s-maxage or Expires makes the response stale; this flag carries that to freshness.
  bool invalid_freshness = false;
  // Any directive was seen (an empty field and an absent field differ for CDN-Cache-Control).
  bool present = false;
  // These directives came from CDN-Cache-Control: RFC 9213 §2.1 then ignores Expires too.
  bool targeted = false;
};

/// Parses every line of one field (e.g. all Cache-Control lines). Unknown directives are
/// ignored (§5.2.3); directive names are case-insensitive; arguments may be tokens or quoted.
CacheControl parseCacheControl(HeaderSpan fields, std::string_view field_name);

/// Parses a single field value (tests, and callers holding one combined line).
CacheControl parseCacheControlValue(std::string_view value);

/// The directives this cache obeys for freshness and storability: CDN-Cache-Control when the
/// response has it (RFC 9213 §2.1: a cache that uses it ignores Cache-Control), otherwise
/// Cache-Control. The field Cache-Control itself still goes downstream unchanged.
CacheControl effectiveResponseCacheControl(HeaderSpan response_fields);

/// Request Cache-Control; `Pragma: no-cache` counts as no-cache when the request has no
/// Cache-Control field (RFC 9111 §5.4).
CacheControl requestCacheControl(HeaderSpan request_fields);

/// Calls fn(field_name) for every field listed by qualified no-cache or private: those fields
/// are stripped before the response is stored.
template <class Fn>
void forEachQualifiedField(const CacheControl& cc, Fn&& fn) {
  forEachListMember(cc.no_cache_fields, fn);
  forEachListMember(cc.private_fields, fn);
}

}  // namespace cirrus::cache
