#include "cache/cache_rules.h"

namespace cirrus::cache {

CompiledRules::CompiledRules(const model::CacheConf& conf) : conf_(conf) {
  regexes_.resize(conf_.rules.size());
  for (size_t i = 0; i < conf_.rules.size(); ++i) {
    const model::CacheRule& r = conf_.rules[i];
    if (r.match != model::RuleMatch::kRegex) continue;
    // model/ validated that the pattern compiles; a failure here (e.g. a stored document
    // written by an older validator) makes the rule match nothing rather than stop the edge.
    try {
      regexes_[i].emplace(r.pattern, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error&) {
      regexes_[i].reset();
    }
  }
}

const model::CacheRule* CompiledRules::match(std::string_view path) const {
  for (size_t i = 0; i < conf_.rules.size(); ++i) {
    const model::CacheRule& r = conf_.rules[i];
    bool hit = false;
    switch (r.match) {
      case model::RuleMatch::kPrefix:
        hit = path.starts_with(r.pattern);
        break;
      case model::RuleMatch::kSuffix:
        hit = path.ends_with(r.pattern);
        break;
      case model::RuleMatch::kExact:
        hit = path == r.pattern;
        break;
      case model::RuleMatch::kRegex:
        // Search semantics, like nginx's `location ~`: anchor with ^/$ to match whole paths.
        hit = regexes_[i] && std::regex_search(path.begin(), path.end(), *regexes_[i]);
        break;
    }
    if (hit) return &r;
  }
  return nullptr;
}

RequestPlan planRequest(const CompiledRules& rules, std::string_view method, std::string_view path,
                        HeaderSpan request_fields, const CacheControl& request_cc) {
  RequestPlan plan;
  const model::CacheConf& conf = rules.conf();
  if (!conf.enable) {
    plan.bypass = NoCacheReason::kCacheDisabled;
    return plan;
  }
  if (method != "GET" && method != "HEAD") {
    plan.bypass = NoCacheReason::kMethod;
    return plan;
  }
  if (const model::CacheRule* rule = rules.match(path)) {
    if (rule->bypass) {
      plan.bypass = NoCacheReason::kRuleBypass;
      return plan;
    }
    plan.rule_ttl = rule->ttl;
  }
  if (conf.bypass_on_cookie) {
    if (hasField(request_fields, "Cookie")) {
      plan.bypass = NoCacheReason::kCookie;
    } else if (request_cc.no_cache) {
      plan.bypass = NoCacheReason::kRequestNoCache;
    }
  }
  return plan;
}

}  // namespace cirrus::cache
