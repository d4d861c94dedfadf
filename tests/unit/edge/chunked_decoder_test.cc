#include "edge/chunked_decoder.h"

#include <string>

#include <gtest/gtest.h>

namespace cirrus::edge {
namespace {

struct Decoded {
  bool ok = false;
  bool done = false;
  std::string body;
  size_t consumed = 0;
};

// Feeds `text` in pieces of `piece` bytes, as a connection would.
Decoded decodeAll(std::string_view text, size_t piece = 1 << 20, ChunkedLimits limits = {}) {
  ChunkedDecoder d(limits);
  Decoded out;
  std::string pending;
  size_t fed = 0;
  while (true) {
    if (fed < text.size()) {
      size_t n = std::min(piece, text.size() - fed);
      pending.append(text.substr(fed, n));
      fed += n;
    }
    std::string_view in = pending;
    bool need_more = false;
    while (!need_more) {
      auto step = d.decode(in);
      in.remove_prefix(step.consumed);
      out.consumed += step.consumed;
      switch (step.status) {
        case ChunkedDecoder::Status::kData:
          out.body.append(step.data);
          break;
        case ChunkedDecoder::Status::kNeedMore:
          need_more = true;
          break;
        case ChunkedDecoder::Status::kDone:
          out.ok = true;
          out.done = true;
          return out;
        case ChunkedDecoder::Status::kError:
          return out;
      }
    }
    pending = std::string(in);
    if (fed == text.size()) {
      out.ok = true;  // no error, but not done
      return out;
    }
  }
}

TEST(ChunkedDecoderTest, DecodesChunksWithExtensionsAndTrailers) {
  std::string text = "5\r\nhello\r\n6;name=value\r\n world\r\n0\r\nX-T: 1\r\n\r\nNEXT";
  auto d = decodeAll(text);
  EXPECT_TRUE(d.done);
  EXPECT_EQ(d.body, "hello world");
  EXPECT_EQ(d.consumed, text.size() - 4);
}

TEST(ChunkedDecoderTest, GivesTheSameResultFedOneByteAtATime) {
  std::string text = "A\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n";
  auto d = decodeAll(text, 1);
  EXPECT_TRUE(d.done);
  EXPECT_EQ(d.body, "0123456789abcdefghij");
}

TEST(ChunkedDecoderTest, AllowsWhitespaceOnlyBeforeAnExtension) {
  EXPECT_TRUE(decodeAll("1 ;x\r\na\r\n0\r\n\r\n").done);
  EXPECT_FALSE(decodeAll("1 \r\na\r\n0\r\n\r\n").ok);
}

TEST(ChunkedDecoderTest, WaitsForMoreWhenTheBodyIsIncomplete) {
  auto d = decodeAll("5\r\nhel");
  EXPECT_TRUE(d.ok);
  EXPECT_FALSE(d.done);
  EXPECT_EQ(d.body, "hel");
}

TEST(ChunkedDecoderTest, RejectsInvalidChunkSizes) {
  for (std::string_view bad : {"\r\n", "-1\r\n", "+1\r\n", "0x1\r\n", "g\r\n", " 1\r\n", "1 2\r\n",
                               "1\n", "1\r\r", "ffffffffffffffff\r\n", "10000000001\r\n"}) {
    EXPECT_FALSE(decodeAll(bad).ok) << bad;
  }
}

TEST(ChunkedDecoderTest, RejectsChunkSizesAboveTheLimitWithoutOverflow) {
  ChunkedLimits limits;
  limits.max_chunk_size = 1000;
  EXPECT_FALSE(decodeAll("3e9\r\n", 1 << 20, limits).ok);
  EXPECT_TRUE(decodeAll("3e8\r\n", 1 << 20, limits).ok);
}

TEST(ChunkedDecoderTest, RejectsDataNotFollowedByCrlf) {
  EXPECT_FALSE(decodeAll("1\r\nab\r\n0\r\n\r\n").ok);
  EXPECT_FALSE(decodeAll("1\r\na\n0\r\n\r\n").ok);
}

TEST(ChunkedDecoderTest, RejectsBareLfAndObsFoldInTrailers) {
  EXPECT_FALSE(decodeAll("0\r\nX: 1\n\r\n").ok);
  EXPECT_FALSE(decodeAll("0\n\r\n").ok);
  EXPECT_FALSE(decodeAll("0\r\n\n").ok);
  EXPECT_FALSE(decodeAll("0\r\nX: 1\r\n 2\r\n\r\n").ok);
  EXPECT_FALSE(decodeAll("0\r\nX : 1\r\n\r\n").ok);
  EXPECT_FALSE(decodeAll("0\r\nNoColon\r\n\r\n").ok);
}

TEST(ChunkedDecoderTest, BoundsTheSizeLineAndTheTrailers) {
  ChunkedLimits limits;
  limits.max_line = 32;
  limits.max_trailer_bytes = 64;
  EXPECT_FALSE(decodeAll("1;" + std::string(40, 'x') + "\r\na\r\n0\r\n\r\n", 1 << 20, limits).ok);
  EXPECT_FALSE(decodeAll("0\r\nX: " + std::string(80, 'y') + "\r\n\r\n", 1 << 20, limits).ok);
  EXPECT_TRUE(decodeAll("0\r\nX: " + std::string(20, 'y') + "\r\n\r\n", 1 << 20, limits).done);
}

TEST(ChunkedDecoderTest, CountsDecodedBytesAndStaysDone) {
  ChunkedDecoder d;
  std::string text = "3\r\nabc\r\n0\r\n\r\n";
  std::string_view in = text;
  while (!d.done()) {
    auto step = d.decode(in);
    ASSERT_NE(step.status, ChunkedDecoder::Status::kError);
    in.remove_prefix(step.consumed);
  }
  EXPECT_EQ(d.bodyBytes(), 3u);
  EXPECT_EQ(d.decode("junk").status, ChunkedDecoder::Status::kDone);
}

}  // namespace
}  // namespace cirrus::edge
