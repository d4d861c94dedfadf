#include "core/error.h"

#include <gtest/gtest.h>

#include "core/result.h"

namespace cirrus {
namespace {

TEST(ErrorTest, MessageNamesSourceCodeAndContext) {
  EXPECT_EQ(storeUnavailable("connect 127.0.0.1:6379: Connection refused").message(),
            "store unavailable: connect 127.0.0.1:6379: Connection refused");
  EXPECT_EQ(upstreamTimeout("origin a.test").message(), "upstream timeout: origin a.test");
  EXPECT_EQ(redisReplyError("ERR wrong type").message(), "store redis error: ERR wrong type");
  EXPECT_EQ(badRequest("").message(), "downstream bad request");
}

TEST(ErrorTest, BecausePrependsWhatTheCallerWasDoing) {
  auto e = storeTimeout("GET cdn:dom:a.test").because("loading domain a.test");
  EXPECT_EQ(e.context(), "loading domain a.test: GET cdn:dom:a.test");
  EXPECT_EQ(e.message(), "store timeout: loading domain a.test: GET cdn:dom:a.test");
  // Code, source and retryable are kept.
  EXPECT_EQ(e.code(), ErrorCode::kTimeout);
  EXPECT_EQ(e.source(), ErrorSource::kStore);
  EXPECT_TRUE(e.retryable());
  EXPECT_EQ(notFound("").because("domain a.test").context(), "domain a.test");
}

TEST(ErrorTest, NamedConstructorsSetCodeSourceAndRetryable) {
  struct Case {
    Error e;
    ErrorCode code;
    ErrorSource source;
    bool retryable;
  };
  const Case cases[] = {
      {badRequest("x"), ErrorCode::kBadRequest, ErrorSource::kDownstream, false},
      {notFound("x"), ErrorCode::kNotFound, ErrorSource::kStore, false},
      {conflict("x"), ErrorCode::kConflict, ErrorSource::kStore, false},
      {storeUnavailable("x"), ErrorCode::kUnavailable, ErrorSource::kStore, true},
      {storeTimeout("x"), ErrorCode::kTimeout, ErrorSource::kStore, true},
      {storeProtocol("x"), ErrorCode::kProtocol, ErrorSource::kStore, false},
      {redisReplyError("x"), ErrorCode::kRedisReply, ErrorSource::kStore, false},
      {upstreamUnavailable("x"), ErrorCode::kUnavailable, ErrorSource::kUpstream, true},
      {upstreamTimeout("x"), ErrorCode::kTimeout, ErrorSource::kUpstream, true},
      {upstreamProtocol("x"), ErrorCode::kProtocol, ErrorSource::kUpstream, false},
      {internalError("x"), ErrorCode::kInternal, ErrorSource::kInternal, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.e.code(), c.code) << c.e.message();
    EXPECT_EQ(c.e.source(), c.source) << c.e.message();
    EXPECT_EQ(c.e.retryable(), c.retryable) << c.e.message();
    EXPECT_EQ(c.e.context(), "x");
  }
}

TEST(ErrorTest, PredicatesDistinguishCodesAndSources) {
  EXPECT_TRUE(isNotFound(notFound("x")));
  EXPECT_FALSE(isNotFound(conflict("x")));
  EXPECT_TRUE(isConflict(conflict("x")));
  EXPECT_TRUE(isTimeout(storeTimeout("x")));
  EXPECT_TRUE(isTimeout(upstreamTimeout("x")));
  EXPECT_FALSE(isTimeout(storeUnavailable("x")));
  EXPECT_TRUE(isUnavailable(storeUnavailable("x")));
  EXPECT_TRUE(isUnavailable(upstreamUnavailable("x")));
  EXPECT_TRUE(isUpstreamTimeout(upstreamTimeout("x")));
  EXPECT_FALSE(isUpstreamTimeout(storeTimeout("x")));
  EXPECT_TRUE(isStoreError(storeProtocol("x")));
  EXPECT_TRUE(isStoreError(redisReplyError("x")));
  EXPECT_FALSE(isStoreError(upstreamProtocol("x")));
  EXPECT_FALSE(isStoreError(badRequest("x")));
}

TEST(ErrorTest, EveryCodeAndSourceHasAName) {
  for (auto c :
       {ErrorCode::kBadRequest, ErrorCode::kNotFound, ErrorCode::kConflict, ErrorCode::kUnavailable,
        ErrorCode::kTimeout, ErrorCode::kProtocol, ErrorCode::kRedisReply, ErrorCode::kInternal}) {
    EXPECT_NE(toString(c), "unknown");
  }
  for (auto s : {ErrorSource::kDownstream, ErrorSource::kUpstream, ErrorSource::kInternal,
                 ErrorSource::kStore}) {
    EXPECT_NE(toString(s), "unknown");
  }
}

Result<int> half(int v) {
  if (v % 2 != 0) return badRequest("odd");
  return v / 2;
}

Result<void> check(bool good) {
  if (!good) return storeUnavailable("down");
  return ok();
}

TEST(ResultTest, CarriesAValueOrAnError) {
  auto r = half(8);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 4);
  auto bad = half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "downstream bad request: odd");
  EXPECT_TRUE(check(true));
  EXPECT_TRUE(isUnavailable(check(false).error()));
}

TEST(ResultTest, ValueOnAnErrorThrowsErrorException) {
  try {
    (void)half(3).value();
    FAIL() << "value() on an error must throw";
  } catch (const ErrorException& e) {
    EXPECT_EQ(e.error().code(), ErrorCode::kBadRequest);
    EXPECT_STREQ(e.what(), "downstream bad request: odd");
  }
}

}  // namespace
}  // namespace cirrus
