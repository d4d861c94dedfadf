#include "edge/response_head_parser.h"

#include <string>

#include <gtest/gtest.h>

namespace cirrus::edge {
namespace {

struct Parsed {
  ResponseHeadParser::Status status;
  HeadError error;
  ResponseHead head;
};

Parsed parseAll(std::string_view text, bool head_request = false) {
  ResponseHeadParser parser;
  Parsed p{};
  p.status = parser.parse(text, head_request, p.head);
  p.error = parser.error();
  return p;
}

TEST(ResponseHeadParserTest, ParsesStatusLineFieldsAndContentLength) {
  auto p = parseAll("HTTP/1.1 200 OK\r\nContent-Length: 12\r\nX: y\r\n\r\nbody");
  ASSERT_EQ(p.status, ResponseHeadParser::Status::kComplete);
  EXPECT_EQ(p.head.status, 200u);
  EXPECT_EQ(p.head.reason, "OK");
  EXPECT_EQ(p.head.framing, BodyFraming::kContentLength);
  EXPECT_EQ(p.head.content_length, 12u);
  EXPECT_TRUE(p.head.keep_alive);
  EXPECT_EQ(p.head.field("x"), "y");
}

TEST(ResponseHeadParserTest, AcceptsAnEmptyReason) {
  EXPECT_EQ(parseAll("HTTP/1.1 204 \r\n\r\n").head.status, 204u);
  EXPECT_EQ(parseAll("HTTP/1.1 204\r\n\r\n").head.status, 204u);
}

TEST(ResponseHeadParserTest, ChunkedWhenTheLastCodingIsChunked) {
  EXPECT_EQ(parseAll("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").head.framing,
            BodyFraming::kChunked);
  auto p = parseAll("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n");
  EXPECT_EQ(p.head.framing, BodyFraming::kUntilClose);
  EXPECT_FALSE(p.head.keep_alive);
}

TEST(ResponseHeadParserTest, NoBodyForHeadRequests1xx204And304) {
  EXPECT_EQ(parseAll("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", true).head.framing,
            BodyFraming::kNone);
  EXPECT_EQ(parseAll("HTTP/1.1 304 NM\r\nContent-Length: 5\r\n\r\n").head.framing,
            BodyFraming::kNone);
  EXPECT_EQ(parseAll("HTTP/1.1 100 Continue\r\n\r\n").head.framing, BodyFraming::kNone);
}

TEST(ResponseHeadParserTest, ReadsUntilCloseWithoutFramingAndDoesNotReuse) {
  auto p = parseAll("HTTP/1.0 200 OK\r\n\r\n");
  EXPECT_EQ(p.head.framing, BodyFraming::kUntilClose);
  EXPECT_FALSE(p.head.keep_alive);
}

TEST(ResponseHeadParserTest, HonoursConnectionClose) {
  EXPECT_FALSE(parseAll("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                   .head.keep_alive);
}

TEST(ResponseHeadParserTest, RejectsAmbiguousFraming) {
  EXPECT_EQ(
      parseAll("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n").error,
      HeadError::kContentLengthWithTransfer);
  EXPECT_EQ(parseAll("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n").error,
            HeadError::kDuplicateContentLength);
  EXPECT_EQ(parseAll("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n").error,
            HeadError::kBadContentLength);
}

TEST(ResponseHeadParserTest, RejectsMalformedStatusLinesAndBareLf) {
  EXPECT_EQ(parseAll("HTTP/1.1 2000 OK\r\n\r\n").error, HeadError::kBadStartLine);
  EXPECT_EQ(parseAll("HTTP/1.1 20 OK\r\n\r\n").error, HeadError::kBadStartLine);
  EXPECT_EQ(parseAll("HTTP/1.1 099 OK\r\n\r\n").error, HeadError::kBadStartLine);
  EXPECT_EQ(parseAll("ICY 200 OK\r\n\r\n").error, HeadError::kBadStartLine);
  EXPECT_EQ(parseAll("HTTP/2.0 200 OK\r\n\r\n").error, HeadError::kUnsupportedVersion);
  EXPECT_EQ(parseAll("HTTP/1.1 200 OK\nX: y\r\n\r\n").error, HeadError::kBareLf);
}

TEST(ResponseHeadParserTest, IsIncrementalAndBounded) {
  std::string text = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  ResponseHeadParser parser;
  ResponseHead head;
  for (size_t n = 1; n < text.size(); ++n) {
    ASSERT_EQ(parser.parse(std::string_view(text).substr(0, n), false, head),
              ResponseHeadParser::Status::kIncomplete);
  }
  ASSERT_EQ(parser.parse(text, false, head), ResponseHeadParser::Status::kComplete);
  ResponseHeadParser small(64);
  EXPECT_EQ(small.parse("HTTP/1.1 200 OK\r\nX: " + std::string(100, 'a'), false, head),
            ResponseHeadParser::Status::kError);
}

}  // namespace
}  // namespace cirrus::edge
