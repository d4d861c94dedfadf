#include "cache/freshness.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/http_date.h"

namespace cirrus::cache {
namespace {

constexpr int64_t kNow = 1'700'000'000;

NoCacheReason storable(std::vector<HeaderField> response, std::vector<HeaderField> request = {},
                       unsigned status = 200, std::string_view method = "GET",
                       bool allow_partial = false) {
  CacheControl rc = effectiveResponseCacheControl(response);
  CacheControl qc = requestCacheControl(request);
  StorabilityInput in;
  in.method = method;
  in.status = status;
  in.request_fields = request;
  in.response_fields = response;
  in.response_cc = &rc;
  in.request_cc = &qc;
  in.allow_partial = allow_partial;
  return checkStorable(in);
}

TEST(StorabilityTest, ParsesDirectivesFromTheFieldsWhenNotGivenParsed) {
  std::vector<HeaderField> response = {{"CDN-Cache-Control", "no-store"},
                                       {"Cache-Control", "max-age=60"}};
  std::vector<HeaderField> request = {{"Cache-Control", "no-store"}};
  StorabilityInput in;
  in.method = "GET";
  in.status = 200;
  in.response_fields = response;
  EXPECT_EQ(checkStorable(in), NoCacheReason::kOriginNoStore) << "CDN-Cache-Control wins";
  response.erase(response.begin());
  in.response_fields = response;
  EXPECT_EQ(checkStorable(in), NoCacheReason::kNone);
  in.request_fields = request;
  EXPECT_EQ(checkStorable(in), NoCacheReason::kRequestNoStore);
}

TEST(StorabilityTest, StoresA200WithMaxAge) {
  EXPECT_EQ(storable({{"Cache-Control", "max-age=60"}}), NoCacheReason::kNone);
}

TEST(StorabilityTest, StoresStatusesCacheableByDefaultWithoutFreshness) {
  for (unsigned s : {200u, 203u, 204u, 300u, 301u, 308u, 404u, 405u, 410u, 414u, 501u}) {
    EXPECT_EQ(storable({}, {}, s), NoCacheReason::kNone) << s;
  }
}

TEST(StorabilityTest, RefusesOtherStatusesUnlessExplicitlyFresh) {
  for (unsigned s : {302u, 307u, 400u, 403u, 500u, 502u, 503u}) {
    EXPECT_EQ(storable({}, {}, s), NoCacheReason::kStatus) << s;
  }
  EXPECT_EQ(storable({{"Cache-Control", "max-age=5"}}, {}, 302), NoCacheReason::kNone);
  EXPECT_EQ(storable({{"Expires", "Sun, 06 Nov 1994 08:49:37 GMT"}}, {}, 302),
            NoCacheReason::kNone);
  EXPECT_EQ(storable({{"Cache-Control", "public"}}, {}, 302), NoCacheReason::kNone);
}

TEST(StorabilityTest, NeverStores304OrInterimResponses) {
  EXPECT_EQ(storable({{"Cache-Control", "max-age=60"}}, {}, 304), NoCacheReason::kStatus);
  EXPECT_EQ(storable({{"Cache-Control", "max-age=60"}}, {}, 100), NoCacheReason::kStatus);
}

TEST(StorabilityTest, Stores206OnlyWhenSlicing) {
  std::vector<HeaderField> r = {{"Content-Range", "bytes 0-9/100"}, {"Cache-Control", "max-age=9"}};
  EXPECT_EQ(storable(r, {}, 206), NoCacheReason::kPartialContent);
  EXPECT_EQ(storable(r, {}, 206, "GET", true), NoCacheReason::kNone);
}

TEST(StorabilityTest, StoresOnlyGetResponses) {
  EXPECT_EQ(storable({{"Cache-Control", "max-age=60"}}, {}, 200, "POST"), NoCacheReason::kMethod);
  EXPECT_EQ(storable({{"Cache-Control", "max-age=60"}}, {}, 200, "HEAD"), NoCacheReason::kMethod);
}

TEST(StorabilityTest, HonoursNoStoreOnEitherSide) {
  EXPECT_EQ(storable({{"Cache-Control", "no-store, max-age=60"}}), NoCacheReason::kOriginNoStore);
  EXPECT_EQ(storable({{"Cache-Control", "max-age=60"}}, {{"Cache-Control", "no-store"}}),
            NoCacheReason::kRequestNoStore);
}

TEST(StorabilityTest, SharedCacheRefusesPrivateButNotQualifiedPrivate) {
  EXPECT_EQ(storable({{"Cache-Control", "private, max-age=60"}}), NoCacheReason::kOriginPrivate);
  EXPECT_EQ(storable({{"Cache-Control", "private=\"X-User\", max-age=60"}}), NoCacheReason::kNone);
}

TEST(StorabilityTest, CdnCacheControlOverridesPrivateInCacheControl) {
  EXPECT_EQ(storable({{"Cache-Control", "private"}, {"CDN-Cache-Control", "max-age=60"}}),
            NoCacheReason::kNone);
}

TEST(StorabilityTest, AuthorizedRequestsNeedAnExplicitPermission) {
  // RFC 9111 §3.5.
  std::vector<HeaderField> auth = {{"Authorization", "Bearer x"}};
  EXPECT_EQ(storable({{"Cache-Control", "max-age=60"}}, auth), NoCacheReason::kAuthorization);
  EXPECT_EQ(storable({{"Cache-Control", "public, max-age=60"}}, auth), NoCacheReason::kNone);
  EXPECT_EQ(storable({{"Cache-Control", "s-maxage=60"}}, auth), NoCacheReason::kNone);
  EXPECT_EQ(storable({{"Cache-Control", "must-revalidate, max-age=60"}}, auth),
            NoCacheReason::kNone);
}

TEST(StorabilityTest, MustUnderstandOverridesNoStoreForUnderstoodStatuses) {
  // RFC 9111 §5.2.2.3.
  EXPECT_EQ(storable({{"Cache-Control", "must-understand, no-store, max-age=60"}}),
            NoCacheReason::kNone);
  EXPECT_EQ(storable({{"Cache-Control", "must-understand, no-store, max-age=60"}}, {}, 299),
            NoCacheReason::kStatus);
}

TEST(StorabilityTest, RefusesVaryStarAndSetCookie) {
  EXPECT_EQ(storable({{"Cache-Control", "max-age=60"}, {"Vary", "Accept, *"}}),
            NoCacheReason::kVaryStar);
  EXPECT_EQ(storable({{"Cache-Control", "max-age=60"}, {"Set-Cookie", "a=b"}}),
            NoCacheReason::kSetCookie);
}

int64_t lifetime(std::vector<HeaderField> response, unsigned status = 200,
                 std::optional<int64_t> rule_ttl = std::nullopt, int64_t default_ttl = 0) {
  CacheControl cc = effectiveResponseCacheControl(response);
  FreshnessInput in;
  in.cc = &cc;
  in.status = status;
  in.date = parseHttpDate(findField(response, "Date"));
  in.has_expires = hasField(response, "Expires");
  in.expires = parseHttpDate(findField(response, "Expires"));
  in.last_modified = parseHttpDate(findField(response, "Last-Modified"));
  in.response_time = kNow;
  in.rule_ttl = rule_ttl;
  in.default_ttl = default_ttl;
  return freshnessLifetime(in);
}

TEST(FreshnessLifetimeTest, SMaxageBeatsMaxAgeBeatsExpires) {
  std::string date = formatHttpDate(kNow);
  std::string expires = formatHttpDate(kNow + 1000);
  EXPECT_EQ(lifetime({{"Cache-Control", "max-age=10, s-maxage=20"}, {"Expires", expires}}), 20);
  EXPECT_EQ(lifetime({{"Cache-Control", "max-age=10"}, {"Expires", expires}, {"Date", date}}), 10);
  EXPECT_EQ(lifetime({{"Expires", expires}, {"Date", date}}), 1000);
}

TEST(FreshnessLifetimeTest, ExpiresIsMeasuredFromDate) {
  // Origin clock 100 s behind ours: Expires − Date still gives the intended 300 s.
  const std::string date = formatHttpDate(kNow - 100);
  const std::string expires = formatHttpDate(kNow + 200);
  std::vector<HeaderField> r = {{"Date", date}, {"Expires", expires}};
  EXPECT_EQ(lifetime(r), 300);
}

TEST(FreshnessLifetimeTest, CdnCacheControlMakesExpiresIgnoredToo) {
  // RFC 9213 §2.1: the targeted field replaces both Cache-Control and Expires.
  const std::string expires = formatHttpDate(kNow + 1000);
  EXPECT_EQ(lifetime({{"CDN-Cache-Control", "must-revalidate"}, {"Expires", expires}}), 0);
  EXPECT_EQ(lifetime({{"CDN-Cache-Control", "max-age=5"}, {"Expires", expires}}), 5);
  EXPECT_EQ(storable({{"CDN-Cache-Control", "public"}, {"Expires", expires}}, {}, 302),
            NoCacheReason::kNone);
  EXPECT_EQ(storable({{"CDN-Cache-Control", "no-transform"}, {"Expires", expires}}, {}, 302),
            NoCacheReason::kStatus);
}

TEST(FreshnessLifetimeTest, InvalidExpiresMeansAlreadyExpired) {
  // RFC 9111 §5.3: "Expires: 0" is in the past.
  EXPECT_EQ(lifetime({{"Expires", "0"}}, 200, std::nullopt, 3600), 0);
}

TEST(FreshnessLifetimeTest, InvalidMaxAgeMakesTheResponseStale) {
  EXPECT_EQ(lifetime({{"Cache-Control", "max-age=soon"}, {"Expires", formatHttpDate(kNow + 99)}}),
            0);
}

TEST(FreshnessLifetimeTest, HeuristicIsTenPercentOfAgeSinceLastModified) {
  const std::string date = formatHttpDate(kNow);
  const std::string last_modified = formatHttpDate(kNow - 1000);
  std::vector<HeaderField> r = {{"Date", date}, {"Last-Modified", last_modified}};
  EXPECT_EQ(lifetime(r), 100);
}

TEST(FreshnessLifetimeTest, HeuristicIsCappedAtOneDay) {
  const std::string last_modified = formatHttpDate(kNow - 365 * 86400);
  std::vector<HeaderField> r = {{"Last-Modified", last_modified}};
  EXPECT_EQ(lifetime(r), kHeuristicCapSeconds);
}

TEST(FreshnessLifetimeTest, NoHeuristicForStatusesNotCacheableByDefault) {
  const std::string last_modified = formatHttpDate(kNow - 1000);
  std::vector<HeaderField> r = {{"Last-Modified", last_modified}};
  EXPECT_EQ(lifetime(r, 302), 0);
  EXPECT_EQ(lifetime({}, 302, std::nullopt, 60), 0);
}

TEST(FreshnessLifetimeTest, DomainDefaultTtlReplacesTheHeuristicOnly) {
  const std::string last_modified = formatHttpDate(kNow - 1000);
  std::vector<HeaderField> lm = {{"Last-Modified", last_modified}};
  EXPECT_EQ(lifetime(lm, 200, std::nullopt, 3600), 3600);
  EXPECT_EQ(lifetime({{"Cache-Control", "max-age=5"}}, 200, std::nullopt, 3600), 5);
  EXPECT_EQ(lifetime({}, 200, std::nullopt, 0), 0);
}

TEST(FreshnessLifetimeTest, RuleTtlOverridesOriginFreshness) {
  EXPECT_EQ(lifetime({{"Cache-Control", "max-age=5"}}, 200, 86400), 86400);
  EXPECT_EQ(lifetime({{"Cache-Control", "max-age=oops"}}, 200, 2), 2);
}

TEST(CurrentAgeTest, FollowsRfc9111Section423) {
  ResponseTimes t;
  t.request_time = kNow - 12;
  t.response_time = kNow - 10;  // response_delay 2
  t.date = kNow - 15;           // apparent_age 5
  t.age_value = 1;              // corrected_age_value 3
  EXPECT_EQ(currentAge(t, kNow), 5 + 10);
  t.age_value = 20;  // corrected_age_value 22 wins
  EXPECT_EQ(currentAge(t, kNow), 22 + 10);
}

TEST(CurrentAgeTest, OriginClockAheadNeverMakesAgeNegative) {
  ResponseTimes t{kNow, kNow, kNow + 500, 0};
  EXPECT_EQ(currentAge(t, kNow), 0);
}

TEST(CurrentAgeTest, ReadsAgeFieldAndIgnoresGarbage) {
  std::vector<HeaderField> ok = {{"Age", " 42 "}};
  std::vector<HeaderField> bad = {{"Age", "4x"}};
  EXPECT_EQ(parseAgeValue(ok), 42);
  EXPECT_EQ(parseAgeValue(bad), 0);
}

// A response stored at kNow with Date = kNow.
ResponseTimes storedAt(int64_t t) {
  return ResponseTimes{t, t, t, 0};
}

CacheControl req(std::string_view v) {
  return parseCacheControlValue(v);
}

TEST(ReuseTest, FreshWithinLifetimeAndStaleAfter) {
  StoredPolicy p = makeStoredPolicy(req("max-age=60"), 60);
  ReuseDecision d = decideReuse(p, storedAt(kNow), 0, {}, kNow + 59);
  EXPECT_EQ(d.action, Reuse::kFresh);
  EXPECT_EQ(d.age, 59);
  EXPECT_EQ(d.ttl, 1);
  EXPECT_EQ(decideReuse(p, storedAt(kNow), 0, {}, kNow + 60).action, Reuse::kRevalidate);
}

TEST(ReuseTest, ServesStaleWithinStaleWhileRevalidateWindow) {
  StoredPolicy p = makeStoredPolicy(req("max-age=60, stale-while-revalidate=30"), 60);
  EXPECT_EQ(decideReuse(p, storedAt(kNow), 0, {}, kNow + 90).action, Reuse::kStaleWhileRevalidate);
  EXPECT_EQ(decideReuse(p, storedAt(kNow), 0, {}, kNow + 91).action, Reuse::kRevalidate);
}

TEST(ReuseTest, StaleWhileRevalidateAppliesWithSMaxage) {
  StoredPolicy p = makeStoredPolicy(req("s-maxage=1, stale-while-revalidate=59"), 1);
  EXPECT_EQ(decideReuse(p, storedAt(kNow), 0, {}, kNow + 30).action, Reuse::kStaleWhileRevalidate);
}

TEST(ReuseTest, MustRevalidateForbidsEveryStaleUse) {
  StoredPolicy p =
      makeStoredPolicy(req("max-age=60, must-revalidate, stale-while-revalidate=30"), 60);
  EXPECT_EQ(decideReuse(p, storedAt(kNow), 0, {}, kNow + 61).action, Reuse::kRevalidate);
  EXPECT_EQ(decideReuse(p, storedAt(kNow), 0, req("max-stale"), kNow + 61).action,
            Reuse::kRevalidate);
}

TEST(ReuseTest, NoCacheResponseAlwaysRevalidates) {
  StoredPolicy p = makeStoredPolicy(req("no-cache, max-age=600"), 600);
  EXPECT_EQ(decideReuse(p, storedAt(kNow), 0, {}, kNow + 1).action, Reuse::kRevalidate);
}

TEST(ReuseTest, RequestNoCacheRevalidatesAFreshResponse) {
  StoredPolicy p = makeStoredPolicy(req("max-age=600"), 600);
  EXPECT_EQ(decideReuse(p, storedAt(kNow), 0, req("no-cache"), kNow + 1).action,
            Reuse::kRevalidate);
}

TEST(ReuseTest, RequestMaxAgeRefusesOlderResponses) {
  StoredPolicy p = makeStoredPolicy(req("max-age=600"), 600);
  EXPECT_EQ(decideReuse(p, storedAt(kNow), 0, req("max-age=10"), kNow + 10).action, Reuse::kFresh);
  EXPECT_EQ(decideReuse(p, storedAt(kNow), 0, req("max-age=10"), kNow + 11).action,
            Reuse::kRevalidate);
}

TEST(ReuseTest, RequestMinFreshNeedsThatMuchLifeLeft) {
  StoredPolicy p = makeStoredPolicy(req("max-age=100"), 100);
  EXPECT_EQ(decideReuse(p, storedAt(kNow), 0, req("min-fresh=20"), kNow + 80).action,
            Reuse::kFresh);
  EXPECT_EQ(decideReuse(p, storedAt(kNow), 0, req("min-fresh=20"), kNow + 81).action,
            Reuse::kRevalidate);
}

TEST(ReuseTest, RequestMaxStaleAcceptsBoundedStaleness) {
  StoredPolicy p = makeStoredPolicy(req("max-age=100"), 100);
  EXPECT_EQ(decideReuse(p, storedAt(kNow), 0, req("max-stale=50"), kNow + 150).action,
            Reuse::kStale);
  EXPECT_EQ(decideReuse(p, storedAt(kNow), 0, req("max-stale=50"), kNow + 151).action,
            Reuse::kRevalidate);
}

TEST(ReuseTest, SMaxageRefusesClientMaxStale) {
  // RFC 9111 §5.2.2.10: s-maxage implies proxy-revalidate.
  StoredPolicy p = makeStoredPolicy(req("s-maxage=100"), 100);
  EXPECT_EQ(decideReuse(p, storedAt(kNow), 0, req("max-stale"), kNow + 150).action,
            Reuse::kRevalidate);
}

TEST(ReuseTest, OnlyIfCachedFailsInsteadOfGoingToTheOrigin) {
  StoredPolicy p = makeStoredPolicy(req("max-age=10"), 10);
  EXPECT_EQ(decideReuse(p, storedAt(kNow), 0, req("only-if-cached"), kNow + 5).action,
            Reuse::kFresh);
  EXPECT_EQ(decideReuse(p, storedAt(kNow), 0, req("only-if-cached"), kNow + 50).action,
            Reuse::kOnlyIfCachedFail);
}

TEST(ReuseTest, SoftPurgeMakesAFreshResponseStaleButServableUnderSwr) {
  StoredPolicy swr = makeStoredPolicy(req("max-age=600, stale-while-revalidate=60"), 600);
  ReuseDecision d = decideReuse(swr, storedAt(kNow), kNow + 10, {}, kNow + 20);
  EXPECT_EQ(d.action, Reuse::kStaleWhileRevalidate);
  EXPECT_EQ(d.ttl, -10);
  StoredPolicy plain = makeStoredPolicy(req("max-age=600"), 600);
  EXPECT_EQ(decideReuse(plain, storedAt(kNow), kNow + 10, {}, kNow + 10).action,
            Reuse::kRevalidate);
}

TEST(StaleIfErrorTest, ServesStaleWithinTheWindowOnly) {
  StoredPolicy p = makeStoredPolicy(req("max-age=60, stale-if-error=100"), 60);
  EXPECT_TRUE(canServeStaleOnError(p, storedAt(kNow), 0, {}, kNow + 160));
  EXPECT_FALSE(canServeStaleOnError(p, storedAt(kNow), 0, {}, kNow + 161));
}

TEST(StaleIfErrorTest, RequestDirectiveOpensTheWindowToo) {
  StoredPolicy p = makeStoredPolicy(req("max-age=60"), 60);
  EXPECT_FALSE(canServeStaleOnError(p, storedAt(kNow), 0, {}, kNow + 70));
  EXPECT_TRUE(canServeStaleOnError(p, storedAt(kNow), 0, req("stale-if-error=20"), kNow + 70));
}

TEST(StaleIfErrorTest, MustRevalidateForbidsIt) {
  StoredPolicy p = makeStoredPolicy(req("max-age=60, stale-if-error=100, must-revalidate"), 60);
  EXPECT_FALSE(canServeStaleOnError(p, storedAt(kNow), 0, {}, kNow + 61));
}

TEST(InvalidationTest, UnsafeMethodInvalidatesTargetAndSameHostLocations) {
  std::vector<HeaderField> r = {{"Location", "https://www.example.com/items/9"},
                                {"Content-Location", "https://other.example/x"}};
  auto paths = invalidatedPaths("POST", 201, "www.example.com", "/items?x=1", r);
  EXPECT_EQ(paths, (std::vector<std::string>{"/items?x=1", "/items/9"}));
}

TEST(InvalidationTest, RelativeContentLocationResolvesAgainstTheTarget) {
  std::vector<HeaderField> r = {{"Content-Location", "b.json"}};
  EXPECT_EQ(invalidatedPaths("PUT", 200, "h", "/dir/a.json", r),
            (std::vector<std::string>{"/dir/a.json", "/dir/b.json"}));
}

TEST(InvalidationTest, SafeMethodsAndErrorsInvalidateNothing) {
  EXPECT_TRUE(invalidatedPaths("GET", 200, "h", "/a", {}).empty());
  EXPECT_TRUE(invalidatedPaths("DELETE", 500, "h", "/a", {}).empty());
  EXPECT_EQ(invalidatedPaths("DELETE", 204, "h", "/a", {}).size(), 1u);
}

}  // namespace
}  // namespace cirrus::cache
