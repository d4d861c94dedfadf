#include "model/domain_conf.h"

#include <algorithm>
#include <array>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "model/domain_name.h"
#include "model/header_rules.h"
#include "model/object_reader.h"

namespace cirrus::model {

namespace {

using nlohmann::json;

constexpr std::array<EnumName<OriginScheme>, 2> kSchemes = {{
    {"http", OriginScheme::kHttp},
    {"https", OriginScheme::kHttps},
}};
constexpr std::array<EnumName<RuleMatch>, 4> kMatches = {{
    {"prefix", RuleMatch::kPrefix},
    {"suffix", RuleMatch::kSuffix},
    {"exact", RuleMatch::kExact},
    {"regex", RuleMatch::kRegex},
}};
constexpr std::array<EnumName<QueryStringMode>, 3> kQueryModes = {{
    {"include", QueryStringMode::kInclude},
    {"ignore", QueryStringMode::kIgnore},
    {"sorted", QueryStringMode::kSorted},
}};

std::string lowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// An array member: records list_type / too_short / too_long and returns nullptr on failure.
const json* readList(ObjectReader& r, std::string_view key, Presence presence, size_t min_items,
                     size_t max_items) {
  const json* v = r.get(key, presence);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    r.errors().push_back(FieldError::listType(r.at(key)));
    return nullptr;
  }
  if (v->size() < min_items) {
    r.errors().push_back(FieldError::tooShort(r.at(key), min_items, v->size()));
    return nullptr;
  }
  if (v->size() > max_items) {
    r.errors().push_back(FieldError::tooLong(r.at(key), max_items, v->size()));
    return nullptr;
  }
  return v;
}

// std::regex (like most backtracking engines) compiles x{n} into n copies of x, so nested
// counted repetitions multiply: "((a{1000}){1000}){1000}" is a billion states from 24 bytes.
// The product of every {n}/{n,m} upper bound is an upper bound on that blow-up.
constexpr uint64_t kMaxRegexRepetition = 10000;

uint64_t repetitionBound(std::string_view pattern) {
  constexpr uint64_t kCap = kMaxRegexRepetition + 1;
  auto isDigit = [](char c) { return c >= '0' && c <= '9'; };
  uint64_t product = 1;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;  // an escaped character is a literal
      continue;
    }
    if (pattern[i] != '{') continue;
    // {n}, {n,} or {n,m}: the compiled copies number max(n, m).
    uint64_t bound = 0;
    uint64_t number = 0;
    size_t j = i + 1;
    bool digits = false;
    for (; j < pattern.size() && (isDigit(pattern[j]) || pattern[j] == ','); ++j) {
      if (pattern[j] == ',') {
        bound = std::max(bound, number);
        number = 0;
        continue;
      }
      digits = true;
      number = std::min<uint64_t>(number * 10 + uint64_t(pattern[j] - '0'), kCap);
    }
    if (!digits || j >= pattern.size() || pattern[j] != '}') continue;
    bound = std::max(bound, number);
    product = std::min<uint64_t>(product * std::max<uint64_t>(bound, 1), kCap);
    i = j;
  }
  return product;
}

