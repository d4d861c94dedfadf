#include "cache/cache_control.h"

namespace cirrus::cache {

namespace {

// Parses delta-seconds (RFC 9111 §1.2.2): 1*DIGIT, saturating at 2^31. nullopt when invalid.
std::optional<int64_t> parseDeltaSeconds(std::string_view arg) {
  if (arg.empty()) return std::nullopt;
  int64_t v = 0;
  for (char c : arg) {
    if (c < '0' || c > '9') return std::nullopt;
    if (v < kDeltaSecondsMax) v = v * 10 + (c - '0');
  }
  return v < kDeltaSecondsMax ? v : kDeltaSecondsMax;
}

// Strips one level of double quotes; escapes inside are rare in these directives and kept.
std::string_view unquote(std::string_view arg) {
  if (arg.size() >= 2 && arg.front() == '"' && arg.back() == '"') {
    return arg.substr(1, arg.size() - 2);
  }
  return arg;
}

// Records a freshness directive; a second occurrence with a different value (or an invalid
// argument) marks the response stale (§4.2.1: the most restrictive reading).
void setFreshness(std::optional<int64_t>& slot, bool has_arg, std::string_view arg,
                  CacheControl& cc) {
  std::optional<int64_t> v = has_arg ? parseDeltaSeconds(arg) : std::nullopt;
  if (!v) {
    cc.invalid_freshness = true;
    if (!slot) slot = 0;
    return;
  }
  if (slot && *slot != *v) cc.invalid_freshness = true;
  if (!slot) slot = v;
}

// Stale extensions and request limits: an invalid argument ignores the directive, which is
// always the conservative reading for them (no extra staleness, no extra freshness demand).
void setOptional(std::optional<int64_t>& slot, bool has_arg, std::string_view arg) {
  std::optional<int64_t> v = has_arg ? parseDeltaSeconds(arg) : std::nullopt;
  if (v && !slot) slot = v;
}

void applyDirective(std::string_view member, CacheControl& cc) {
  size_t eq = member.find('=');
  std::string_view name = trimOws(member.substr(0, eq));
  bool has_arg = eq != std::string_view::npos;
  std::string_view arg = has_arg ? unquote(trimOws(member.substr(eq + 1))) : std::string_view{};
  cc.present = true;
  auto is = [&](std::string_view n) { return equalsIgnoreCase(name, n); };
  if (is("max-age")) {
    setFreshness(cc.max_age, has_arg, arg, cc);
  } else if (is("s-maxage")) {
    setFreshness(cc.s_maxage, has_arg, arg, cc);
  } else if (is("no-store")) {
    cc.no_store = true;
  } else if (is("no-cache")) {
    if (has_arg && !trimOws(arg).empty()) {
      cc.no_cache_fields = arg;
    } else {
      cc.no_cache = true;
    }
  } else if (is("private")) {
    if (has_arg && !trimOws(arg).empty()) {
      cc.private_fields = arg;
    } else {
      cc.is_private = true;
    }
  } else if (is("public")) {
    cc.is_public = true;
  } else if (is("must-revalidate")) {
    cc.must_revalidate = true;
  } else if (is("proxy-revalidate")) {
    cc.proxy_revalidate = true;
  } else if (is("no-transform")) {
    cc.no_transform = true;
  } else if (is("immutable")) {
    cc.immutable = true;
  } else if (is("must-understand")) {
    cc.must_understand = true;
  } else if (is("stale-while-revalidate")) {
    setOptional(cc.stale_while_revalidate, has_arg, arg);
  } else if (is("stale-if-error")) {
    setOptional(cc.stale_if_error, has_arg, arg);
  } else if (is("max-stale")) {
    // §5.2.1.2: without an argument the client accepts a stale response of any age.
    if (!has_arg) {
      cc.max_stale = kDeltaSecondsMax;
    } else {
      setOptional(cc.max_stale, has_arg, arg);
    }
  } else if (is("min-fresh")) {
    setOptional(cc.min_fresh, has_arg, arg);
  } else if (is("only-if-cached")) {
    cc.only_if_cached = true;
  }
}

}  // namespace

CacheControl parseCacheControlValue(std::string_view value) {
  CacheControl cc;
  forEachListMember(value, [&](std::string_view member) { applyDirective(member, cc); });
  return cc;
}

CacheControl parseCacheControl(HeaderSpan fields, std::string_view field_name) {
  CacheControl cc;
  forEachFieldMember(fields, field_name,
                     [&](std::string_view member) { applyDirective(member, cc); });
  return cc;
}

CacheControl effectiveResponseCacheControl(HeaderSpan response_fields) {
  // RFC 9213 §2.1: a present CDN-Cache-Control replaces Cache-Control even when it lists no
  // freshness directive; an empty field value is as if it were absent (it carries nothing).
  CacheControl cdn = parseCacheControl(response_fields, "CDN-Cache-Control");
  if (cdn.present) {
    cdn.targeted = true;
    return cdn;
  }
  return parseCacheControl(response_fields, "Cache-Control");
}

CacheControl requestCacheControl(HeaderSpan request_fields) {
  CacheControl cc = parseCacheControl(request_fields, "Cache-Control");
  if (!hasField(request_fields, "Cache-Control")) {
    forEachFieldMember(request_fields, "Pragma", [&](std::string_view member) {
      if (equalsIgnoreCase(member, "no-cache")) cc.no_cache = true;
    });
  }
  return cc;
}

}  // namespace cirrus::cache
