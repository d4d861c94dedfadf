#include "cache/revalidation.h"

#include <gtest/gtest.h>

#include "cache/cache_status.h"
#include "cache/entity_tag.h"
#include "cache/object_factory.h"
#include "core/http_date.h"

namespace cirrus::cache {
namespace {

constexpr int64_t kLm = 784111777;

CachedObjectSharedPtr stored(std::string etag = "\"v1\"") {
  test::ObjectSpec spec;
  static const std::string lm = formatHttpDate(kLm);
  static const std::string date = formatHttpDate(1'000'000);
  static std::string etag_holder;
  etag_holder = etag;
  spec.response_fields = {{"Cache-Control", "max-age=60"}, {"Date", date},
                          {"ETag", etag_holder},           {"Last-Modified", lm},
                          {"Content-Type", "text/html"},   {"X-Version", "1"}};
  spec.body = "<p>body</p>";
  return test::makeObject(spec);
}

TEST(EntityTagTest, ComparesStronglyAndWeakly) {
  EXPECT_TRUE(strongEtagMatch("\"1\"", "\"1\""));
  EXPECT_FALSE(strongEtagMatch("W/\"1\"", "\"1\""));
  EXPECT_TRUE(weakEtagMatch("W/\"1\"", "\"1\""));
  EXPECT_FALSE(weakEtagMatch("\"1\"", "\"2\""));
  EXPECT_FALSE(weakEtagMatch("1", "1"));  // unquoted is malformed
  EXPECT_TRUE(noneMatchListMatches("\"x\", W/\"1\"", "\"1\""));
  EXPECT_TRUE(noneMatchListMatches("*", "\"anything\""));
}

TEST(RevalidationTest, BuildsConditionalFieldsFromStoredValidators) {
  ConditionalFields c = conditionalFields(*stored());
  EXPECT_EQ(c.if_none_match, "\"v1\"");
  EXPECT_EQ(c.if_modified_since, "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_TRUE(hasValidator(*stored()));
}

TEST(RevalidationTest, MergesA304IntoANewObjectSharingTheBody) {
  CachedObjectSharedPtr old = stored();
  std::vector<HeaderField> nm = {{"ETag", "\"v1\""},           {"Cache-Control", "max-age=300"},
                                 {"X-Version", "2"},           {"Content-Length", "0"},
                                 {"Connection", "keep-alive"}, {"Age", "3"}};
  CachedObjectSharedPtr fresh = mergeNotModified(*old, nm, {2'000'000, 2'000'001});
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->body, old->body);  // shared, not copied
  EXPECT_EQ(fresh->policy.lifetime, 300);
  EXPECT_EQ(fresh->times.response_time, 2'000'001);
  EXPECT_EQ(fresh->times.age_value, 3);
  EXPECT_NE(fresh->head.find("X-Version: 2\r\n"), std::string::npos);
  EXPECT_EQ(fresh->head.find("X-Version: 1"), std::string::npos);
  EXPECT_NE(fresh->head.find("Content-Length: 11\r\n"), std::string::npos);  // §3.2
  EXPECT_EQ(fresh->head.find("Connection"), std::string::npos);
  EXPECT_NE(fresh->head.find("Content-Type: text/html\r\n"), std::string::npos);
  EXPECT_EQ(old->policy.lifetime, 60);  // the stored object itself never changes
}

TEST(RevalidationTest, RefusesA304ForAnotherRepresentation) {
  std::vector<HeaderField> other = {{"ETag", "\"v2\""}};
  EXPECT_FALSE(mergeNotModified(*stored(), other, {1, 2}));
  std::vector<HeaderField> weak_same = {{"ETag", "W/\"v1\""}};
  EXPECT_TRUE(mergeNotModified(*stored(), weak_same, {1, 2}));
  const std::string later = formatHttpDate(kLm + 1);
  std::vector<HeaderField> lm_other = {{"Last-Modified", later}};
  EXPECT_FALSE(mergeNotModified(*stored(), lm_other, {1, 2}));
}

ClientConditional conditional(std::vector<HeaderField> req, std::string_view method = "GET") {
  return evaluateConditionals(method, req, *stored());
}

TEST(ClientConditionalTest, IfNoneMatchUsesWeakComparison) {
  EXPECT_EQ(conditional({{"If-None-Match", "W/\"v1\""}}), ClientConditional::kNotModified);
  EXPECT_EQ(conditional({{"If-None-Match", "\"v0\", \"v1\""}}), ClientConditional::kNotModified);
  EXPECT_EQ(conditional({{"If-None-Match", "\"v0\""}}), ClientConditional::kNone);
  EXPECT_EQ(conditional({{"If-None-Match", "*"}}), ClientConditional::kNotModified);
}

TEST(ClientConditionalTest, IfModifiedSinceComparesLastModified) {
  EXPECT_EQ(conditional({{"If-Modified-Since", formatHttpDate(kLm)}}),
            ClientConditional::kNotModified);
  EXPECT_EQ(conditional({{"If-Modified-Since", formatHttpDate(kLm - 1)}}),
            ClientConditional::kNone);
  EXPECT_EQ(conditional({{"If-Modified-Since", "garbage"}}), ClientConditional::kNone);
}

TEST(ClientConditionalTest, IfNoneMatchTakesPrecedenceOverIfModifiedSince) {
  EXPECT_EQ(conditional({{"If-None-Match", "\"v0\""}, {"If-Modified-Since", formatHttpDate(kLm)}}),
            ClientConditional::kNone);
}

TEST(ClientConditionalTest, FailedIfMatchIsPreconditionFailed) {
  EXPECT_EQ(conditional({{"If-Match", "\"v0\""}}), ClientConditional::kPreconditionFailed);
  EXPECT_EQ(conditional({{"If-Match", "\"v1\""}}), ClientConditional::kNone);
  EXPECT_EQ(conditional({{"If-Unmodified-Since", formatHttpDate(kLm - 10)}}),
            ClientConditional::kPreconditionFailed);
}

TEST(ClientConditionalTest, IgnoredForNon2xxStoredResponses) {
  test::ObjectSpec spec;
  spec.status = 404;
  spec.response_fields = {{"ETag", "\"v1\""}};
  std::vector<HeaderField> req = {{"If-None-Match", "\"v1\""}};
  EXPECT_EQ(evaluateConditionals("GET", req, *test::makeObject(spec)), ClientConditional::kNone);
}

TEST(ClientConditionalTest, NotModifiedHeadRepeatsOnlyTheRequiredFields) {
  std::string head = notModifiedHead(*stored());
  EXPECT_TRUE(head.starts_with("HTTP/1.1 304 Not Modified\r\n"));
  EXPECT_NE(head.find("ETag: \"v1\"\r\n"), std::string::npos);
  EXPECT_NE(head.find("Cache-Control: max-age=60\r\n"), std::string::npos);
  EXPECT_EQ(head.find("Content-Type"), std::string::npos);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
}

TEST(CacheStatusTest, FormatsRfc9211ValuesForEachPhase) {
  EXPECT_EQ(formatCacheStatus({CachePhase::kHit, NoCacheReason::kNone, false, 42}),
            "cirrus; hit; ttl=42");
  EXPECT_EQ(formatCacheStatus({CachePhase::kStale, NoCacheReason::kNone, false, -5}),
            "cirrus; hit; ttl=-5");
  EXPECT_EQ(formatCacheStatus({CachePhase::kMiss, NoCacheReason::kNone, true, 60, 200}),
            "cirrus; fwd=uri-miss; fwd-status=200; ttl=60; stored");
  EXPECT_EQ(formatCacheStatus(
                {CachePhase::kMiss, NoCacheReason::kOriginNoStore, false, std::nullopt, 200}),
            "cirrus; fwd=uri-miss; fwd-status=200; detail=origin-no-store");
  EXPECT_EQ(formatCacheStatus({CachePhase::kBypass, NoCacheReason::kCookie}),
            "cirrus; fwd=bypass; detail=cookie");
  EXPECT_EQ(formatCacheStatus({CachePhase::kBypass, NoCacheReason::kRequestNoCache}),
            "cirrus; fwd=request; detail=request-no-cache");
  EXPECT_EQ(formatCacheStatus({CachePhase::kRevalidated, NoCacheReason::kNone, true, 300, 304}),
            "cirrus; fwd=stale; fwd-status=304; ttl=300; stored");
  CacheOutcome vary_miss{CachePhase::kMiss};
  vary_miss.variant_miss = true;
  EXPECT_EQ(formatCacheStatus(vary_miss), "cirrus; fwd=vary-miss");
}

TEST(CacheStatusTest, XCacheValuesMatchTheSpecList) {
  EXPECT_EQ(xCacheValue(CachePhase::kHit), "HIT");
  EXPECT_EQ(xCacheValue(CachePhase::kMiss), "MISS");
  EXPECT_EQ(xCacheValue(CachePhase::kStale), "STALE");
  EXPECT_EQ(xCacheValue(CachePhase::kBypass), "BYPASS");
  EXPECT_EQ(xCacheValue(CachePhase::kExpired), "EXPIRED");
  EXPECT_EQ(xCacheValue(CachePhase::kRevalidated), "REVALIDATED");
}

TEST(CacheStatusTest, AppendsAgeCacheStatusAndXCacheFields) {
  std::string head = "HTTP/1.1 200 OK\r\n";
  appendCacheFields(head, 12, {CachePhase::kHit, NoCacheReason::kNone, false, 48});
  EXPECT_EQ(head,
            "HTTP/1.1 200 OK\r\nAge: 12\r\nCache-Status: cirrus; hit; ttl=48\r\nX-Cache: HIT\r\n");
}

}  // namespace
}  // namespace cirrus::cache
