// Regression cases found by tests/fuzz/cache_control_fuzz.cc.
#include <cstdint>
#include <limits>
#include <optional>

#include <gtest/gtest.h>

#include "cache/range.h"

namespace cirrus::cache {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMiB = int64_t{1} << 20;

// An origin may state any length in Content-Range ("bytes 0-1048575/9223372036854775807"), and
// a client may then ask for its last bytes. The last block then ends at INT64_MAX, where
// index * size + size overflowed (signed overflow, range.cc pieceOfBlock / blockRangeHeader /
// classifyBlockResponse).
TEST(RangeRegressionTest, SlicesTheLastBlockOfAnInt64LongRepresentation) {
  RangePlan plan = planRange(parseRange("bytes=9223372036854775000-"), kMax);
  ASSERT_EQ(plan.answer, RangeAnswer::kPartial);
  EXPECT_EQ(plan.last, kMax - 1);
  BlockSpan span = blocksCovering(plan.first, plan.last, kMiB);
  ASSERT_EQ(span.count(), 1);
  int64_t block_first = kMax - kMiB + 1;
  EXPECT_EQ(span.last_index * kMiB, block_first);
  EXPECT_EQ(blockRangeHeader(span.last_index, kMiB),
            "bytes=9223372036853727232-9223372036854775807");
  BlockPiece piece = pieceOfBlock(span.last_index, kMiB, plan.first, plan.last);
  EXPECT_EQ(piece.offset, plan.first - block_first);
  EXPECT_EQ(piece.length, 807);
}

TEST(RangeRegressionTest, RecognisesTheOriginsLastBlockAtTheInt64End) {
  int64_t index = kMax / kMiB;
  std::optional<int64_t> complete;
  // The block holds bytes 9223372036853727232 .. 9223372036854775806: one short of a full block.
  EXPECT_EQ(classifyBlockResponse(
                206, "bytes 9223372036853727232-9223372036854775806/9223372036854775807", index,
                kMiB, kMiB - 1, complete),
            BlockFetch::kBlock);
  EXPECT_EQ(complete, kMax);
  EXPECT_EQ(classifyBlockResponse(206, "bytes 9223372036853727232-9223372036854775806/*", index,
                                  kMiB, kMiB - 1, complete),
            BlockFetch::kMismatch);
}

}  // namespace
}  // namespace cirrus::cache
