#include "model/domain_conf.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model/field_error_matchers.h"

namespace cirrus::model {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Spec §5, verbatim.
const char* const kSpecExample = R"({
  "domain": "www.example.com",
  "enabled": true,
  "origins": [{"scheme": "https", "host": "origin.example.com", "port": 443,
               "sni": "origin.example.com", "weight": 1, "verify_tls": true}],
  "upstream_headers": {"X-From-CDN": "cirrus"},
  "cache": {
    "enable": true,
    "default_ttl": 0,
    "bypass_on_cookie": true,
    "rules": [{"match": "prefix", "pattern": "/static/", "ttl": 86400},
              {"match": "suffix", "pattern": ".m3u8", "ttl": 2},
              {"match": "prefix", "pattern": "/api/", "bypass": true}],
    "slice": {"enable": false, "size": 1048576},
    "query_string": "include"
  },
  "acme": {"enable": true}
})";

json minimal() {
  return {{"domain", "www.example.com"},
          {"origins", json::array({{{"scheme", "https"}, {"host", "origin.example.com"}}})}};
}

// Parses and expects exactly the listed errors.
FieldErrors errorsOf(const json& body) {
  return parseDomainConf(body).errors;
}

TEST(DomainConfTest, SpecExampleParsesAndRoundTripsUnchanged) {
  json spec = json::parse(kSpecExample);
  auto r = parseDomainConf(spec);
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(toJson(r.value), spec);
  ASSERT_EQ(r.value.cache.rules.size(), 3u);
  EXPECT_EQ(r.value.cache.rules[0].ttl, 86400);
  EXPECT_TRUE(r.value.cache.rules[2].bypass);
  EXPECT_FALSE(r.value.cache.rules[2].ttl.has_value());
}

TEST(DomainConfTest, MinimalBodyFillsEveryDefault) {
  auto r = parseDomainConf(minimal());
  ASSERT_THAT(r.errors, IsEmpty());
  json expected = json::parse(kSpecExample);
  expected["upstream_headers"] = json::object();
  expected["cache"]["rules"] = json::array();
  EXPECT_EQ(toJson(r.value), expected);
}

TEST(DomainConfTest, ParseOfToJsonIsIdentity) {
  DomainConf c;
  c.domain = "xn--bcher-kva.example";
  c.enabled = false;
  c.origins = {{OriginScheme::kHttp, "192.0.2.1", 8080, "", 3, false},
               {OriginScheme::kHttps, "2001:db8::1", 443, "origin.example", 1, true}};
  c.upstream_headers = {{"Host", "origin.example"}, {"X-Secret", "s3cr3t"}};
  c.cache.enable = false;
  c.cache.default_ttl = 60;
  c.cache.bypass_on_cookie = false;
  c.cache.rules = {{RuleMatch::kRegex, R"(\.(png|jpg)$)", 3600, false},
                   {RuleMatch::kExact, "/health", std::nullopt, true}};
  c.cache.slice = {true, 4 * 1024 * 1024};
  c.cache.query_string = QueryStringMode::kSorted;
  c.acme.enable = false;
  auto r = parseDomainConf(toJson(c));
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value, c);
  EXPECT_THAT(validate(c), IsEmpty());
}

TEST(DomainConfTest, ToJsonOfParseIsCanonicalAndStable) {
  json body = minimal();
  body["domain"] = "WWW.Example.COM.";
  json once = toJson(parseDomainConf(body).value);
  EXPECT_EQ(once["domain"], "www.example.com");
  EXPECT_EQ(toJson(parseDomainConf(once).value), once);
}

TEST(DomainConfTest, NullMeansDefault) {
  json body = minimal();
  body["enabled"] = nullptr;
  body["cache"] = nullptr;
  body["origins"][0]["port"] = nullptr;
  auto r = parseDomainConf(body);
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_TRUE(r.value.enabled);
  EXPECT_EQ(r.value.origins[0].port, 443);
}