Origin parseOrigin(const json& v, const Loc& loc, FieldErrors& errors, UnknownFields unknown) {
  Origin origin;
  ObjectReader r(v, loc, errors, unknown);
  if (!r.valid()) return origin;

  auto scheme = r.enumeration<OriginScheme>("scheme", Presence::kRequired, kSchemes);
  if (scheme) origin.scheme = *scheme;

  bool host_is_ip = false;
  if (auto host = r.string("host", Presence::kRequired, 1)) {
    Result<std::string> normalized = normalizeOriginHost(*host);
    if (normalized) {
      origin.host = *normalized;
      host_is_ip = canonicalIpLiteral(origin.host).has_value();
    } else {
      errors.push_back(FieldError::valueError(
          r.at("host"),
          "not a valid host name or IP address: host " + normalized.error().context()));
    }
  }

  auto port = r.integer("port", Presence::kOptional, 1, 65535);
  origin.port = port ? static_cast<uint16_t>(*port)
                     : (origin.scheme == OriginScheme::kHttp ? uint16_t{80} : uint16_t{443});

  if (r.has("sni")) {
    if (auto sni = r.string("sni", Presence::kOptional)) {
      if (sni->empty()) {
        origin.sni.clear();
      } else if (canonicalIpLiteral(*sni)) {
        errors.push_back(FieldError::valueError(
            r.at("sni"), "SNI must be a host name, not an IP address (RFC 6066 §3)"));
      } else {
        Result<std::string> normalized =
            normalizeHostName(*sni, HostNameRules{.allow_underscore = true, .min_labels = 1});
        if (normalized) {
          origin.sni = *normalized;
        } else {
          errors.push_back(FieldError::valueError(
              r.at("sni"), "not a valid host name: sni " + normalized.error().context()));
        }
      }
    }
  } else {
    origin.sni = host_is_ip ? std::string() : origin.host;
  }

  origin.weight = r.integer("weight", Presence::kOptional, 1, kMaxOriginWeight).value_or(1);
  origin.verify_tls = r.boolean("verify_tls", Presence::kOptional).value_or(true);
  r.finish();
  return origin;
}

void parseUpstreamHeaders(ObjectReader& parent, std::map<std::string, std::string>& out) {
  const json* v = parent.get("upstream_headers");
  if (v == nullptr) return;
  FieldErrors& errors = parent.errors();
  Loc loc = parent.at("upstream_headers");
  if (!v->is_object()) {
    errors.push_back(FieldError::dictType(loc));
    return;
  }
  if (v->size() > kMaxUpstreamHeaders) {
    errors.push_back(FieldError::valueError(
        loc, fmt::format("at most {} headers are allowed", kMaxUpstreamHeaders)));
    return;
  }
  std::set<std::string> seen;  // lower-cased: field names are case-insensitive (RFC 9110 §5.1)
  for (const auto& [name, value] : v->items()) {
    Loc at = join(loc, name);
    if (!isHttpToken(name)) {
      errors.push_back(FieldError::valueError(
          at, "header name must be an RFC 9110 token (letters, digits and !#$%&'*+-.^_`|~)"));
      continue;
    }
    if (isReservedUpstreamHeader(name)) {
      errors.push_back(FieldError::valueError(
          at, fmt::format("header {} is managed by the edge and cannot be configured", name)));
      continue;
    }
    if (!seen.insert(lowerAscii(name)).second) {
      errors.push_back(FieldError::valueError(
          at, "header name repeats another entry (names are case-insensitive)"));
      continue;
    }
    auto text = readString(value, at, errors, 0, kMaxHeaderValueLength);
    if (!text) continue;
    if (!isValidFieldValue(*text)) {
      errors.push_back(FieldError::valueError(
          at,
          "header value must not contain control characters (CR, LF, NUL...) or leading or "
          "trailing whitespace"));
      continue;
    }
    out.emplace(name, *text);
  }
}

