#include "http/url.h"

#include <gtest/gtest.h>

namespace cirrus::http {
namespace {

TEST(UrlTest, ParsesSchemeHostPortAndTarget) {
  auto url = parseUrl("HTTPS://Example.COM:8443/a/b?x=1#frag");
  ASSERT_TRUE(url) << url.error().message();
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "example.com");
  EXPECT_EQ(url->port, 8443);
  EXPECT_EQ(url->target, "/a/b?x=1");
  EXPECT_TRUE(url->isTls());
  EXPECT_EQ(url->authority(), "example.com:8443");
}

TEST(UrlTest, DefaultsPortByScheme) {
  EXPECT_EQ(parseUrl("http://h")->port, 80);
  EXPECT_EQ(parseUrl("https://h")->port, 443);
  EXPECT_EQ(parseUrl("http://h")->target, "/");
  EXPECT_EQ(parseUrl("http://h?q=1")->target, "/?q=1");
  EXPECT_EQ(parseUrl("http://h:80/x")->authority(), "h");
}

TEST(UrlTest, ParsesBracketedIpv6) {
  auto url = parseUrl("http://[::1]:8080/p");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->authority(), "[::1]:8080");
  EXPECT_EQ(url->toString(), "http://[::1]:8080/p");
}

TEST(UrlTest, RejectsWhatCannotBeRequested) {
  for (const char* bad : {"ftp://h/", "h/path", "http://", "http://:80/", "http://u:p@h/",
                          "http://h:0/", "http://h:65536/", "http://h:x/", "http://[::1/",
                          "http://[1.2.3.4]/", "http://h/a b", "http://h/\r\nX: y", "http://h^/"}) {
    auto url = parseUrl(bad);
    ASSERT_FALSE(url) << bad;
    EXPECT_EQ(url.error().code(), ErrorCode::kBadRequest) << bad;
  }
}

TEST(UrlTest, DetectsIpLiterals) {
  EXPECT_TRUE(isIpLiteral("127.0.0.1"));
  EXPECT_TRUE(isIpLiteral("::1"));
  EXPECT_FALSE(isIpLiteral("localhost"));
  EXPECT_FALSE(isIpLiteral("1.2.3"));
}

TEST(PercentDecodeTest, DecodesEscapesAndKeepsInvalidOnes) {
  EXPECT_EQ(percentDecode("a%2Fb%20c"), "a/b c");
  EXPECT_EQ(percentDecode("%41%4a%4A"), "AJJ");
  EXPECT_EQ(percentDecode("100%"), "100%");
  EXPECT_EQ(percentDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(percentDecode("a+b"), "a+b");
  EXPECT_EQ(percentDecode("a+b", true), "a b");
}

TEST(PercentDecodeTest, RoundTripsThroughEncode) {
  std::string raw = "www.example.com/päth?&=%";
  EXPECT_EQ(percentEncode("a b/c"), "a%20b%2Fc");
  EXPECT_EQ(percentDecode(percentEncode(raw)), raw);
}

TEST(QueryTest, ParsesRepeatedAndValuelessParameters) {
  auto q = parseQuery("a=1&b=x+y&a=2&flag&&c=%26");
  EXPECT_EQ(q.get("a"), "1");
  ASSERT_EQ(q.all("a").size(), 2u);
  EXPECT_EQ(q.all("a")[1], "2");
  EXPECT_EQ(q.get("b"), "x y");
  EXPECT_EQ(q.get("flag"), "");
  EXPECT_TRUE(q.contains("flag"));
  EXPECT_EQ(q.get("c"), "&");
  EXPECT_FALSE(q.get("missing"));
  EXPECT_EQ(q.items().size(), 5u);
}

TEST(SplitTargetTest, SplitsPathAndQueryAndReducesAbsoluteForm) {
  EXPECT_EQ(splitTarget("/a?b=1").first, "/a");
  EXPECT_EQ(splitTarget("/a?b=1").second, "b=1");
  EXPECT_EQ(splitTarget("/a").second, "");
  EXPECT_EQ(splitTarget("http://host:1/p/q?x").first, "/p/q");
  EXPECT_EQ(splitTarget("http://host:1/p/q?x").second, "x");
  EXPECT_EQ(splitTarget("https://host").first, "/");
}

}  // namespace
}  // namespace cirrus::http