TEST(DomainConfTest, NonObjectBodyIsDictType) {
  EXPECT_THAT(errorsOf(json::array()), ElementsAre(ErrorAt("", "dict_type")));
  EXPECT_THAT(errorsOf("www.example.com"), ElementsAre(ErrorAt("", "dict_type")));
}

TEST(DomainConfTest, EmptyBodyReportsBothRequiredFields) {
  EXPECT_THAT(errorsOf(json::object()),
              ElementsAre(ErrorAt("domain", "missing"), ErrorAt("origins", "missing")));
}

TEST(DomainConfTest, ReportsEveryMistakeAtOnceWithItsPath) {
  json body = minimal();
  body["domain"] = "bad..example";
  body["origins"][0]["port"] = 70000;
  body["cache"] = {{"rules", json::array({{{"match", "glob"}, {"pattern", "/x"}, {"ttl", 1}}})}};
  body["colour"] = "blue";
  EXPECT_THAT(
      errorsOf(body),
      ElementsAre(ErrorAt("domain", "value_error"), ErrorAt("origins.0.port", "less_than_equal"),
                  ErrorAt("cache.rules.0.match", "enum"), ErrorAt("colour", "extra_forbidden")));
}

// --- domain ---

TEST(DomainConfTest, DomainIsNormalisedToItsALabel) {
  json body = minimal();
  body["domain"] = "Bücher.Example.";
  EXPECT_EQ(parseDomainConf(body).value.domain, "xn--bcher-kva.example");
}

TEST(DomainConfTest, InvalidDomainIsValueErrorAtDomain) {
  json body = minimal();
  body["domain"] = "192.0.2.1";
  auto errors = errorsOf(body);
  ASSERT_THAT(errors, ElementsAre(ErrorAt("domain", "value_error")));
  EXPECT_EQ(errors[0].msg,
            "Value error, not a valid domain name: domain is an IP address, not a domain name");
}

TEST(DomainConfTest, DomainMustBeAString) {
  json body = minimal();
  body["domain"] = 42;
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("domain", "string_type")));
}

TEST(DomainConfTest, PathDomainFillsAMissingDomain) {
  json body = minimal();
  body.erase("domain");
  auto r = parseDomainConf(body, "bücher.example");
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value.domain, "xn--bcher-kva.example");
}

TEST(DomainConfTest, PathDomainMustMatchBodyAfterNormalisation) {
  json body = minimal();
  EXPECT_THAT(parseDomainConf(body, "WWW.example.com").errors, IsEmpty());
  EXPECT_THAT(parseDomainConf(body, "other.example.com").errors,
              ElementsAre(ErrorAt("domain", "value_error")));
}

TEST(DomainConfTest, EnabledMustBeABoolean) {
  json body = minimal();
  body["enabled"] = 1;
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("enabled", "bool_type")));
}

// --- origins ---

TEST(DomainConfTest, OriginsMustBeANonEmptyList) {
  json body = minimal();
  body["origins"] = json::array();
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("origins", "too_short")));
  body["origins"] = json::object();
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("origins", "list_type")));
}

TEST(DomainConfTest, OriginCountIsBounded) {
  json body = minimal();
  json one = body["origins"][0];
  body["origins"] = json::array();
  for (size_t i = 0; i < kMaxOrigins; ++i) body["origins"].push_back(one);
  EXPECT_THAT(errorsOf(body), IsEmpty());
  body["origins"].push_back(one);
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("origins", "too_long")));
}

TEST(DomainConfTest, OriginMustBeAnObject) {
  json body = minimal();
  body["origins"].push_back("https://origin.example.com");
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("origins.1", "dict_type")));
}

TEST(DomainConfTest, OriginNeedsSchemeAndHost) {
  json body = minimal();
  body["origins"][0] = json::object();
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("origins.0.scheme", "missing"),
                                          ErrorAt("origins.0.host", "missing")));
}

