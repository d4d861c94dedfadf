#include "cache/cache_status.h"

#include <charconv>

namespace cirrus::cache {

std::string_view toString(CachePhase phase) {
  switch (phase) {
    case CachePhase::kBypass:
      return "bypass";
    case CachePhase::kMiss:
      return "miss";
    case CachePhase::kHit:
      return "hit";
    case CachePhase::kStale:
      return "stale";
    case CachePhase::kRevalidated:
      return "revalidated";
    case CachePhase::kExpired:
      return "expired";
  }
  return "miss";
}

std::string_view xCacheValue(CachePhase phase) {
  switch (phase) {
    case CachePhase::kBypass:
      return "BYPASS";
    case CachePhase::kMiss:
      return "MISS";
    case CachePhase::kHit:
      return "HIT";
    case CachePhase::kStale:
      return "STALE";
    case CachePhase::kRevalidated:
      return "REVALIDATED";
    case CachePhase::kExpired:
      return "EXPIRED";
  }
  return "MISS";
}

std::string_view toString(NoCacheReason reason) {
  switch (reason) {
    case NoCacheReason::kNone:
      return "none";
    case NoCacheReason::kCacheDisabled:
      return "cache-disabled";
    case NoCacheReason::kRuleBypass:
      return "rule-bypass";
    case NoCacheReason::kCookie:
      return "cookie";
    case NoCacheReason::kRequestNoCache:
      return "request-no-cache";
    case NoCacheReason::kMethod:
      return "method";
    case NoCacheReason::kRequestNoStore:
      return "request-no-store";
    case NoCacheReason::kOriginNoStore:
      return "origin-no-store";
    case NoCacheReason::kOriginPrivate:
      return "origin-private";
    case NoCacheReason::kAuthorization:
      return "authorization";
    case NoCacheReason::kStatus:
      return "status";
    case NoCacheReason::kVaryStar:
      return "vary-star";
    case NoCacheReason::kSetCookie:
      return "set-cookie";
    case NoCacheReason::kTooLarge:
      return "too-large";
    case NoCacheReason::kUpstreamError:
      return "upstream-error";
    case NoCacheReason::kPartialContent:
      return "partial-content";
  }
  return "none";
}

namespace {

// std::to_chars into the output: fmt's back_inserter path costs ~10x more on the hit path.
void appendNumber(std::string& out, int64_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

void appendCacheStatus(std::string& out, const CacheOutcome& o, std::string_view cache_name) {
  out.append(cache_name);
  // RFC 9211 §2: "hit" when served without going forward; otherwise fwd= says why it went.
  switch (o.phase) {
    case CachePhase::kHit:
    case CachePhase::kStale:
      out += "; hit";
      break;
    case CachePhase::kBypass:
      // §2.2: "request" when the request's own directives caused it, "bypass" otherwise.
      out += o.reason == NoCacheReason::kRequestNoCache ? "; fwd=request" : "; fwd=bypass";
      break;
    case CachePhase::kMiss:
      out += o.variant_miss ? "; fwd=vary-miss" : "; fwd=uri-miss";
      break;
    case CachePhase::kRevalidated:
    case CachePhase::kExpired:
      out += "; fwd=stale";
      break;
  }
  if (o.forward_status && o.phase != CachePhase::kHit && o.phase != CachePhase::kStale) {
    out += "; fwd-status=";
    appendNumber(out, *o.forward_status);
  }
  if (o.ttl) {
    out += "; ttl=";
    appendNumber(out, *o.ttl);
  }
  if (o.stored) out += "; stored";
  if (o.reason != NoCacheReason::kNone) {
    out += "; detail=";
    out += toString(o.reason);
  }
}

}  // namespace

std::string formatCacheStatus(const CacheOutcome& o, std::string_view cache_name) {
  std::string out;
  appendCacheStatus(out, o, cache_name);
  return out;
}

void appendCacheFields(std::string& head, std::optional<int64_t> age, const CacheOutcome& outcome,
                       std::string_view cache_name) {
  if (age) {
    head += "Age: ";
    appendNumber(head, *age);
    head += "\r\n";
  }
  head += "Cache-Status: ";
  appendCacheStatus(head, outcome, cache_name);
  head += "\r\nX-Cache: ";
  head += xCacheValue(outcome.phase);
  head += "\r\n";
}

}  // namespace cirrus::cache
