// The outcome of the cache path for one request: a phase plus, when nothing was stored or the
// cache was skipped, a reason. One enum drives the Cache-Status header (RFC 9211), X-Cache, the
// access log field and the nginx_cache_status_total label, so they never disagree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus::cache {

enum class CachePhase {
  kBypass,       // the cache was not consulted (rule, cookie, method, cache disabled)
  kMiss,         // nothing usable stored; fetched from the origin
  kHit,          // served fresh from the cache
  kStale,        // served stale (stale-while-revalidate, stale-if-error, client max-stale)
  kRevalidated,  // stored response validated by the origin (304) and served
  kExpired,      // stored response was stale, the origin sent a new full response
};

/// Why a response was not stored, or why the cache was bypassed.
enum class NoCacheReason {
  kNone,
  kCacheDisabled,   // cache.enable false
  kRuleBypass,      // a domain rule with bypass: true
  kCookie,          // request Cookie with bypass_on_cookie
  kRequestNoCache,  // request Cache-Control/Pragma no-cache with bypass_on_cookie
  kMethod,          // not GET/HEAD (bypass), or a HEAD response (never stored)
  kRequestNoStore,  // request no-store (RFC 9111 §5.2.1.5)
  kOriginNoStore,   // response no-store
  kOriginPrivate,   // response private (shared cache, §5.2.2.7)
  kAuthorization,   // request Authorization without public/s-maxage/must-revalidate (§3.5)
  kStatus,          // status not cacheable by default and no explicit freshness
  kVaryStar,        // Vary: * can never be matched (§4.1)
  kSetCookie,       // response sets a cookie: never shared between clients (Cirrus policy)
  kTooLarge,        // larger than the store accepts
  kUpstreamError,   // origin failed or the body was cut short
  kPartialContent,  // 206 or Content-Range without slicing
};

std::string_view toString(CachePhase phase);  // "hit", "miss", ... (access log)
/// HIT | MISS | STALE | BYPASS | EXPIRED | REVALIDATED: the X-Cache value and metric label.
std::string_view xCacheValue(CachePhase phase);
std::string_view toString(NoCacheReason reason);  // "origin-no-store", ...

/// What the edge knows after serving a request, for Cache-Status.
struct CacheOutcome {
  CachePhase phase = CachePhase::kMiss;
  NoCacheReason reason = NoCacheReason::kNone;
  bool stored = false;                     // the response was written to the cache
  std::optional<int64_t> ttl;              // remaining freshness (negative: stale) when served
  std::optional<unsigned> forward_status;  // status the origin returned when forwarded
  bool variant_miss = false;               // primary key known, no matching Vary variant
};

/// RFC 9211 Cache-Status member for this cache, e.g. "cirrus; hit; ttl=42" or
/// "cirrus; fwd=uri-miss; fwd-status=200; stored". `cache_name` identifies this edge tier.
std::string formatCacheStatus(const CacheOutcome& outcome, std::string_view cache_name = "cirrus");

/// Appends the fields the edge adds to every response it serves through the cache path, in the
/// CachedObject::head form ("Name: value\r\n" each): Age when `age` is set (stored answers),
/// Cache-Status and X-Cache. The caller then adds its own fields and the blank line.
void appendCacheFields(std::string& head, std::optional<int64_t> age, const CacheOutcome& outcome,
                       std::string_view cache_name = "cirrus");

}  // namespace cirrus::cache