TEST(DomainConfTest, SchemeIsHttpOrHttps) {
  json body = minimal();
  body["origins"][0]["scheme"] = "ftp";
  auto errors = errorsOf(body);
  ASSERT_THAT(errors, ElementsAre(ErrorAt("origins.0.scheme", "enum")));
  EXPECT_EQ(errors[0].msg, "Input should be 'http' or 'https'");
  body["origins"][0]["scheme"] = "HTTPS";
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("origins.0.scheme", "enum")));
}

TEST(DomainConfTest, PortDefaultsBySchemeAndIsBounded) {
  json body = minimal();
  EXPECT_EQ(parseDomainConf(body).value.origins[0].port, 443);
  body["origins"][0]["scheme"] = "http";
  EXPECT_EQ(parseDomainConf(body).value.origins[0].port, 80);
  body["origins"][0]["port"] = 0;
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("origins.0.port", "greater_than_equal")));
  body["origins"][0]["port"] = 65536;
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("origins.0.port", "less_than_equal")));
  body["origins"][0]["port"] = 65535;
  EXPECT_EQ(parseDomainConf(body).value.origins[0].port, 65535);
  body["origins"][0]["port"] = "8080";
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("origins.0.port", "int_type")));
}

TEST(DomainConfTest, OriginHostIsValidatedAndNormalised) {
  json body = minimal();
  body["origins"][0]["host"] = "Origin.Example.COM";
  EXPECT_EQ(parseDomainConf(body).value.origins[0].host, "origin.example.com");
  body["origins"][0]["host"] = "[2001:DB8::1]";
  EXPECT_EQ(parseDomainConf(body).value.origins[0].host, "2001:db8::1");
  body["origins"][0]["host"] = "origin.example.com:8080";
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("origins.0.host", "value_error")));
  body["origins"][0]["host"] = "";
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("origins.0.host", "string_too_short")));
}

TEST(DomainConfTest, SniDefaultsToHostName) {
  json body = minimal();
  body["origins"][0]["host"] = "Origin.Example.com";
  EXPECT_EQ(parseDomainConf(body).value.origins[0].sni, "origin.example.com");
}

TEST(DomainConfTest, SniDefaultsToNoneForIpHosts) {
  json body = minimal();
  body["origins"][0]["host"] = "192.0.2.7";
  EXPECT_EQ(parseDomainConf(body).value.origins[0].sni, "");
}

TEST(DomainConfTest, ExplicitSniIsAHostNameNotAnIp) {
  json body = minimal();
  body["origins"][0]["host"] = "192.0.2.7";
  body["origins"][0]["sni"] = "Origin.Example";
  EXPECT_EQ(parseDomainConf(body).value.origins[0].sni, "origin.example");
  body["origins"][0]["sni"] = "192.0.2.7";
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("origins.0.sni", "value_error")));
  body["origins"][0]["sni"] = "bad sni";
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("origins.0.sni", "value_error")));
}

TEST(DomainConfTest, ExplicitEmptySniMeansNone) {
  json body = minimal();
  body["origins"][0]["sni"] = "";
  EXPECT_EQ(parseDomainConf(body).value.origins[0].sni, "");
}

TEST(DomainConfTest, WeightIsAtLeastOneAndBounded) {
  json body = minimal();
  EXPECT_EQ(parseDomainConf(body).value.origins[0].weight, 1);
  body["origins"][0]["weight"] = 0;
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("origins.0.weight", "greater_than_equal")));
  body["origins"][0]["weight"] = kMaxOriginWeight + 1;
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("origins.0.weight", "less_than_equal")));
}

TEST(DomainConfTest, VerifyTlsDefaultsTrueAndMustBeBoolean) {
  json body = minimal();
  EXPECT_TRUE(parseDomainConf(body).value.origins[0].verify_tls);
  body["origins"][0]["verify_tls"] = "no";
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("origins.0.verify_tls", "bool_type")));
}

// --- upstream_headers ---

