#include "cache/range.h"

#include <gtest/gtest.h>

#include "cache/object_factory.h"
#include "core/http_date.h"

namespace cirrus::cache {
namespace {

TEST(RangeTest, ParsesTheThreeSingleRangeForms) {
  RangeRequest a = parseRange("bytes=0-499");
  EXPECT_EQ(a.kind, RangeKind::kSingle);
  EXPECT_EQ(a.first, 0);
  EXPECT_EQ(a.last, 499);
  RangeRequest b = parseRange("bytes=9500-");
  EXPECT_EQ(b.kind, RangeKind::kSingle);
  EXPECT_EQ(b.first, 9500);
  EXPECT_FALSE(b.last);
  RangeRequest c = parseRange("Bytes = -500");
  EXPECT_EQ(c.kind, RangeKind::kSingle);
  EXPECT_FALSE(c.first);
  EXPECT_EQ(c.suffix_length, 500);
  EXPECT_EQ(parseRange("").kind, RangeKind::kNone);
}

TEST(RangeTest, IgnoresMultipleRangesOtherUnitsAndGarbage) {
  for (const char* v :
       {"bytes=0-1,5-6", "items=0-1", "bytes=a-b", "bytes=5-4", "bytes=", "bytes", "bytes=-"}) {
    EXPECT_EQ(parseRange(v).kind, RangeKind::kIgnored) << v;
  }
}

TEST(RangeTest, PlansPartialResponsesFromRfc9110Examples) {
  // RFC 9110 §14.1.2 examples on a 10000-byte representation.
  RangePlan first500 = planRange(parseRange("bytes=0-499"), 10000);
  EXPECT_EQ(first500.answer, RangeAnswer::kPartial);
  EXPECT_EQ(first500.first, 0);
  EXPECT_EQ(first500.last, 499);
  RangePlan last500 = planRange(parseRange("bytes=-500"), 10000);
  EXPECT_EQ(last500.first, 9500);
  EXPECT_EQ(last500.last, 9999);
  RangePlan tail = planRange(parseRange("bytes=9500-"), 10000);
  EXPECT_EQ(tail.first, 9500);
  EXPECT_EQ(tail.last, 9999);
}

TEST(RangeTest, ClampsLastPositionAndSuffixToTheLength) {
  RangePlan p = planRange(parseRange("bytes=100-999999"), 1000);
  EXPECT_EQ(p.last, 999);
  RangePlan s = planRange(parseRange("bytes=-5000"), 1000);
  EXPECT_EQ(s.first, 0);
  EXPECT_EQ(s.length(), 1000);
}

TEST(RangeTest, AnswersUnsatisfiableRangesWith416) {
  EXPECT_EQ(planRange(parseRange("bytes=1000-"), 1000).answer, RangeAnswer::kNotSatisfiable);
  EXPECT_EQ(planRange(parseRange("bytes=-0"), 1000).answer, RangeAnswer::kNotSatisfiable);
  EXPECT_EQ(planRange(parseRange("bytes=999-"), 1000).answer, RangeAnswer::kPartial);
}

TEST(RangeTest, SendsFullResponseWhenIfRangeFailsOrBodyIsEmpty) {
  EXPECT_EQ(planRange(parseRange("bytes=0-1"), 1000, false).answer, RangeAnswer::kFull);
  EXPECT_EQ(planRange(parseRange("bytes=0-1"), 0).answer, RangeAnswer::kFull);
}

TEST(IfRangeTest, MatchesOnlyAStrongEqualEtag) {
  EXPECT_TRUE(ifRangeAllows("", "\"a\"", std::nullopt, std::nullopt));
  EXPECT_TRUE(ifRangeAllows("\"a\"", "\"a\"", std::nullopt, std::nullopt));
  EXPECT_FALSE(ifRangeAllows("\"b\"", "\"a\"", std::nullopt, std::nullopt));
  EXPECT_FALSE(ifRangeAllows("W/\"a\"", "W/\"a\"", std::nullopt, std::nullopt));
  EXPECT_FALSE(ifRangeAllows("\"a\"", "W/\"a\"", std::nullopt, std::nullopt));
}

TEST(IfRangeTest, MatchesAnExactStrongLastModifiedDate) {
  int64_t lm = 784111777;
  std::string date = formatHttpDate(lm);
  EXPECT_TRUE(ifRangeAllows(date, "", lm, lm + 10));
  EXPECT_FALSE(ifRangeAllows(formatHttpDate(lm + 1), "", lm, lm + 10));
  // Last-Modified equal to Date is weak (RFC 9110 §8.8.2.2).
  EXPECT_FALSE(ifRangeAllows(date, "", lm, lm));
  EXPECT_FALSE(ifRangeAllows(date, "", std::nullopt, lm));
}

TEST(ContentRangeFormatTest, FormatsSatisfiedAndUnsatisfiedForms) {
  EXPECT_EQ(formatContentRange(0, 499, 1234), "bytes 0-499/1234");
  EXPECT_EQ(formatContentRange(0, 499, std::nullopt), "bytes 0-499/*");
  EXPECT_EQ(formatUnsatisfiedRange(1234), "bytes */1234");
}

TEST(SliceTest, FindsTheAlignedBlocksCoveringARange) {
  constexpr int64_t kSize = 1 << 20;
  BlockSpan a = blocksCovering(0, kSize - 1, kSize);
  EXPECT_EQ(a.first_index, 0);
  EXPECT_EQ(a.count(), 1);
  BlockSpan b = blocksCovering(kSize - 1, kSize, kSize);
  EXPECT_EQ(b.first_index, 0);
  EXPECT_EQ(b.last_index, 1);
  BlockSpan c = blocksCovering(5 * kSize + 3, 7 * kSize, kSize);
  EXPECT_EQ(c.first_index, 5);
  EXPECT_EQ(c.last_index, 7);
  EXPECT_EQ(blockRangeHeader(2, kSize), "bytes=2097152-3145727");
}

TEST(SliceTest, CutsTheClientRangeOutOfEachBlock) {
  // Bytes 100..250 with 100-byte blocks: block 1 all of it, block 2 bytes 0..50.
  EXPECT_EQ(pieceOfBlock(1, 100, 100, 250).offset, 0);
  EXPECT_EQ(pieceOfBlock(1, 100, 100, 250).length, 100);
  EXPECT_EQ(pieceOfBlock(2, 100, 100, 250).offset, 0);
  EXPECT_EQ(pieceOfBlock(2, 100, 100, 250).length, 51);
  EXPECT_EQ(pieceOfBlock(0, 100, 30, 40).offset, 30);
  EXPECT_EQ(pieceOfBlock(0, 100, 30, 40).length, 11);
}

CachedObjectSharedPtr block(std::string etag, int64_t total, std::string last_modified = "") {
  // Owns the strings the HeaderField views point at until the object is built.
  std::string content_range = "bytes 0-9/" + std::to_string(total);
  test::ObjectSpec spec;
  spec.status = 206;
  spec.response_fields = {{"Content-Range", content_range}};
  if (!etag.empty()) spec.response_fields.push_back({"ETag", etag});
  if (!last_modified.empty()) spec.response_fields.push_back({"Last-Modified", last_modified});
  spec.body = "0123456789";
  return test::makeObject(spec);
}

TEST(SliceTest, ClassifiesTheOriginsAnswerToABlockRequest) {
  std::optional<int64_t> total;
  EXPECT_EQ(classifyBlockResponse(206, "bytes 100-199/250", 1, 100, 100, total),
            BlockFetch::kBlock);
  EXPECT_EQ(total, 250);
  // The last block is short.
  EXPECT_EQ(classifyBlockResponse(206, "bytes 200-249/250", 2, 100, 50, total), BlockFetch::kBlock);
  EXPECT_EQ(classifyBlockResponse(200, "", 2, 100, 250, total), BlockFetch::kWhole);
  // Wrong bytes, unknown length, a body of the wrong size, or another status.
  EXPECT_EQ(classifyBlockResponse(206, "bytes 0-99/250", 1, 100, 100, total),
            BlockFetch::kMismatch);
  EXPECT_EQ(classifyBlockResponse(206, "bytes 100-199/*", 1, 100, 100, total),
            BlockFetch::kMismatch);
  EXPECT_EQ(classifyBlockResponse(206, "bytes 100-199/250", 1, 100, 99, total),
            BlockFetch::kMismatch);
  EXPECT_EQ(classifyBlockResponse(416, "bytes */250", 3, 100, 0, total), BlockFetch::kMismatch);
}

TEST(SliceTest, BlocksWithDifferentEtagsMustNotBeMixed) {
  EXPECT_TRUE(sameRepresentation(*block("\"v1\"", 100), *block("\"v1\"", 100)));
  EXPECT_FALSE(sameRepresentation(*block("\"v1\"", 100), *block("\"v2\"", 100)));
  EXPECT_FALSE(sameRepresentation(*block("\"v1\"", 100), *block("\"v1\"", 101)));
  EXPECT_FALSE(sameRepresentation(*block("W/\"v1\"", 100), *block("W/\"v1\"", 100)));
}

TEST(SliceTest, WithoutEtagsBlocksNeedEqualLastModified) {
  std::string lm = formatHttpDate(784111777);
  EXPECT_TRUE(sameRepresentation(*block("", 100, lm), *block("", 100, lm)));
  EXPECT_FALSE(sameRepresentation(*block("", 100, lm), *block("", 100, formatHttpDate(1))));
  EXPECT_FALSE(sameRepresentation(*block("", 100), *block("", 100)));
}

TEST(RangeHeadTest, RewritesStoredHeadFor206And416And200) {
  test::ObjectSpec spec;
  spec.response_fields = {{"Content-Type", "video/mp4"}};
  spec.body = std::string(1000, 'v');
  CachedObjectSharedPtr o = test::makeObject(spec);
  RangePlan p = planRange(parseRange("bytes=10-19"), 1000);
  EXPECT_EQ(rangeResponseHead(*o, p, 1000),
            "HTTP/1.1 206 Partial Content\r\n"
            "Content-Type: video/mp4\r\n"
            "Content-Range: bytes 10-19/1000\r\n"
            "Content-Length: 10\r\n");
  RangePlan bad = planRange(parseRange("bytes=2000-"), 1000);
  EXPECT_EQ(rangeResponseHead(*o, bad, 1000),
            "HTTP/1.1 416 Range Not Satisfiable\r\n"
            "Content-Range: bytes */1000\r\n"
            "Content-Length: 0\r\n");
  EXPECT_EQ(rangeResponseHead(*o, RangePlan{}, 1000),
            "HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: 1000\r\n");
}

}  // namespace
}  // namespace cirrus::cache
