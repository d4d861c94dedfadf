#include "cache/cache_rules.h"

#include <vector>

#include <gtest/gtest.h>

namespace cirrus::cache {
namespace {

model::CacheConf specExample() {
  // The rules of spec §5's example.
  model::CacheConf c;
  c.rules = {{model::RuleMatch::kPrefix, "/static/", 86400, false},
             {model::RuleMatch::kSuffix, ".m3u8", 2, false},
             {model::RuleMatch::kPrefix, "/api/", std::nullopt, true}};
  return c;
}

RequestPlan plan(const model::CacheConf& conf, std::string_view path,
                 std::vector<HeaderField> fields = {}, std::string_view method = "GET") {
  CompiledRules rules(conf);
  return planRequest(rules, method, path, fields, requestCacheControl(fields));
}

TEST(CacheRulesTest, FirstMatchingRuleWins) {
  model::CacheConf c = specExample();
  EXPECT_EQ(plan(c, "/static/live.m3u8").rule_ttl, 86400);
  EXPECT_EQ(plan(c, "/live/index.m3u8").rule_ttl, 2);
  EXPECT_EQ(plan(c, "/api/users").bypass, NoCacheReason::kRuleBypass);
  RequestPlan none = plan(c, "/other");
  EXPECT_TRUE(none.lookup());
  EXPECT_FALSE(none.rule_ttl);
}

TEST(CacheRulesTest, ExactAndRegexRulesMatch) {
  model::CacheConf c;
  c.rules = {{model::RuleMatch::kExact, "/index.html", 5, false},
             {model::RuleMatch::kRegex, "^/v[0-9]+/", 7, false}};
  EXPECT_EQ(plan(c, "/index.html").rule_ttl, 5);
  EXPECT_FALSE(plan(c, "/index.html.bak").rule_ttl);
  EXPECT_EQ(plan(c, "/v12/app.js").rule_ttl, 7);
  EXPECT_FALSE(plan(c, "/x/v12/app.js").rule_ttl);
}

TEST(CacheRulesTest, RegexThatDoesNotCompileMatchesNothing) {
  model::CacheConf c;
  c.rules = {{model::RuleMatch::kRegex, "([", 5, false}};
  EXPECT_FALSE(plan(c, "/([").rule_ttl);
}

TEST(CacheRulesTest, BypassesWhenCacheDisabled) {
  model::CacheConf c;
  c.enable = false;
  EXPECT_EQ(plan(c, "/a").bypass, NoCacheReason::kCacheDisabled);
}

TEST(CacheRulesTest, BypassesUnsafeMethods) {
  EXPECT_EQ(plan({}, "/a", {}, "POST").bypass, NoCacheReason::kMethod);
  EXPECT_TRUE(plan({}, "/a", {}, "HEAD").lookup());
}

TEST(CacheRulesTest, CookieOrNoCacheBypassWhenBypassOnCookie) {
  model::CacheConf c;
  EXPECT_EQ(plan(c, "/a", {{"Cookie", "s=1"}}).bypass, NoCacheReason::kCookie);
  EXPECT_EQ(plan(c, "/a", {{"Cache-Control", "no-cache"}}).bypass, NoCacheReason::kRequestNoCache);
  c.bypass_on_cookie = false;
  EXPECT_TRUE(plan(c, "/a", {{"Cookie", "s=1"}}).lookup());
  EXPECT_TRUE(plan(c, "/a", {{"Cache-Control", "no-cache"}}).lookup());
}

}  // namespace
}  // namespace cirrus::cache