TEST(DomainConfTest, UpstreamHeadersKeepNameCase) {
  json body = minimal();
  body["upstream_headers"] = {{"X-From-CDN", "cirrus"}, {"Host", "origin.internal"}};
  auto r = parseDomainConf(body);
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value.upstream_headers.at("X-From-CDN"), "cirrus");
  EXPECT_EQ(r.value.upstream_headers.at("Host"), "origin.internal");
}

TEST(DomainConfTest, UpstreamHeadersMustBeAnObjectOfStrings) {
  json body = minimal();
  body["upstream_headers"] = json::array({"X-A: 1"});
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("upstream_headers", "dict_type")));
  body["upstream_headers"] = {{"X-A", 1}};
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("upstream_headers.X-A", "string_type")));
}

TEST(DomainConfTest, UpstreamHeaderNameMustBeAToken) {
  json body = minimal();
  body["upstream_headers"] = {{"X Bad", "1"}, {"X:Bad", "1"}, {"", "1"}};
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("upstream_headers.", "value_error"),
                                          ErrorAt("upstream_headers.X Bad", "value_error"),
                                          ErrorAt("upstream_headers.X:Bad", "value_error")));
}

TEST(DomainConfTest, UpstreamHeaderValueRejectsHeaderInjection) {
  json body = minimal();
  body["upstream_headers"] = {{"X-A", "1\r\nX-Injected: 1"}, {"X-B", std::string("a\0b", 3)}};
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("upstream_headers.X-A", "value_error"),
                                          ErrorAt("upstream_headers.X-B", "value_error")));
}

TEST(DomainConfTest, UpstreamHeaderValueIsBounded) {
  json body = minimal();
  body["upstream_headers"] = {{"X-A", std::string(kMaxHeaderValueLength + 1, 'v')}};
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("upstream_headers.X-A", "string_too_long")));
}

TEST(DomainConfTest, HopByHopUpstreamHeadersAreRefused) {
  json body = minimal();
  body["upstream_headers"] = {{"Connection", "close"}, {"transfer-encoding", "chunked"}};
  EXPECT_THAT(errorsOf(body),
              ElementsAre(ErrorAt("upstream_headers.Connection", "value_error"),
                          ErrorAt("upstream_headers.transfer-encoding", "value_error")));
}

TEST(DomainConfTest, UpstreamHeaderNamesAreUniqueCaseInsensitively) {
  json body = minimal();
  body["upstream_headers"] = {{"X-A", "1"}, {"x-a", "2"}};
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("upstream_headers.x-a", "value_error")));
}

TEST(DomainConfTest, UpstreamHeaderCountIsBounded) {
  json body = minimal();
  for (size_t i = 0; i <= kMaxUpstreamHeaders; ++i) {
    body["upstream_headers"]["X-H" + std::to_string(i)] = "v";
  }
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("upstream_headers", "value_error")));
}

// --- cache ---

TEST(DomainConfTest, CacheMustBeAnObject) {
  json body = minimal();
  body["cache"] = true;
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("cache", "dict_type")));
}

TEST(DomainConfTest, DefaultTtlIsNonNegativeAndBounded) {
  json body = minimal();
  body["cache"] = {{"default_ttl", -1}};
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("cache.default_ttl", "greater_than_equal")));
  body["cache"] = {{"default_ttl", kMaxTtlSeconds + 1}};
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("cache.default_ttl", "less_than_equal")));
}

TEST(DomainConfTest, CacheBooleansAreTyped) {
  json body = minimal();
  body["cache"] = {{"enable", "true"}, {"bypass_on_cookie", 0}};
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("cache.enable", "bool_type"),
                                          ErrorAt("cache.bypass_on_cookie", "bool_type")));
}

TEST(DomainConfTest, QueryStringModeIsAnEnum) {
  json body = minimal();
  body["cache"] = {{"query_string", "sorted"}};
  EXPECT_EQ(parseDomainConf(body).value.cache.query_string, QueryStringMode::kSorted);
  body["cache"] = {{"query_string", "drop"}};
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("cache.query_string", "enum")));
}

