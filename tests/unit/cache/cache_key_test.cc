#include "cache/cache_key.h"

#include <vector>

#include <gtest/gtest.h>

namespace cirrus::cache {
namespace {

using model::QueryStringMode;

TEST(CacheKeyTest, IncludesSchemeHostPathAndQuery) {
  PrimaryKey k = makePrimaryKey("https", "www.example.com", "/a/b?x=1", QueryStringMode::kInclude);
  EXPECT_EQ(k.text, "https://www.example.com/a/b?x=1");
  EXPECT_EQ(k.id, hashKeyText(k.text));
  EXPECT_NE(k.id,
            makePrimaryKey("http", "www.example.com", "/a/b?x=1", QueryStringMode::kInclude).id);
}

TEST(CacheKeyTest, IgnoresQueryWhenDomainSaysSo) {
  EXPECT_EQ(makePrimaryKey("https", "h", "/a?x=1", QueryStringMode::kIgnore).id,
            makePrimaryKey("https", "h", "/a?y=2", QueryStringMode::kIgnore).id);
  EXPECT_NE(makePrimaryKey("https", "h", "/a?x=1", QueryStringMode::kInclude).id,
            makePrimaryKey("https", "h", "/a?y=2", QueryStringMode::kInclude).id);
}

TEST(CacheKeyTest, SortedModeOrdersParametersByNameStably) {
  EXPECT_EQ(canonicalTarget("/a?b=2&a=1&c=3", QueryStringMode::kSorted), "/a?a=1&b=2&c=3");
  // Repeated names keep their relative order.
  EXPECT_EQ(canonicalTarget("/a?z=1&a=2&a=1", QueryStringMode::kSorted), "/a?a=2&a=1&z=1");
  EXPECT_EQ(canonicalTarget("/a?b&&a=", QueryStringMode::kSorted), "/a?a=&b");
  EXPECT_EQ(canonicalTarget("/a", QueryStringMode::kSorted), "/a");
}

TEST(CacheKeyTest, SortedModeHandlesLongQueries) {
  std::string target = "/a?";
  for (int i = 39; i >= 0; --i) target += "p" + std::to_string(100 + i) + "=1&";
  std::string sorted = canonicalTarget(target, QueryStringMode::kSorted);
  EXPECT_TRUE(sorted.starts_with("/a?p100=1&p101=1&")) << sorted;
  EXPECT_TRUE(sorted.ends_with("&p139=1")) << sorted;
}

TEST(CacheKeyTest, ReusedKeyBufferGivesTheSameKey) {
  PrimaryKey scratch;
  makePrimaryKeyInto(scratch, "https", "h", "/long/path/first?x=1", QueryStringMode::kInclude);
  makePrimaryKeyInto(scratch, "http", "h", "/b?z=1&y=2", QueryStringMode::kSorted);
  PrimaryKey fresh = makePrimaryKey("http", "h", "/b?z=1&y=2", QueryStringMode::kSorted);
  EXPECT_EQ(scratch.text, "http://h/b?y=2&z=1");
  EXPECT_EQ(scratch.id, fresh.id);
}

TEST(CacheKeyTest, IncludeModeKeepsQueryByteForByte) {
  EXPECT_EQ(canonicalTarget("/a?b=2&a=1", QueryStringMode::kInclude), "/a?b=2&a=1");
  EXPECT_EQ(canonicalTarget("/a?", QueryStringMode::kInclude), "/a?");
  EXPECT_EQ(canonicalTarget("/a#frag", QueryStringMode::kInclude), "/a");
}

TEST(CacheKeyTest, SliceBlocksGetTheirOwnKeysPerBlockAndSize) {
  auto block = [](int64_t size, int64_t index) {
    return makePrimaryKey("https", "h", "/v.mp4", QueryStringMode::kInclude,
                          SliceBlock{size, index});
  };
  EXPECT_EQ(block(1 << 20, 3).text, "https://h/v.mp4#slice=1048576:3");
  EXPECT_NE(block(1 << 20, 3).id, block(1 << 20, 4).id);
  EXPECT_NE(block(1 << 20, 0).id, block(1 << 21, 0).id);
  EXPECT_NE(block(1 << 20, 0).id,
            makePrimaryKey("https", "h", "/v.mp4", QueryStringMode::kInclude).id);
}

TEST(CacheKeyTest, FormatsIdAsHex) {
  EXPECT_EQ(toHex(CacheKey{0x1, 0xabc}),
            "0000000000000001"
            "0000000000000abc");
}

TEST(VaryTest, NormalisesFieldNames) {
  std::vector<HeaderField> r = {{"Vary", "Accept-Encoding, accept-language"},
                                {"vary", " ACCEPT-ENCODING "}};
  VaryFields v = parseVary(r);
  EXPECT_EQ(v.names, (std::vector<std::string>{"accept-encoding", "accept-language"}));
  EXPECT_FALSE(v.star);
  std::vector<HeaderField> star = {{"Vary", "*"}};
  EXPECT_TRUE(parseVary(star).star);
}

TEST(VaryTest, NoVaryMeansSecondaryKeyZero) {
  std::vector<HeaderField> req = {{"Accept-Encoding", "gzip"}};
  EXPECT_EQ(secondaryKey({}, req), 0u);
}

TEST(VaryTest, SelectsByTheRequestValuesOfVaryFieldsOnly) {
  std::vector<std::string> names = {"accept-encoding"};
  std::vector<HeaderField> gzip = {{"Accept-Encoding", "gzip"}, {"User-Agent", "a"}};
  std::vector<HeaderField> gzip_other_ua = {{"accept-encoding", "gzip"}, {"User-Agent", "b"}};
  std::vector<HeaderField> br = {{"Accept-Encoding", "br"}};
  EXPECT_EQ(secondaryKey(names, gzip), secondaryKey(names, gzip_other_ua));
  EXPECT_NE(secondaryKey(names, gzip), secondaryKey(names, br));
}

TEST(VaryTest, WhitespaceAroundListMembersDoesNotMatter) {
  std::vector<std::string> names = {"accept-encoding"};
  std::vector<HeaderField> a = {{"Accept-Encoding", "gzip,br"}};
  std::vector<HeaderField> b = {{"Accept-Encoding", " gzip ,  br "}};
  std::vector<HeaderField> split = {{"Accept-Encoding", "gzip"}, {"Accept-Encoding", "br"}};
  EXPECT_EQ(secondaryKey(names, a), secondaryKey(names, b));
  EXPECT_EQ(secondaryKey(names, a), secondaryKey(names, split));
}

TEST(VaryTest, AbsentFieldDiffersFromEmptyField) {
  std::vector<std::string> names = {"accept-language"};
  std::vector<HeaderField> absent;
  std::vector<HeaderField> empty = {{"Accept-Language", ""}};
  EXPECT_NE(secondaryKey(names, absent), secondaryKey(names, empty));
}

TEST(VaryTest, ValueOfOneFieldCannotImpersonateTwoFields) {
  std::vector<std::string> names = {"a", "b"};
  std::vector<HeaderField> one = {{"A", "x,y"}};
  std::vector<HeaderField> two = {{"A", "x"}, {"B", "y"}};
  EXPECT_NE(secondaryKey(names, one), secondaryKey(names, two));
}

}  // namespace
}  // namespace cirrus::cache
