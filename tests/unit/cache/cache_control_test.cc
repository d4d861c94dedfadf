#include "cache/cache_control.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace cirrus::cache {
namespace {

TEST(CacheControlTest, ReadsResponseDirectivesWhateverTheirCaseAndSpacing) {
  CacheControl cc = parseCacheControlValue(
      " Max-Age=60 ,S-MAXAGE=120,public,  must-revalidate ,proxy-revalidate, no-transform,"
      "immutable, stale-while-revalidate=30, stale-if-error=600");
  EXPECT_EQ(cc.max_age, 60);
  EXPECT_EQ(cc.s_maxage, 120);
  EXPECT_TRUE(cc.is_public);
  EXPECT_TRUE(cc.must_revalidate);
  EXPECT_TRUE(cc.proxy_revalidate);
  EXPECT_TRUE(cc.no_transform);
  EXPECT_TRUE(cc.immutable);
  EXPECT_EQ(cc.stale_while_revalidate, 30);
  EXPECT_EQ(cc.stale_if_error, 600);
  EXPECT_FALSE(cc.invalid_freshness);
}

TEST(CacheControlTest, AcceptsQuotedArguments) {
  // RFC 9111 §5.2: recipients accept the quoted-string form of arguments.
  CacheControl cc = parseCacheControlValue("max-age=\"30\"");
  EXPECT_EQ(cc.max_age, 30);
  EXPECT_FALSE(cc.invalid_freshness);
}

TEST(CacheControlTest, TellsQualifiedNoCacheFromUnqualified) {
  CacheControl plain = parseCacheControlValue("no-cache");
  EXPECT_TRUE(plain.no_cache);
  EXPECT_TRUE(plain.no_cache_fields.empty());

  CacheControl qualified = parseCacheControlValue("no-cache=\"Set-Cookie, X-Secret\", max-age=5");
  EXPECT_FALSE(qualified.no_cache);
  EXPECT_EQ(qualified.no_cache_fields, "Set-Cookie, X-Secret");
  EXPECT_EQ(qualified.max_age, 5);  // the comma inside quotes did not split the list
  std::vector<std::string> listed;
  forEachQualifiedField(qualified, [&](std::string_view f) { listed.emplace_back(f); });
  EXPECT_EQ(listed, (std::vector<std::string>{"Set-Cookie", "X-Secret"}));
}

TEST(CacheControlTest, TellsQualifiedPrivateFromUnqualified) {
  EXPECT_TRUE(parseCacheControlValue("private").is_private);
  CacheControl q = parseCacheControlValue("private=\"X-User\"");
  EXPECT_FALSE(q.is_private);
  EXPECT_EQ(q.private_fields, "X-User");
}

TEST(CacheControlTest, MarksNonIntegerMaxAgeAsInvalidFreshness) {
  // RFC 9111 §4.2.1: responses with invalid freshness information are treated as stale.
  for (const char* value : {"max-age=abc", "max-age=-1", "max-age=", "max-age", "max-age=1.5"}) {
    CacheControl cc = parseCacheControlValue(value);
    EXPECT_TRUE(cc.invalid_freshness) << value;
    EXPECT_EQ(cc.max_age, 0) << value;
  }
}

TEST(CacheControlTest, MarksConflictingDuplicateMaxAgeAsInvalidButNotEqualOnes) {
  EXPECT_TRUE(parseCacheControlValue("max-age=10, max-age=20").invalid_freshness);
  CacheControl same = parseCacheControlValue("max-age=10, max-age=10");
  EXPECT_FALSE(same.invalid_freshness);
  EXPECT_EQ(same.max_age, 10);
}

TEST(CacheControlTest, SaturatesHugeDeltaSecondsAtTwoToTheThirtyOne) {
  // RFC 9111 §1.2.2.
  EXPECT_EQ(parseCacheControlValue("max-age=99999999999999999999").max_age, kDeltaSecondsMax);
}

TEST(CacheControlTest, ReadsRequestDirectives) {
  CacheControl cc =
      parseCacheControlValue("max-age=0, max-stale=10, min-fresh=5, only-if-cached, no-store");
  EXPECT_EQ(cc.max_age, 0);
  EXPECT_EQ(cc.max_stale, 10);
  EXPECT_EQ(cc.min_fresh, 5);
  EXPECT_TRUE(cc.only_if_cached);
  EXPECT_TRUE(cc.no_store);
}

TEST(CacheControlTest, BareMaxStaleAcceptsAnyStaleness) {
  EXPECT_EQ(parseCacheControlValue("max-stale").max_stale, kDeltaSecondsMax);
}

TEST(CacheControlTest, IgnoresUnknownDirectives) {
  CacheControl cc = parseCacheControlValue("community=\"UCI\", max-age=7, foo");
  EXPECT_EQ(cc.max_age, 7);
  EXPECT_FALSE(cc.invalid_freshness);
}

TEST(CacheControlTest, CombinesEveryFieldLine) {
  std::vector<HeaderField> fields = {
      {"Cache-Control", "public"}, {"X-Other", "max-age=1"}, {"cache-control", "max-age=9"}};
  CacheControl cc = parseCacheControl(fields, "Cache-Control");
  EXPECT_TRUE(cc.is_public);
  EXPECT_EQ(cc.max_age, 9);
}

TEST(CacheControlTest, CdnCacheControlReplacesCacheControlForTheCache) {
  // RFC 9213 §2.1: the CDN obeys CDN-Cache-Control and ignores Cache-Control entirely.
  std::vector<HeaderField> fields = {{"Cache-Control", "private, max-age=5"},
                                     {"CDN-Cache-Control", "max-age=600"}};
  CacheControl cc = effectiveResponseCacheControl(fields);
  EXPECT_EQ(cc.max_age, 600);
  EXPECT_FALSE(cc.is_private);
}

TEST(CacheControlTest, CacheControlAppliesWithoutCdnCacheControl) {
  std::vector<HeaderField> fields = {{"Cache-Control", "private, max-age=5"}};
  CacheControl cc = effectiveResponseCacheControl(fields);
  EXPECT_TRUE(cc.is_private);
  EXPECT_EQ(cc.max_age, 5);
}

TEST(CacheControlTest, PragmaNoCacheCountsOnlyWithoutCacheControl) {
  std::vector<HeaderField> pragma_only = {{"Pragma", "no-cache"}};
  EXPECT_TRUE(requestCacheControl(pragma_only).no_cache);
  std::vector<HeaderField> both = {{"Pragma", "no-cache"}, {"Cache-Control", "max-age=5"}};
  EXPECT_FALSE(requestCacheControl(both).no_cache);
}

}  // namespace
}  // namespace cirrus::cache