json withRule(json rule) {
  json body = minimal();
  body["cache"] = {{"rules", json::array({std::move(rule)})}};
  return body;
}

TEST(DomainConfTest, RulesMustBeAListOfObjects) {
  json body = minimal();
  body["cache"] = {{"rules", json::object()}};
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("cache.rules", "list_type")));
  EXPECT_THAT(errorsOf(withRule("prefix")), ElementsAre(ErrorAt("cache.rules.0", "dict_type")));
}

TEST(DomainConfTest, RuleCountIsBounded) {
  json body = minimal();
  json rule = {{"match", "prefix"}, {"pattern", "/"}, {"ttl", 1}};
  body["cache"]["rules"] = json::array();
  for (size_t i = 0; i <= kMaxCacheRules; ++i) body["cache"]["rules"].push_back(rule);
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("cache.rules", "too_long")));
}

TEST(DomainConfTest, RuleNeedsMatchAndPattern) {
  EXPECT_THAT(errorsOf(withRule({{"ttl", 1}})),
              ElementsAre(ErrorAt("cache.rules.0.match", "missing"),
                          ErrorAt("cache.rules.0.pattern", "missing")));
}

TEST(DomainConfTest, RulePatternMustNotBeEmpty) {
  EXPECT_THAT(errorsOf(withRule({{"match", "suffix"}, {"pattern", ""}, {"ttl", 1}})),
              ElementsAre(ErrorAt("cache.rules.0.pattern", "string_too_short")));
}

TEST(DomainConfTest, RulePatternLengthIsBounded) {
  std::string long_pattern = "/" + std::string(kMaxRulePatternLength, 'a');
  EXPECT_THAT(errorsOf(withRule({{"match", "prefix"}, {"pattern", long_pattern}, {"ttl", 1}})),
              ElementsAre(ErrorAt("cache.rules.0.pattern", "string_too_long")));
}

TEST(DomainConfTest, PrefixAndExactPatternsArePaths) {
  EXPECT_THAT(errorsOf(withRule({{"match", "prefix"}, {"pattern", "static/"}, {"ttl", 1}})),
              ElementsAre(ErrorAt("cache.rules.0.pattern", "value_error")));
  EXPECT_THAT(errorsOf(withRule({{"match", "exact"}, {"pattern", "index.html"}, {"ttl", 1}})),
              ElementsAre(ErrorAt("cache.rules.0.pattern", "value_error")));
  EXPECT_THAT(errorsOf(withRule({{"match", "suffix"}, {"pattern", ".css"}, {"ttl", 1}})),
              IsEmpty());
}

TEST(DomainConfTest, RulePatternRejectsControlCharacters) {
  EXPECT_THAT(errorsOf(withRule({{"match", "suffix"}, {"pattern", ".css\n"}, {"ttl", 1}})),
              ElementsAre(ErrorAt("cache.rules.0.pattern", "value_error")));
}

TEST(DomainConfTest, RegexPatternMustCompile) {
  EXPECT_THAT(
      errorsOf(withRule({{"match", "regex"}, {"pattern", R"(^/img/.*\.(png|jpg)$)"}, {"ttl", 60}})),
      IsEmpty());
  EXPECT_THAT(errorsOf(withRule({{"match", "regex"}, {"pattern", "/img/(unclosed"}, {"ttl", 60}})),
              ElementsAre(ErrorAt("cache.rules.0.pattern", "value_error")));
}

TEST(DomainConfTest, RegexRepetitionBlowUpIsRefused) {
  EXPECT_THAT(errorsOf(withRule(
                  {{"match", "regex"}, {"pattern", R"(^/v\d{1,3}/[a-f0-9]{32}$)"}, {"ttl", 60}})),
              IsEmpty());
  EXPECT_THAT(
      errorsOf(withRule({{"match", "regex"}, {"pattern", "((a{1000}){1000}){1000}"}, {"ttl", 60}})),
      ElementsAre(ErrorAt("cache.rules.0.pattern", "value_error")));
  EXPECT_THAT(errorsOf(withRule({{"match", "regex"}, {"pattern", "(a{200,}){200}"}, {"ttl", 60}})),
              ElementsAre(ErrorAt("cache.rules.0.pattern", "value_error")));
  // Escaped braces are literals, not counts.
  EXPECT_THAT(errorsOf(withRule({{"match", "regex"}, {"pattern", R"(\{99999\})"}, {"ttl", 60}})),
              IsEmpty());
}

