#include "edge/request_parser.h"

#include <string>

#include <gtest/gtest.h>

namespace cirrus::edge {
namespace {

struct Parsed {
  RequestParser::Status status;
  HeadError error;
  RequestHead head;
};

Parsed parseAll(std::string_view text, RequestLimits limits = {}) {
  RequestParser parser(limits);
  Parsed p{};
  p.status = parser.parse(text, p.head);
  p.error = parser.error();
  return p;
}

HeadError rejection(std::string_view text, RequestLimits limits = {}) {
  auto p = parseAll(text, limits);
  EXPECT_EQ(p.status, RequestParser::Status::kError) << text;
  return p.error;
}

TEST(RequestParserTest, ParsesSimpleGetWithViewsIntoTheBuffer) {
  std::string text = "GET /a/b?c=d HTTP/1.1\r\nHost: Example.COM:8080\r\nX-A:  v1 \r\n\r\nNEXT";
  auto p = parseAll(text);
  ASSERT_EQ(p.status, RequestParser::Status::kComplete);
  EXPECT_EQ(p.head.method, "GET");
  EXPECT_EQ(p.head.target, "/a/b?c=d");
  EXPECT_EQ(p.head.version_minor, 1);
  EXPECT_EQ(p.head.host, "Example.COM:8080");
  EXPECT_EQ(p.head.field("x-a"), "v1");
  EXPECT_EQ(p.head.fields.size(), 2u);
  EXPECT_EQ(p.head.framing, BodyFraming::kNone);
  EXPECT_TRUE(p.head.keep_alive);
  EXPECT_EQ(p.head.head_bytes, text.size() - 4);
  EXPECT_GE(p.head.method.data(), text.data());
  EXPECT_LT(p.head.method.data(), text.data() + text.size());
}

TEST(RequestParserTest, ReportsIncompleteUntilTheEmptyLineArrivesByteByByte) {
  std::string text = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc";
  RequestParser parser;
  RequestHead head;
  size_t end = text.size() - 3;
  for (size_t n = 1; n < end; ++n) {
    ASSERT_EQ(parser.parse(std::string_view(text).substr(0, n), head),
              RequestParser::Status::kIncomplete)
        << n;
  }
  ASSERT_EQ(parser.parse(text, head), RequestParser::Status::kComplete);
  EXPECT_EQ(head.framing, BodyFraming::kContentLength);
  EXPECT_EQ(head.content_length, 3u);
  EXPECT_EQ(head.head_bytes, end);
}

TEST(RequestParserTest, ReadsChunkedFraming) {
  auto p = parseAll("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n");
  ASSERT_EQ(p.status, RequestParser::Status::kComplete);
  EXPECT_EQ(p.head.framing, BodyFraming::kChunked);
}

TEST(RequestParserTest, ZeroContentLengthMeansNoBody) {
  auto p = parseAll("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(p.status, RequestParser::Status::kComplete);
  EXPECT_EQ(p.head.framing, BodyFraming::kNone);
}

TEST(RequestParserTest, ConnectionCloseAndHttp10DisableKeepAlive) {
  auto a = parseAll("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n");
  EXPECT_FALSE(a.head.keep_alive);
  auto b = parseAll("GET / HTTP/1.0\r\n\r\n");
  ASSERT_EQ(b.status, RequestParser::Status::kComplete);
  EXPECT_FALSE(b.head.keep_alive);
  EXPECT_EQ(b.head.host, "");
  auto c = parseAll("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
  EXPECT_TRUE(c.head.keep_alive);
}

TEST(RequestParserTest, RecognisesExpectContinue) {
  auto p =
      parseAll("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 5\r\n\r\n");
  EXPECT_TRUE(p.head.expect_continue);
  EXPECT_FALSE(p.head.expect_other);
  auto q = parseAll("PUT / HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\n\r\n");
  EXPECT_TRUE(q.head.expect_other);
}

TEST(RequestParserTest, AcceptsAbsoluteFormAndOptionsStar) {
  EXPECT_EQ(parseAll("GET http://a/x HTTP/1.1\r\nHost: a\r\n\r\n").status,
            RequestParser::Status::kComplete);
  EXPECT_EQ(parseAll("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n").status,
            RequestParser::Status::kComplete);
}

TEST(RequestParserTest, RejectsContentLengthWithTransferEncoding) {
  EXPECT_EQ(rejection("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n"),
            HeadError::kContentLengthWithTransfer);
  EXPECT_EQ(rejection("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                      "Content-Length: 3\r\n\r\n"),
            HeadError::kContentLengthWithTransfer);
}

TEST(RequestParserTest, RejectsDuplicateContentLengthEvenWhenEqual) {
  EXPECT_EQ(
      rejection("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n"),
      HeadError::kDuplicateContentLength);
  EXPECT_EQ(
      rejection("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n"),
      HeadError::kDuplicateContentLength);
}

TEST(RequestParserTest, RejectsListOrSignedOrHugeContentLength) {
  for (std::string_view v : {"3, 3", "+3", "-1", "0x10", "", "1 2", "99999999999999999999"}) {
    std::string text =
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + std::string(v) + "\r\n\r\n";
    EXPECT_EQ(rejection(text), HeadError::kBadContentLength) << v;
  }
}

TEST(RequestParserTest, RejectsBareLfAnywhereInTheHead) {
  EXPECT_EQ(rejection("GET / HTTP/1.1\nHost: a\r\n\r\n"), HeadError::kBareLf);
  EXPECT_EQ(rejection("GET / HTTP/1.1\r\nHost: a\n\r\n"), HeadError::kBareLf);
  EXPECT_EQ(rejection("GET / HTTP/1.1\r\nHost: a\r\n\n"), HeadError::kBareLf);
  EXPECT_EQ(rejection("GET / HTTP/1.1\nHost: a\n\n"), HeadError::kBareLf);
}

TEST(RequestParserTest, RejectsBareCrInsideAValue) {
  EXPECT_EQ(rejection("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n"), HeadError::kBareCr);
}

TEST(RequestParserTest, RejectsObsFold) {
  EXPECT_EQ(rejection("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n  b\r\n\r\n"), HeadError::kObsFold);
  EXPECT_EQ(rejection("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n\tb\r\n\r\n"), HeadError::kObsFold);
}

TEST(RequestParserTest, RejectsWhitespaceBeforeColon) {
  EXPECT_EQ(rejection("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), HeadError::kWhitespaceBeforeColon);
  EXPECT_EQ(rejection("GET / HTTP/1.1\r\nHost: a\r\nContent-Length\t: 1\r\n\r\n"),
            HeadError::kWhitespaceBeforeColon);
}

TEST(RequestParserTest, RejectsBadFieldNamesAndControlCharactersInValues) {
  EXPECT_EQ(rejection("GET / HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n"), HeadError::kBadFieldName);
  EXPECT_EQ(rejection("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n"), HeadError::kBadFieldName);
  EXPECT_EQ(rejection("GET / HTTP/1.1\r\nHost: a\r\nX(y): 1\r\n\r\n"), HeadError::kBadFieldName);
  static constexpr char kNul[] = "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n";
  EXPECT_EQ(rejection(std::string(kNul, sizeof kNul - 1)), HeadError::kBadFieldValue);
  EXPECT_EQ(rejection("GET / HTTP/1.1\r\nHost: a\r\nX: a\x01\r\n\r\n"), HeadError::kBadFieldValue);
}

TEST(RequestParserTest, RejectsMalformedRequestLines) {
  for (std::string_view line : {"GET  / HTTP/1.1", "GET / HTTP/1.1 ", " GET / HTTP/1.1", "GET /",
                                "GET / HTTP/1", "G(T / HTTP/1.1", "GET a HTTP/1.1",
                                "GET /a b HTTP/1.1", "GET / http/1.1", "CONNECT a:443 HTTP/1.1"}) {
    std::string text = std::string(line) + "\r\nHost: a\r\n\r\n";
    EXPECT_EQ(rejection(text), HeadError::kBadStartLine) << line;
  }
}

TEST(RequestParserTest, RejectsOtherVersionsWith505) {
  EXPECT_EQ(rejection("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), HeadError::kUnsupportedVersion);
  EXPECT_EQ(rejection("GET / HTTP/1.2\r\nHost: a\r\n\r\n"), HeadError::kUnsupportedVersion);
  EXPECT_EQ(statusFor(HeadError::kUnsupportedVersion), 505u);
}

TEST(RequestParserTest, RejectsTransferCodingsOtherThanChunkedWith501) {
  for (std::string_view te :
       {"gzip", "gzip, chunked", "chunked, chunked", "identity", "chunked;x"}) {
    std::string text =
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: " + std::string(te) + "\r\n\r\n";
    EXPECT_EQ(rejection(text), HeadError::kUnsupportedTransferEncoding) << te;
  }
  EXPECT_EQ(rejection("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n"),
            HeadError::kUnsupportedTransferEncoding);
  EXPECT_EQ(statusFor(HeadError::kUnsupportedTransferEncoding), 501u);
}

TEST(RequestParserTest, RejectsChunkedOnHttp10) {
  EXPECT_EQ(rejection("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"),
            HeadError::kUnsupportedTransferEncoding);
}

TEST(RequestParserTest, RejectsMissingDuplicateOrInvalidHost) {
  EXPECT_EQ(rejection("GET / HTTP/1.1\r\nX: y\r\n\r\n"), HeadError::kMissingHost);
  EXPECT_EQ(rejection("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), HeadError::kDuplicateHost);
  EXPECT_EQ(rejection("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), HeadError::kBadHost);
  EXPECT_EQ(rejection("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"), HeadError::kBadHost);
}

TEST(RequestParserTest, AnswersAnOverlongRequestLineWith414BeforeItEnds) {
  RequestLimits limits;
  limits.max_request_line = 64;
  std::string text = "GET /" + std::string(100, 'a');
  EXPECT_EQ(rejection(text, limits), HeadError::kStartLineTooLong);
  EXPECT_EQ(statusFor(HeadError::kStartLineTooLong), 414u);
  std::string complete = "GET /" + std::string(100, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n";
  EXPECT_EQ(rejection(complete, limits), HeadError::kStartLineTooLong);
}

TEST(RequestParserTest, AcceptsARequestLineExactlyAtTheLimit) {
  RequestLimits limits;
  limits.max_request_line = 64;
  std::string target = "/" + std::string(64 - 14, 'a');
  std::string line = "GET " + target + " HTTP/1.1";
  ASSERT_EQ(line.size(), 64u);
  EXPECT_EQ(parseAll(line + "\r\nHost: a\r\n\r\n", limits).status,
            RequestParser::Status::kComplete);
}

TEST(RequestParserTest, AnswersAnOversizedHeaderBlockWith431) {
  RequestLimits limits;
  limits.max_header_bytes = 256;
  std::string text = "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(300, 'v');
  EXPECT_EQ(rejection(text, limits), HeadError::kHeadersTooLarge);
  EXPECT_EQ(rejection(text + "\r\n\r\n", limits), HeadError::kHeadersTooLarge);
  EXPECT_EQ(statusFor(HeadError::kHeadersTooLarge), 431u);
}

TEST(RequestParserTest, AnswersTooManyFieldsWith431) {
  std::string text = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (size_t i = 0; i < kMaxRequestFields; ++i) text += "X: 1\r\n";
  EXPECT_EQ(rejection(text + "\r\n"), HeadError::kTooManyHeaders);
  EXPECT_EQ(statusFor(HeadError::kTooManyHeaders), 431u);
}

TEST(RequestParserTest, ParsesPipelinedRequestsOneAfterTheOther) {
  std::string text = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n";
  RequestParser parser;
  RequestHead head;
  ASSERT_EQ(parser.parse(text, head), RequestParser::Status::kComplete);
  EXPECT_EQ(head.target, "/1");
  std::string_view rest = std::string_view(text).substr(head.head_bytes);
  parser.reset();
  ASSERT_EQ(parser.parse(rest, head), RequestParser::Status::kComplete);
  EXPECT_EQ(head.target, "/2");
  EXPECT_EQ(head.head_bytes, rest.size());
}

TEST(RequestParserTest, MapsEverySyntaxErrorTo400) {
  for (auto e : {HeadError::kBareLf, HeadError::kObsFold, HeadError::kWhitespaceBeforeColon,
                 HeadError::kDuplicateContentLength, HeadError::kContentLengthWithTransfer,
                 HeadError::kBadContentLength, HeadError::kMissingHost}) {
    EXPECT_EQ(statusFor(e), 400u) << toString(e);
  }
}

}  // namespace
}  // namespace cirrus::edge