CacheRule parseRule(const json& v, const Loc& loc, FieldErrors& errors, UnknownFields unknown) {
  CacheRule rule;
  ObjectReader r(v, loc, errors, unknown);
  if (!r.valid()) return rule;

  auto match = r.enumeration<RuleMatch>("match", Presence::kRequired, kMatches);
  if (match) rule.match = *match;
  auto pattern = r.string("pattern", Presence::kRequired, 1, kMaxRulePatternLength);
  if (pattern) {
    rule.pattern = *pattern;
    if (hasControlCharacter(*pattern)) {
      errors.push_back(
          FieldError::valueError(r.at("pattern"), "pattern must not contain control characters"));
    } else if (match && (*match == RuleMatch::kPrefix || *match == RuleMatch::kExact) &&
               !pattern->starts_with('/')) {
      errors.push_back(FieldError::valueError(
          r.at("pattern"),
          fmt::format("a {} pattern is a path and must start with '/'", toString(*match))));
    } else if (match && *match == RuleMatch::kRegex) {
      if (repetitionBound(*pattern) > kMaxRegexRepetition) {
        errors.push_back(FieldError::valueError(
            r.at("pattern"),
            fmt::format("regex repetition counts ({{n,m}}) multiply to more than {}",
                        kMaxRegexRepetition)));
        return rule;
      }
      try {
        std::regex compiled(*pattern, std::regex::ECMAScript);
      } catch (const std::exception& e) {
        errors.push_back(FieldError::valueError(
            r.at("pattern"),
            fmt::format("not a valid ECMAScript regular expression ({})", e.what())));
      }
    }
  }
  size_t errors_before = errors.size();
  rule.ttl = r.integer("ttl", Presence::kOptional, 0, kMaxTtlSeconds);
  rule.bypass = r.boolean("bypass", Presence::kOptional).value_or(false);
  // Only judge the combination when both members read cleanly, so one mistake is one error.
  if (errors.size() == errors_before) {
    if (rule.ttl && rule.bypass) {
      errors.push_back(
          FieldError::valueError(loc, "a rule has either ttl or bypass: true, not both"));
    } else if (!rule.ttl && !rule.bypass) {
      errors.push_back(FieldError::valueError(loc, "a rule needs ttl or bypass: true"));
    }
  }
  r.finish();
  return rule;
}

SliceConf parseSlice(const json* v, const Loc& loc, FieldErrors& errors, UnknownFields unknown) {
  SliceConf slice;
  if (v == nullptr) return slice;
  ObjectReader r(*v, loc, errors, unknown);
  if (!r.valid()) return slice;
  slice.enable = r.boolean("enable", Presence::kOptional).value_or(false);
  if (auto size = r.integer("size", Presence::kOptional, kMinSliceSize, kMaxSliceSize)) {
    if ((*size & (*size - 1)) != 0) {
      errors.push_back(FieldError::valueError(r.at("size"), "slice size must be a power of two"));
    } else {
      slice.size = *size;
    }
  }
  r.finish();
  return slice;
}

CacheConf parseCache(const json* v, const Loc& loc, FieldErrors& errors, UnknownFields unknown) {
  CacheConf cache;
  if (v == nullptr) return cache;
  ObjectReader r(*v, loc, errors, unknown);
  if (!r.valid()) return cache;
  cache.enable = r.boolean("enable", Presence::kOptional).value_or(true);
  cache.default_ttl = r.integer("default_ttl", Presence::kOptional, 0, kMaxTtlSeconds).value_or(0);
  cache.bypass_on_cookie = r.boolean("bypass_on_cookie", Presence::kOptional).value_or(true);
  if (const json* rules = readList(r, "rules", Presence::kOptional, 0, kMaxCacheRules)) {
    for (size_t i = 0; i < rules->size(); ++i) {
      cache.rules.push_back(parseRule((*rules)[i], join(r.at("rules"), i), errors, unknown));
    }
  }
  cache.slice = parseSlice(r.get("slice"), r.at("slice"), errors, unknown);
  cache.query_string =
      r.enumeration<QueryStringMode>("query_string", Presence::kOptional, kQueryModes)
          .value_or(QueryStringMode::kInclude);
  r.finish();
  return cache;
}

AcmeConf parseAcme(const json* v, const Loc& loc, FieldErrors& errors, UnknownFields unknown) {
  AcmeConf acme;
  if (v == nullptr) return acme;
  ObjectReader r(*v, loc, errors, unknown);
  if (!r.valid()) return acme;
  acme.enable = r.boolean("enable", Presence::kOptional).value_or(true);
  r.finish();
  return acme;
}