TEST(DomainConfTest, RuleErrorsInPatternAndTtlBypassAreAllReported) {
  EXPECT_THAT(errorsOf(withRule({{"match", "prefix"}, {"pattern", "nope"}})),
              ElementsAre(ErrorAt("cache.rules.0.pattern", "value_error"),
                          ErrorAt("cache.rules.0", "value_error")));
}

TEST(DomainConfTest, RuleNeedsTtlOrBypass) {
  EXPECT_THAT(errorsOf(withRule({{"match", "prefix"}, {"pattern", "/a/"}})),
              ElementsAre(ErrorAt("cache.rules.0", "value_error")));
  EXPECT_THAT(errorsOf(withRule({{"match", "prefix"}, {"pattern", "/a/"}, {"bypass", false}})),
              ElementsAre(ErrorAt("cache.rules.0", "value_error")));
}

TEST(DomainConfTest, RuleTtlAndBypassAreExclusive) {
  EXPECT_THAT(
      errorsOf(withRule({{"match", "prefix"}, {"pattern", "/a/"}, {"ttl", 5}, {"bypass", true}})),
      ElementsAre(ErrorAt("cache.rules.0", "value_error")));
}

TEST(DomainConfTest, RuleTtlZeroIsAllowedAndNegativeIsNot) {
  auto r = parseDomainConf(withRule({{"match", "prefix"}, {"pattern", "/a/"}, {"ttl", 0}}));
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value.cache.rules[0].ttl, 0);
  // One mistake, one error: the missing-ttl rule does not pile on.
  EXPECT_THAT(errorsOf(withRule({{"match", "prefix"}, {"pattern", "/a/"}, {"ttl", -5}})),
              ElementsAre(ErrorAt("cache.rules.0.ttl", "greater_than_equal")));
}

TEST(DomainConfTest, SliceSizeIsABoundedPowerOfTwo) {
  json body = minimal();
  body["cache"] = {{"slice", {{"enable", true}, {"size", 2 * 1024 * 1024}}}};
  auto r = parseDomainConf(body);
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_TRUE(r.value.cache.slice.enable);
  EXPECT_EQ(r.value.cache.slice.size, 2 * 1024 * 1024);

  body["cache"]["slice"]["size"] = kMinSliceSize / 2;
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("cache.slice.size", "greater_than_equal")));
  body["cache"]["slice"]["size"] = kMaxSliceSize * 2;
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("cache.slice.size", "less_than_equal")));
  body["cache"]["slice"]["size"] = 3 * 64 * 1024;
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("cache.slice.size", "value_error")));
  body["cache"]["slice"]["size"] = kMinSliceSize;
  EXPECT_THAT(errorsOf(body), IsEmpty());
  body["cache"]["slice"]["size"] = kMaxSliceSize;
  EXPECT_THAT(errorsOf(body), IsEmpty());
}

TEST(DomainConfTest, AcmeEnableIsTyped) {
  json body = minimal();
  body["acme"] = {{"enable", false}};
  EXPECT_FALSE(parseDomainConf(body).value.acme.enable);
  body["acme"] = {{"enable", "false"}};
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("acme.enable", "bool_type")));
  body["acme"] = false;
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("acme", "dict_type")));
}

// --- unknown fields at every level ---

