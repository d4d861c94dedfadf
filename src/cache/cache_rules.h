// A domain's cache rules (spec §5) prepared once per config snapshot, and the request-side
// plan: bypass the cache (and why), or look up with an optional rule TTL. First matching rule
// wins; rules match the path without its query.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string_view>
#include <vector>

#include "cache/cache_control.h"
#include "cache/cache_status.h"
#include "cache/header_field.h"
#include "model/domain_conf.h"

namespace cirrus::cache {

/// Regex rules are compiled here, not per request. Immutable after construction; safe to share
/// between threads. Build it when a DomainConf snapshot is built.
class CompiledRules {
 public:
  explicit CompiledRules(const model::CacheConf& conf);

  /// The first rule matching `path` (no query), or nullptr.
  const model::CacheRule* match(std::string_view path) const;
  const model::CacheConf& conf() const { return conf_; }

 private:
  model::CacheConf conf_;
  std::vector<std::optional<std::regex>> regexes_;  // parallel to conf_.rules
};

using CompiledRulesSharedPtr = std::shared_ptr<const CompiledRules>;

struct RequestPlan {
  NoCacheReason bypass = NoCacheReason::kNone;  // kNone: consult the cache
  std::optional<int64_t> rule_ttl;              // the matching rule's ttl, if any
  bool lookup() const { return bypass == NoCacheReason::kNone; }
};

/// Decides before any lookup. Bypass when: cache.enable is false; the method is not GET or
/// HEAD; the first matching rule says bypass; or bypass_on_cookie is set and the request has a
/// Cookie or a no-cache directive (spec §11, seed behaviour). `path` excludes the query.
RequestPlan planRequest(const CompiledRules& rules, std::string_view method, std::string_view path,
                        HeaderSpan request_fields, const CacheControl& request_cc);

}  // namespace cirrus::cache