void parseDomainField(ObjectReader& r, std::string_view path_domain, std::string& out) {
  std::optional<std::string> path_normalized;
  if (!path_domain.empty()) {
    Result<std::string> n = normalizeDomain(path_domain);
    if (!n) {
      r.errors().push_back(FieldError::valueError(
          r.at("domain"), "not a valid domain name: domain " + n.error().context()));
      r.has("domain");
      return;
    }
    path_normalized = *n;
  }
  auto domain = r.string("domain", path_normalized ? Presence::kOptional : Presence::kRequired);
  if (!domain) {
    if (path_normalized && !r.has("domain")) out = *path_normalized;
    return;
  }
  Result<std::string> n = normalizeDomain(*domain);
  if (!n) {
    r.errors().push_back(FieldError::valueError(
        r.at("domain"), "not a valid domain name: domain " + n.error().context()));
    return;
  }
  if (path_normalized && *n != *path_normalized) {
    r.errors().push_back(
        FieldError::valueError(r.at("domain"), "domain does not match the domain in the URL"));
    return;
  }
  out = *n;
}

}  // namespace

std::string_view toString(OriginScheme scheme) {
  return enumName<OriginScheme>(kSchemes, scheme);
}
std::string_view toString(RuleMatch match) {
  return enumName<RuleMatch>(kMatches, match);
}
std::string_view toString(QueryStringMode mode) {
  return enumName<QueryStringMode>(kQueryModes, mode);
}

Validated<DomainConf> parseDomainConf(const json& body, std::string_view path_domain,
                                      UnknownFields unknown) {
  Validated<DomainConf> result;
  DomainConf& conf = result.value;
  FieldErrors& errors = result.errors;
  ObjectReader r(body, {}, errors, unknown);
  if (!r.valid()) return result;

  parseDomainField(r, path_domain, conf.domain);
  conf.enabled = r.boolean("enabled", Presence::kOptional).value_or(true);
  if (const json* origins = readList(r, "origins", Presence::kRequired, 1, kMaxOrigins)) {
    for (size_t i = 0; i < origins->size(); ++i) {
      conf.origins.push_back(parseOrigin((*origins)[i], join(r.at("origins"), i), errors, unknown));
    }
  }
  parseUpstreamHeaders(r, conf.upstream_headers);
  conf.cache = parseCache(r.get("cache"), r.at("cache"), errors, unknown);
  conf.acme = parseAcme(r.get("acme"), r.at("acme"), errors, unknown);
  r.finish();
  return result;
}

Validated<DomainConf> parseStoredDomainConf(std::string_view text) {
  Validated<DomainConf> result;
  std::optional<json> doc = parseJsonText(text, result.errors);
  if (!doc) return result;
  return parseDomainConf(*doc, {}, UnknownFields::kIgnore);
}

json toJson(const DomainConf& conf) {
  json origins = json::array();
  for (const Origin& o : conf.origins) {
    origins.push_back({{"scheme", toString(o.scheme)},
                       {"host", o.host},
                       {"port", o.port},
                       {"sni", o.sni},
                       {"weight", o.weight},
                       {"verify_tls", o.verify_tls}});
  }
  json rules = json::array();
  for (const CacheRule& rule : conf.cache.rules) {
    json j = {{"match", toString(rule.match)}, {"pattern", rule.pattern}};
    if (rule.ttl) j["ttl"] = *rule.ttl;
    if (rule.bypass) j["bypass"] = true;
    rules.push_back(std::move(j));
  }
  json headers = json::object();
  for (const auto& [name, value] : conf.upstream_headers) headers[name] = value;
  return {
      {"domain", conf.domain},
      {"enabled", conf.enabled},
      {"origins", std::move(origins)},
      {"upstream_headers", std::move(headers)},
      {"cache",
       {{"enable", conf.cache.enable},
        {"default_ttl", conf.cache.default_ttl},
        {"bypass_on_cookie", conf.cache.bypass_on_cookie},
        {"rules", std::move(rules)},
        {"slice", {{"enable", conf.cache.slice.enable}, {"size", conf.cache.slice.size}}},
        {"query_string", toString(conf.cache.query_string)}}},
      {"acme", {{"enable", conf.acme.enable}}},
  };
}

FieldErrors validate(const DomainConf& conf) {
  return parseDomainConf(toJson(conf)).errors;
}

}  // namespace cirrus::model