TEST(DomainConfTest, UnknownFieldsAreRejectedAtEveryLevel) {
  json body = json::parse(kSpecExample);
  body["tls"] = true;
  body["origins"][0]["timeout"] = 5;
  body["cache"]["max_size"] = 1;
  body["cache"]["rules"][1]["regex"] = true;
  body["cache"]["slice"]["align"] = 1;
  body["acme"]["provider"] = "letsencrypt";
  EXPECT_THAT(errorsOf(body), ElementsAre(ErrorAt("origins.0.timeout", "extra_forbidden"),
                                          ErrorAt("cache.rules.1.regex", "extra_forbidden"),
                                          ErrorAt("cache.slice.align", "extra_forbidden"),
                                          ErrorAt("cache.max_size", "extra_forbidden"),
                                          ErrorAt("acme.provider", "extra_forbidden"),
                                          ErrorAt("tls", "extra_forbidden")));
}

TEST(DomainConfTest, NeverThrowsWhateverTypeAnyFieldHas) {
  json spec = json::parse(kSpecExample);
  const json substitutes[] = {nullptr,
                              true,
                              -1,
                              uint64_t{18446744073709551615u},
                              1.5,
                              "",
                              "x",
                              json::array(),
                              json::object(),
                              json::array({json::object()})};
  size_t cases = 0;
  json leaves = spec.flatten();
  for (const auto& [pointer, unused] : leaves.items()) {
    json::json_pointer ptr(pointer);
    // Replace the leaf and every ancestor, so containers get wrong types too.
    for (json::json_pointer at = ptr; !at.empty(); at = at.parent_pointer()) {
      for (const json& substitute : substitutes) {
        json doc = spec;
        doc[at] = substitute;
        Validated<DomainConf> r;
        ASSERT_NO_THROW(r = parseDomainConf(doc)) << at.to_string();
        if (r.ok()) {
          EXPECT_NO_THROW(toJson(r.value).dump());
        }
        ++cases;
      }
    }
  }
  EXPECT_GT(cases, 200u);
}

// --- stored documents (what the edge reads) ---

TEST(StoredDomainConfTest, ReadsWhatToJsonWrote) {
  DomainConf c = parseDomainConf(json::parse(kSpecExample)).value;
  auto r = parseStoredDomainConf(toJson(c).dump());
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value, c);
}

TEST(StoredDomainConfTest, IgnoresFieldsFromANewerWriterAtEveryLevel) {
  json doc = json::parse(kSpecExample);
  doc["waf"] = {{"enable", true}};
  doc["origins"][0]["timeout"] = 5;
  doc["cache"]["rules"][0]["methods"] = {"GET"};
  auto r = parseStoredDomainConf(doc.dump());
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(toJson(r.value), json::parse(kSpecExample));
}

TEST(StoredDomainConfTest, StillEnforcesEveryOtherRule) {
  json doc = json::parse(kSpecExample);
  doc["origins"][0]["port"] = 0;
  EXPECT_THAT(parseStoredDomainConf(doc.dump()).errors,
              ElementsAre(ErrorAt("origins.0.port", "greater_than_equal")));
}

TEST(StoredDomainConfTest, SyntaxErrorIsOneJsonInvalidError) {
  EXPECT_THAT(parseStoredDomainConf("{\"domain\": \"www.example.com\",").errors,
              ElementsAre(ErrorAt("", "json_invalid")));
}

// --- validate ---

TEST(DomainConfTest, ValidateFindsErrorsInCodeBuiltConfig) {
  DomainConf c = parseDomainConf(minimal()).value;
  c.origins[0].weight = 0;
  c.cache.slice.size = 1000;
  EXPECT_THAT(validate(c), ElementsAre(ErrorAt("origins.0.weight", "greater_than_equal"),
                                       ErrorAt("cache.slice.size", "greater_than_equal")));
}

TEST(DomainConfTest, EnumNamesMatchTheSpecSpelling) {
  EXPECT_EQ(toString(OriginScheme::kHttps), "https");
  EXPECT_EQ(toString(RuleMatch::kRegex), "regex");
  EXPECT_EQ(toString(QueryStringMode::kIgnore), "ignore");
}

}  // namespace
}  // namespace cirrus::model
