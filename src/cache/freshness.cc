#include "cache/freshness.h"

#include <algorithm>

namespace cirrus::cache {

namespace {

bool isStarVary(HeaderSpan response_fields) {
  bool star = false;
  forEachFieldMember(response_fields, "Vary", [&](std::string_view m) {
    if (m == "*") star = true;
  });
  return star;
}

// Adds without overflow: §1.2.2 asks for 2^31 on overflow; all our sums stay far below int64.
int64_t clampAdd(int64_t a, int64_t b) {
  return std::min<int64_t>(a + b, int64_t{1} << 40);
}

// Resolves a Location / Content-Location reference to a path on `host`, or "" when it names
// another authority (§4.4: a cache must not invalidate other origins' URIs on this basis).
std::string sameHostPath(std::string_view ref, std::string_view host, std::string_view target) {
  ref = trimOws(ref);
  if (ref.empty()) return {};
  size_t scheme_end = ref.find("://");
  if (scheme_end != std::string_view::npos && ref.find('/') > scheme_end) {
    std::string_view rest = ref.substr(scheme_end + 3);
    size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
      authority = authority.substr(0, colon);
    }
    if (!equalsIgnoreCase(authority, host)) return {};
    return slash == std::string_view::npos ? std::string("/") : std::string(rest.substr(slash));
  }
  if (ref.starts_with("//")) return {};  // network-path reference: another authority
  if (ref.front() == '/') return std::string(ref);
  // Relative path: resolve against the target's directory (RFC 3986 §5.2.3, no dot-segments).
  std::string_view dir = target.substr(0, target.find('?'));
  dir = dir.substr(0, dir.rfind('/') + 1);
  return std::string(dir) + std::string(ref);
}

}  // namespace

bool isHeuristicallyCacheable(unsigned status) {
  switch (status) {
    case 200:
    case 203:
    case 204:
    case 206:
    case 300:
    case 301:
    case 308:
    case 404:
    case 405:
    case 410:
    case 414:
    case 501:
      return true;
    default:
      return false;
  }
}

bool isUnderstoodStatus(unsigned status) {
  // The final status codes of RFC 9110 §15 (and 421, 422, 426 there); 206 only as slices,
  // which checkStorable() has already decided.
  return (status >= 200 && status <= 206) || (status >= 300 && status <= 308 && status != 306) ||
         (status >= 400 && status <= 417) || status == 421 || status == 422 || status == 426 ||
         (status >= 500 && status <= 505);
}

NoCacheReason checkStorable(const StorabilityInput& in) {
  // Directives the caller has not parsed already are read from the fields, so no caller can
  // skip them by omission.
  std::optional<CacheControl> parsed_rc, parsed_qc;
  if (!in.response_cc) parsed_rc = effectiveResponseCacheControl(in.response_fields);
  if (!in.request_cc) parsed_qc = requestCacheControl(in.request_fields);
  const CacheControl& rc = in.response_cc ? *in.response_cc : *parsed_rc;
  const CacheControl& qc = in.request_cc ? *in.request_cc : *parsed_qc;
  if (in.method != "GET") return NoCacheReason::kMethod;
  // §3: a final status the cache understands. 304 updates a stored response (§4.3.4) and is
  // never stored itself; 206 only as a slice block.
  if (in.status < 200 || in.status > 599 || in.status == 304) return NoCacheReason::kStatus;
  if (in.status == 206 && !in.allow_partial) return NoCacheReason::kPartialContent;
  if (in.status != 206 && hasField(in.response_fields, "Content-Range")) {
    return NoCacheReason::kPartialContent;
  }
  if (qc.no_store) return NoCacheReason::kRequestNoStore;
  // §5.2.2.3: must-understand limits storing to statuses whose caching rules we implement,
  // and for those it overrides the no-store sent alongside for older caches.
  if (rc.must_understand) {
    if (!isUnderstoodStatus(in.status)) return NoCacheReason::kStatus;
  } else if (rc.no_store) {
    return NoCacheReason::kOriginNoStore;
  }
  if (rc.is_private) return NoCacheReason::kOriginPrivate;
  // §3.5: a shared cache stores an answer to an authenticated request only when the response
  // says it is meant for sharing.
  if (hasField(in.request_fields, "Authorization") &&
      !(rc.must_revalidate || rc.is_public || rc.s_maxage)) {
    return NoCacheReason::kAuthorization;
  }
  if (isStarVary(in.response_fields)) return NoCacheReason::kVaryStar;
  if (hasField(in.response_fields, "Set-Cookie")) return NoCacheReason::kSetCookie;
  // §3 last bullet: explicit freshness, public, or a status cacheable by default.
  bool explicit_freshness =
      rc.max_age || rc.s_maxage || (!rc.targeted && hasField(in.response_fields, "Expires"));
  if (!explicit_freshness && !rc.is_public && !isHeuristicallyCacheable(in.status)) {
    return NoCacheReason::kStatus;
  }
  return NoCacheReason::kNone;
}

int64_t freshnessLifetime(const FreshnessInput& in) {
  static const CacheControl kNone;
  const CacheControl& cc = in.cc ? *in.cc : kNone;
  if (in.rule_ttl) return std::max<int64_t>(0, *in.rule_ttl);
  if (cc.invalid_freshness) return 0;
  // §5.2.2.10: s-maxage overrides max-age and Expires in a shared cache.
  if (cc.s_maxage) return *cc.s_maxage;
  if (cc.max_age) return *cc.max_age;
  // RFC 9213 §2.1: a cache using CDN-Cache-Control ignores Expires as well.
  if (in.has_expires && !cc.targeted) {
    // §5.3: an invalid Expires (e.g. "0") means already expired.
    if (!in.expires) return 0;
    int64_t base = in.date.value_or(in.response_time);
    return std::max<int64_t>(0, *in.expires - base);
  }
  bool heuristic_allowed = isHeuristicallyCacheable(in.status) || cc.is_public;
  if (!heuristic_allowed) return 0;
  if (in.default_ttl > 0) return in.default_ttl;
  if (in.last_modified) {
    int64_t base = in.date.value_or(in.response_time);
    int64_t since = base - *in.last_modified;
    if (since > 0) return std::min<int64_t>(since / 10, kHeuristicCapSeconds);
  }
  return 0;
}

