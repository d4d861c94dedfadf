#include "cache/cached_object.h"

#include <gtest/gtest.h>

#include "cache/object_factory.h"
#include "core/http_date.h"

namespace cirrus::cache {
namespace {

using test::makeObject;
using test::ObjectSpec;

TEST(CachedObjectTest, PreSerialisesHeadWithoutHopByHopAgeOrFramingFromOrigin) {
  ObjectSpec spec;
  spec.response_fields = {
      {"Cache-Control", "max-age=60"},  {"Connection", "close, X-Hop"}, {"X-Hop", "1"},
      {"Transfer-Encoding", "chunked"}, {"Keep-Alive", "timeout=5"},    {"Age", "7"},
      {"Content-Type", "text/plain"}};
  spec.body = "hello world";
  CachedObjectSharedPtr o = makeObject(spec);
  EXPECT_EQ(o->head,
            "HTTP/1.1 200 OK\r\n"
            "Cache-Control: max-age=60\r\n"
            "Content-Type: text/plain\r\n"
            "Content-Length: 11\r\n");
  EXPECT_EQ(o->times.age_value, 7);
  EXPECT_EQ(o->policy.lifetime, 60);
}

TEST(CachedObjectTest, StripsFieldsNamedByQualifiedNoCacheAndPrivate) {
  ObjectSpec spec;
  spec.response_fields = {{"Cache-Control", "max-age=60, no-cache=\"X-A\", private=\"x-b\""},
                          {"X-A", "1"},
                          {"X-B", "2"},
                          {"X-C", "3"}};
  CachedObjectSharedPtr o = makeObject(spec);
  EXPECT_EQ(o->head.find("X-A:"), std::string::npos);
  EXPECT_EQ(o->head.find("X-B:"), std::string::npos);
  EXPECT_NE(o->head.find("X-C: 3\r\n"), std::string::npos);
}

TEST(CachedObjectTest, KeepsSurrogateKeysAndCacheTagsAsTagsOnly) {
  ObjectSpec spec;
  spec.response_fields = {{"Cache-Control", "max-age=60"},
                          {"Surrogate-Key", "product-1  catalog"},
                          {"Cache-Tag", "catalog, home"}};
  CachedObjectSharedPtr o = makeObject(spec);
  EXPECT_EQ(o->tags, (std::vector<std::string>{"product-1", "catalog", "home"}));
  EXPECT_EQ(o->head.find("Surrogate-Key"), std::string::npos);
  EXPECT_EQ(o->head.find("Cache-Tag"), std::string::npos);
}

TEST(CachedObjectTest, RecordsValidatorsAndTimes) {
  ObjectSpec spec;
  spec.now = 1'700'000'000;  // long after Last-Modified
  const std::string date = formatHttpDate(spec.now);
  spec.response_fields = {
      {"ETag", "\"v1\""}, {"Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"}, {"Date", date}};
  CachedObjectSharedPtr o = makeObject(spec);
  EXPECT_EQ(o->etag, "\"v1\"");
  EXPECT_EQ(o->last_modified, 784111777);
  EXPECT_EQ(o->times.date, spec.now);
  // Heuristic: 10% of Date − Last-Modified, capped at one day.
  EXPECT_EQ(o->policy.lifetime, kHeuristicCapSeconds);
}

TEST(CachedObjectTest, NoContentLengthOn204) {
  ObjectSpec spec;
  spec.status = 204;
  spec.body = "";
  EXPECT_EQ(makeObject(spec)->head.find("Content-Length"), std::string::npos);
}

TEST(CachedObjectTest, SliceBlockRemembersItsPlaceInTheRepresentation) {
  ObjectSpec spec;
  spec.status = 206;
  spec.response_fields = {{"Content-Range", "bytes 1024-2047/5000"}, {"ETag", "\"s\""}};
  spec.body = std::string(1024, 'x');
  CachedObjectSharedPtr o = makeObject(spec);
  EXPECT_EQ(o->range_first, 1024);
  EXPECT_EQ(o->complete_length, 5000);
}

TEST(ContentRangeTest, ParsesCompleteAndUnknownLengths) {
  auto a = parseContentRange("bytes 0-499/1234");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->first, 0);
  EXPECT_EQ(a->last, 499);
  EXPECT_EQ(a->complete_length, 1234);
  auto b = parseContentRange("bytes 10-19/*");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->complete_length);
  EXPECT_FALSE(parseContentRange("bytes 5-4/10"));
  EXPECT_FALSE(parseContentRange("bytes 0-10/10"));
  EXPECT_FALSE(parseContentRange("items 0-1/2"));
  EXPECT_FALSE(parseContentRange("bytes */10"));
}

TEST(CachedObjectTest, ChargeCountsBodyAndHead) {
  ObjectSpec spec;
  spec.body = std::string(10000, 'b');
  CachedObjectSharedPtr o = makeObject(spec);
  EXPECT_GE(o->charge(), 10000 + o->head.size());
  EXPECT_LT(o->charge(), 10000 + o->head.size() + 2048);
}

}  // namespace
}  // namespace cirrus::cache
