// RFC 9111 policy as pure functions over header views and times (unix seconds, always passed
// in): may a response be stored (§3), how long is it fresh (§4.2.1, §4.2.2), how old is it
// (§4.2.3), may a stored response answer this request fresh, stale or only after validation
// (§4.2.4, §5.2.1, RFC 5861), and which URIs an unsafe request invalidates (§4.4).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cache/cache_control.h"
#include "cache/cache_status.h"
#include "cache/header_field.h"

namespace cirrus::cache {

/// Heuristic freshness (§4.2.2) is 10% of the time since Last-Modified, at most this long
/// (Traffic Server's default maximum).
inline constexpr int64_t kHeuristicCapSeconds = 86400;

/// RFC 9111 §4.2.2 with RFC 9110 §15.1: statuses cacheable by default (heuristically).
bool isHeuristicallyCacheable(unsigned status);

/// Status codes whose caching requirements this cache implements (RFC 9111 §5.2.2.3).
bool isUnderstoodStatus(unsigned status);

struct StorabilityInput {
  std::string_view method;  // of the request that produced the response
  unsigned status = 0;
  HeaderSpan request_fields;
  HeaderSpan response_fields;
  // Already parsed directives, when the caller has them; null: parsed here from the fields
  // (effectiveResponseCacheControl / requestCacheControl).
  const CacheControl* response_cc = nullptr;
  const CacheControl* request_cc = nullptr;
  bool allow_partial = false;  // slicing on: 206 block responses are storable
};

/// kNone when the response may be stored (§3), else the first reason it may not. Only GET
/// responses are stored (a HEAD is answered from the GET entry). Cirrus policy beyond the RFC:
/// a response with Set-Cookie is never stored, so one client's cookie never reaches another.
NoCacheReason checkStorable(const StorabilityInput& in);

/// Inputs of the freshness lifetime, extracted from a response.
struct FreshnessInput {
  const CacheControl* cc = nullptr;  // effective response directives
  unsigned status = 0;
  std::optional<int64_t> date;           // Date, when valid
  bool has_expires = false;              // an Expires field was present
  std::optional<int64_t> expires;        // its value, when valid (invalid = already expired)
  std::optional<int64_t> last_modified;  // Last-Modified, when valid
  int64_t response_time = 0;             // stands in for a missing Date
  std::optional<int64_t> rule_ttl;       // a matching domain rule's ttl (spec §5)
  int64_t default_ttl = 0;               // domain cache.default_ttl (0: RFC rules only)
};

/// Freshness lifetime in seconds, by precedence: a domain rule's ttl (spec §5: it overrides
/// origin freshness); an invalid or conflicting freshness directive → 0 (§4.2.1); s-maxage;
/// max-age; Expires − Date; domain default_ttl when > 0 (spec §5: "0 = RFC 9111 rules only", so
/// a set default replaces the heuristic); 10% of Date − Last-Modified capped at
/// kHeuristicCapSeconds for heuristically cacheable statuses; else 0.
int64_t freshnessLifetime(const FreshnessInput& in);

/// The times of §4.2.3 for one stored response.
struct ResponseTimes {
  int64_t request_time = 0;   // the request to the origin was sent
  int64_t response_time = 0;  // the response head was received
  std::optional<int64_t> date;
  int64_t age_value = 0;  // Age field of the response (0 when absent or invalid)
};

/// current_age of §4.2.3 at `now`, never negative.
int64_t currentAge(const ResponseTimes& t, int64_t now);
/// The Age field value of a response: 1*DIGIT, saturating; 0 when absent or invalid.
int64_t parseAgeValue(HeaderSpan response_fields);

/// What a stored response allows, kept with it (a compact form of its CacheControl).
struct StoredPolicy {
  int64_t lifetime = 0;
  int64_t stale_while_revalidate = 0;
  int64_t stale_if_error = 0;
  bool no_cache = false;         // unqualified no-cache: validate before every reuse
  bool must_revalidate = false;  // must-revalidate / proxy-revalidate: never serve stale
  bool shared_max_age = false;   // s-maxage present: implies proxy-revalidate for max-stale
  bool immutable = false;

  bool operator==(const StoredPolicy&) const = default;
};

StoredPolicy makeStoredPolicy(const CacheControl& response_cc, int64_t lifetime);

enum class Reuse {
  kFresh,                 // serve it (HIT)
  kStale,                 // serve it stale: the client's max-stale accepts it (STALE)
  kStaleWhileRevalidate,  // serve it stale and revalidate in the background (STALE)
  kRevalidate,            // send a conditional request first
  kOnlyIfCachedFail,      // only-if-cached and nothing servable: answer 504 (§5.2.1.7)
};

struct ReuseDecision {
  Reuse action = Reuse::kRevalidate;
  int64_t age = 0;  // the Age to send
  int64_t ttl = 0;  // lifetime − age, after soft purge; ≤ 0 means stale
};

/// May the stored response answer a request with directives `request_cc` at `now`?
/// invalidated_at: time of a soft purge (0: none); the response is stale from then on.
/// Stale serving: the origin's stale-while-revalidate is honoured even with s-maxage (the
/// common `s-maxage=1, stale-while-revalidate=59` idiom opts in explicitly); must-revalidate
/// and proxy-revalidate forbid any stale use; the client's max-stale is refused when the
/// response has must-revalidate, proxy-revalidate or s-maxage (§5.2.2.10).
ReuseDecision decideReuse(const StoredPolicy& policy, const ResponseTimes& times,
                          int64_t invalidated_at, const CacheControl& request_cc, int64_t now);

/// After the origin failed (5xx or unreachable): may the stale response be served instead?
/// RFC 5861 §4: within the response's or the request's stale-if-error window, unless
/// must-revalidate / proxy-revalidate.
bool canServeStaleOnError(const StoredPolicy& policy, const ResponseTimes& times,
                          int64_t invalidated_at, const CacheControl& request_cc, int64_t now);

/// RFC 9110 §9.2.1 safe methods: GET, HEAD, OPTIONS, TRACE.
bool isSafeMethod(std::string_view method);

/// RFC 9111 §4.4: the paths (with query) on `host` that an unsafe request invalidates when the
/// response status is 2xx or 3xx: the target, plus Location and Content-Location when they
/// name the same host (relative references resolve against the target). Empty otherwise.
std::vector<std::string> invalidatedPaths(std::string_view method, unsigned status,
                                          std::string_view host, std::string_view target,
                                          HeaderSpan response_fields);

}  // namespace cirrus::cache