int64_t currentAge(const ResponseTimes& t, int64_t now) {
  // §4.2.3, verbatim.
  int64_t apparent_age = std::max<int64_t>(0, t.response_time - t.date.value_or(t.response_time));
  int64_t response_delay = std::max<int64_t>(0, t.response_time - t.request_time);
  int64_t corrected_age_value = clampAdd(t.age_value, response_delay);
  int64_t corrected_initial_age = std::max(apparent_age, corrected_age_value);
  int64_t resident_time = std::max<int64_t>(0, now - t.response_time);
  return clampAdd(corrected_initial_age, resident_time);
}

int64_t parseAgeValue(HeaderSpan response_fields) {
  std::string_view v = trimOws(findField(response_fields, "Age"));
  if (v.empty()) return 0;
  int64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return 0;
    if (n < kDeltaSecondsMax) n = n * 10 + (c - '0');
  }
  return std::min(n, kDeltaSecondsMax);
}

StoredPolicy makeStoredPolicy(const CacheControl& cc, int64_t lifetime) {
  StoredPolicy p;
  p.lifetime = lifetime;
  p.stale_while_revalidate = cc.stale_while_revalidate.value_or(0);
  p.stale_if_error = cc.stale_if_error.value_or(0);
  p.no_cache = cc.no_cache;
  p.must_revalidate = cc.must_revalidate || cc.proxy_revalidate;
  p.shared_max_age = cc.s_maxage.has_value();
  p.immutable = cc.immutable;
  return p;
}

ReuseDecision decideReuse(const StoredPolicy& policy, const ResponseTimes& times,
                          int64_t invalidated_at, const CacheControl& request_cc, int64_t now) {
  ReuseDecision d;
  d.age = currentAge(times, now);
  d.ttl = policy.lifetime - d.age;
  if (invalidated_at > 0) d.ttl = std::min(d.ttl, invalidated_at - now);
  auto revalidate = [&] {
    d.action = request_cc.only_if_cached ? Reuse::kOnlyIfCachedFail : Reuse::kRevalidate;
    return d;
  };
  // §5.2.2.4 / §5.2.1.4: no-cache on either side means validate before use.
  if (policy.no_cache || request_cc.no_cache) return revalidate();
  bool fresh = d.ttl > 0;
  // §5.2.1.1: the client refuses anything older than its max-age, unless max-stale allows it
  // (handled with staleness below).
  bool too_old = request_cc.max_age && d.age > *request_cc.max_age;
  // §5.2.1.3: the client wants at least min-fresh seconds of freshness left.
  bool not_fresh_enough = request_cc.min_fresh && d.ttl < *request_cc.min_fresh;
  if (fresh && !too_old && !not_fresh_enough) {
    d.action = Reuse::kFresh;
    return d;
  }
  if (policy.must_revalidate) return revalidate();
  int64_t staleness = fresh ? 0 : -d.ttl;
  // §5.2.1.2: max-stale lets the client accept staleness, but not against s-maxage's implied
  // proxy-revalidate (§5.2.2.10).
  if (request_cc.max_stale && !policy.shared_max_age && !too_old && !not_fresh_enough &&
      staleness <= *request_cc.max_stale) {
    d.action = Reuse::kStale;
    return d;
  }
  // RFC 5861 §3: within the window the stale response is served while a background
  // revalidation runs. A client that asked for fresher content (max-age, min-fresh) waits.
  if (!fresh && !too_old && !not_fresh_enough && policy.stale_while_revalidate > 0 &&
      staleness <= policy.stale_while_revalidate) {
    d.action = Reuse::kStaleWhileRevalidate;
    return d;
  }
  return revalidate();
}

bool canServeStaleOnError(const StoredPolicy& policy, const ResponseTimes& times,
                          int64_t invalidated_at, const CacheControl& request_cc, int64_t now) {
  if (policy.must_revalidate) return false;
  int64_t ttl = policy.lifetime - currentAge(times, now);
  if (invalidated_at > 0) ttl = std::min(ttl, invalidated_at - now);
  int64_t staleness = std::max<int64_t>(0, -ttl);
  int64_t window = std::max(policy.stale_if_error, request_cc.stale_if_error.value_or(0));
  return staleness <= window && (window > 0 || ttl > 0);
}

bool isSafeMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "TRACE";
}

std::vector<std::string> invalidatedPaths(std::string_view method, unsigned status,
                                          std::string_view host, std::string_view target,
                                          HeaderSpan response_fields) {
  std::vector<std::string> out;
  if (isSafeMethod(method) || status < 200 || status > 399) return out;
  out.emplace_back(target);
  for (std::string_view name :
       {std::string_view("Location"), std::string_view("Content-Location")}) {
    if (!hasField(response_fields, name)) continue;
    std::string path = sameHostPath(findField(response_fields, name), host, target);
    if (!path.empty() && std::find(out.begin(), out.end(), path) == out.end()) {
      out.push_back(std::move(path));
    }
  }
  return out;
}

}  // namespace cirrus::cache
