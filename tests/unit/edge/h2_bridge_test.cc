#include "edge/h2_bridge.h"

#include <string>

#include <gtest/gtest.h>

#include "edge/request_parser.h"

namespace cirrus::edge {
namespace {

H2Request get(std::string_view path) {
  H2Request r;
  r.add(":method", "GET");
  r.add(":scheme", "https");
  r.add(":authority", "www.example.test");
  r.add(":path", path);
  return r;
}

TEST(H2RequestTest, PseudoHeadersBecomeTheRequestLineAndHost) {
  H2Request r = get("/a?b=1");
  r.add("accept", "*/*");
  EXPECT_EQ(r.http1Head(false),
            "GET /a?b=1 HTTP/1.1\r\nhost: www.example.test\r\naccept: */*\r\n\r\n");
  EXPECT_EQ(r.method(), "GET");
}

TEST(H2RequestTest, TheHeadParsesWithTheStrictHttp11Parser) {
  H2Request r = get("/x");
  r.add("cookie", "a=1");
  r.add("user-agent", "h2");
  r.add("cookie", "b=2");
  std::string head = r.http1Head(true);
  RequestParser parser(RequestLimits{});
  RequestHead parsed;
  ASSERT_EQ(parser.parse(head, parsed), RequestParser::Status::kComplete);
  EXPECT_EQ(parsed.method, "GET");
  EXPECT_EQ(parsed.target, "/x");
  EXPECT_EQ(parsed.host, "www.example.test");
  EXPECT_EQ(parsed.framing, BodyFraming::kChunked);
  EXPECT_EQ(parsed.head_bytes, head.size());
}

TEST(H2RequestTest, CookieCrumbsAreJoinedIntoOneField) {
  H2Request r = get("/");
  r.add("cookie", "a=1");
  r.add("cookie", "b=2");
  EXPECT_NE(r.http1Head(false).find("cookie: a=1; b=2\r\n"), std::string::npos);
}

TEST(H2RequestTest, AuthorityWinsOverHostAndHostIsUsedWithoutIt) {
  H2Request r = get("/");
  r.add("host", "other.test");
  EXPECT_NE(r.http1Head(false).find("host: www.example.test\r\n"), std::string::npos);
  EXPECT_EQ(r.http1Head(false).find("other.test"), std::string::npos);
  H2Request only_host;
  only_host.add(":method", "GET");
  only_host.add(":path", "/");
  only_host.add("host", "h.test");
  EXPECT_EQ(only_host.http1Head(false), "GET / HTTP/1.1\r\nhost: h.test\r\n\r\n");
}

TEST(H2RequestTest, TeIsDroppedAndContentLengthIsNoticed) {
  H2Request r = get("/");
  r.add("te", "trailers");
  EXPECT_FALSE(r.hasContentLength());
  r.add("content-length", "3");
  EXPECT_TRUE(r.hasContentLength());
  std::string head = r.http1Head(false);
  EXPECT_EQ(head.find("te:"), std::string::npos);
  EXPECT_NE(head.find("content-length: 3\r\n"), std::string::npos);
}

TEST(H2RequestTest, CountsEveryFieldByte) {
  H2Request r;
  r.add(":method", "GET");  // 7 + 3
  r.add("x", "yz");         // 1 + 2
  EXPECT_EQ(r.bytes(), 13u);
}

TEST(H2RequestTest, FieldsThatCouldSmuggleAFieldOrRequestAreInvalid) {
  EXPECT_TRUE(get("/").valid());
  for (auto [name, value] : {std::pair<std::string_view, std::string_view>{"x", "a\r\nb: c"},
                             {"x", "a\nb"},
                             {"x", std::string_view("a\0b", 3)},
                             {"x:y", "1"},
                             {"x y", "1"},
                             {"", "1"},
                             {":path", "/\r\nx: y"}}) {
    H2Request r = get("/");
    r.add(name, value);
    EXPECT_FALSE(r.valid()) << name;
  }
}

TEST(H2BridgeTest, ChunksFrameData) {
  std::string out;
  appendChunk(out, "hello");
  appendChunk(out, "");
  appendChunk(out, std::string(300, 'a'));
  EXPECT_EQ(out.substr(0, 10), "5\r\nhello\r\n");
  EXPECT_EQ(out.substr(10, 5), "12c\r\n");
  EXPECT_EQ(kLastChunk, "0\r\n\r\n");
}

TEST(Http1ResponseReaderTest, ContentLengthBodyByteByByte) {
  std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhelloEXTRA";
  Http1ResponseReader reader(false);
  std::string body;
  for (char c : wire) reader.feed(std::string_view(&c, 1), body);
  EXPECT_EQ(reader.state(), Http1ResponseReader::State::kDone);
  EXPECT_EQ(reader.status(), 200u);
  EXPECT_TRUE(reader.hasBody());
  EXPECT_EQ(body, "hello");  // bytes after the response are not part of it
  ASSERT_EQ(reader.fields().size(), 2u);
  EXPECT_EQ(reader.fields()[0].name, "content-length");
  EXPECT_EQ(reader.fields()[1].name, "x-a");
  EXPECT_EQ(reader.fields()[1].value, "b");
}

TEST(Http1ResponseReaderTest, ConnectionSpecificFieldsAreRemoved) {
  Http1ResponseReader reader(false);
  std::string body;
  reader.feed(
      "HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\n"
      "X-Hop: 1\r\nProxy-Connection: x\r\nUpgrade: h2c\r\nTransfer-Encoding: chunked\r\n"
      "X-Kept: 2\r\n\r\n0\r\n\r\n",
      body);
  EXPECT_EQ(reader.state(), Http1ResponseReader::State::kDone);
  ASSERT_EQ(reader.fields().size(), 1u);
  EXPECT_EQ(reader.fields()[0].name, "x-kept");
}

TEST(Http1ResponseReaderTest, ChunkedBodyIsDecoded) {
  Http1ResponseReader reader(false);
  std::string body;
  EXPECT_EQ(reader.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc", body),
            Http1ResponseReader::State::kBody);
  EXPECT_EQ(reader.feed("\r\n2\r\nde\r\n0\r\n\r\n", body), Http1ResponseReader::State::kDone);
  EXPECT_EQ(body, "abcde");
  EXPECT_TRUE(reader.finish());
}

TEST(Http1ResponseReaderTest, InterimResponsesAreSkipped) {
  Http1ResponseReader reader(false);
  std::string body;
  reader.feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
              body);
  EXPECT_EQ(reader.status(), 201u);
  EXPECT_EQ(body, "ok");
  EXPECT_EQ(reader.state(), Http1ResponseReader::State::kDone);
}

TEST(Http1ResponseReaderTest, HeadAnd304HaveNoBody) {
  Http1ResponseReader head(true);
  std::string body;
  head.feed("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", body);
  EXPECT_EQ(head.state(), Http1ResponseReader::State::kDone);
  EXPECT_FALSE(head.hasBody());
  EXPECT_EQ(head.fields()[0].value, "99");
  Http1ResponseReader not_modified(false);
  not_modified.feed("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n", body);
  EXPECT_EQ(not_modified.state(), Http1ResponseReader::State::kDone);
  EXPECT_FALSE(not_modified.hasBody());
  EXPECT_TRUE(body.empty());
}

TEST(Http1ResponseReaderTest, ACutResponseIsAnErrorAndCloseDelimitedEndsAtClose) {
  Http1ResponseReader cut(false);
  std::string body;
  cut.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", body);
  EXPECT_FALSE(cut.finish());
  EXPECT_EQ(cut.state(), Http1ResponseReader::State::kError);
  Http1ResponseReader no_head(false);
  no_head.feed("HTTP/1.1 200", body);
  EXPECT_FALSE(no_head.finish());
  Http1ResponseReader until_close(false);
  body.clear();
  until_close.feed("HTTP/1.1 200 OK\r\n\r\nstream", body);
  EXPECT_EQ(until_close.state(), Http1ResponseReader::State::kBody);
  EXPECT_TRUE(until_close.finish());
  EXPECT_EQ(body, "stream");
}

TEST(Http1ResponseReaderTest, MalformedResponsesAreErrors) {
  Http1ResponseReader bad(false);
  std::string body;
  EXPECT_EQ(bad.feed("HTTP/1.1 2x0 OK\r\n\r\n", body), Http1ResponseReader::State::kError);
  Http1ResponseReader bad_chunk(false);
  EXPECT_EQ(bad_chunk.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", body),
            Http1ResponseReader::State::kError);
}

}  // namespace
}  // namespace cirrus::edge
