#include "core/endpoint.h"

#include <gtest/gtest.h>

namespace cirrus {
namespace {

using boost::asio::ip::make_address;

TEST(EndpointTest, ParsesHostAndPort) {
  EXPECT_EQ(parseEndpoint("127.0.0.1:8080"), (Endpoint{"127.0.0.1", 8080}));
  EXPECT_EQ(parseEndpoint("redis.internal:6379"), (Endpoint{"redis.internal", 6379}));
  EXPECT_EQ(parseEndpoint("0.0.0.0:65535"), (Endpoint{"0.0.0.0", 65535}));
  EXPECT_EQ(parseEndpoint("under_score-host:1"), (Endpoint{"under_score-host", 1}));
}

TEST(EndpointTest, ParsesBracketedIpv6) {
  EXPECT_EQ(parseEndpoint("[::1]:8080"), (Endpoint{"::1", 8080}));
  EXPECT_EQ(parseEndpoint("[::]:443"), (Endpoint{"::", 443}));
  EXPECT_EQ(parseEndpoint("[2001:db8::1]:53"), (Endpoint{"2001:db8::1", 53}));
}

TEST(EndpointTest, MissingPortNeedsADefault) {
  EXPECT_FALSE(parseEndpoint("redis.internal"));
  EXPECT_EQ(parseEndpoint("redis.internal", 6379), (Endpoint{"redis.internal", 6379}));
  EXPECT_FALSE(parseEndpoint("[::1]"));
  EXPECT_EQ(parseEndpoint("[::1]", 53), (Endpoint{"::1", 53}));
  // An unbracketed IPv6 literal cannot carry a port, so it is accepted only with a default.
  EXPECT_FALSE(parseEndpoint("2001:db8::1"));
  EXPECT_EQ(parseEndpoint("2001:db8::1", 53), (Endpoint{"2001:db8::1", 53}));
}

TEST(EndpointTest, RejectsBadPorts) {
  for (auto s : {"h:0", "h:65536", "h:99999", "h:", "h:abc", "h:80x", "h:-1", "h:+80",
                 "[::1]:", "[::1]:0", "[::1]8080"}) {
    EXPECT_FALSE(parseEndpoint(s)) << s;
    EXPECT_FALSE(parseEndpoint(s, 1)) << s;
  }
}

TEST(EndpointTest, RejectsBadHosts) {
  for (auto s : {"", ":80", "[]:80", "[::1:80", "[1.2.3.4]:80", "[nothex]:80", "a b:80", "h/x:80",
                 "h@x:80"}) {
    EXPECT_FALSE(parseEndpoint(s)) << s;
  }
}

TEST(EndpointTest, ToStringBracketsIpv6) {
  EXPECT_EQ((Endpoint{"127.0.0.1", 80}).toString(), "127.0.0.1:80");
  EXPECT_EQ((Endpoint{"::1", 8080}).toString(), "[::1]:8080");
  EXPECT_EQ((Endpoint{"example.com", 443}).toString(), "example.com:443");
  // Round trip.
  EXPECT_EQ(parseEndpoint(Endpoint{"2001:db8::1", 53}.toString()), (Endpoint{"2001:db8::1", 53}));
}

TEST(CidrTest, ParsesNetworksAndHostRoutes) {
  auto c = parseCidr("10.0.0.0/8");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->prefix_len, 8u);
  EXPECT_EQ(c->toString(), "10.0.0.0/8");
  c = parseCidr("192.0.2.7");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->toString(), "192.0.2.7/32");
  c = parseCidr("::1");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->toString(), "::1/128");
  c = parseCidr("2001:db8::/32");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->prefix_len, 32u);
  EXPECT_TRUE(parseCidr("0.0.0.0/0"));
  EXPECT_TRUE(parseCidr("::/0"));
}

TEST(CidrTest, RejectsHostBitsSet) {
  EXPECT_FALSE(parseCidr("10.0.0.1/8"));
  EXPECT_FALSE(parseCidr("192.168.1.128/24"));
  EXPECT_FALSE(parseCidr("2001:db8::1/32"));
  EXPECT_FALSE(parseCidr("::1/0"));
  EXPECT_TRUE(parseCidr("192.168.1.128/25"));
}

TEST(CidrTest, RejectsMalformedText) {
  for (auto s : {"", "/8", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/x", "10.0.0.0/8/8",
                 "10.0.0/8", "banana", "10.0.0.0/-1", "10.0.0.0/ 8"}) {
    EXPECT_FALSE(parseCidr(s)) << s;
  }
}

TEST(CidrTest, ContainsChecksThePrefixOnly) {
  auto c = *parseCidr("10.1.0.0/16");
  EXPECT_TRUE(c.contains(make_address("10.1.0.0")));
  EXPECT_TRUE(c.contains(make_address("10.1.255.255")));
  EXPECT_FALSE(c.contains(make_address("10.2.0.1")));
  EXPECT_FALSE(c.contains(make_address("::1")));
  auto odd = *parseCidr("192.168.1.128/25");
  EXPECT_TRUE(odd.contains(make_address("192.168.1.200")));
  EXPECT_FALSE(odd.contains(make_address("192.168.1.127")));
  auto v6 = *parseCidr("2001:db8::/32");
  EXPECT_TRUE(v6.contains(make_address("2001:db8:ffff::1")));
  EXPECT_FALSE(v6.contains(make_address("2001:db9::1")));
  EXPECT_FALSE(v6.contains(make_address("10.0.0.1")));
  auto all = *parseCidr("0.0.0.0/0");
  EXPECT_TRUE(all.contains(make_address("203.0.113.9")));
  EXPECT_FALSE(all.contains(make_address("2001:db8::1")));
}

TEST(CidrTest, V4MappedClientsMatchV4Entries) {
  // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d.
  auto loopback = *parseCidr("127.0.0.0/8");
  EXPECT_TRUE(loopback.contains(make_address("::ffff:127.0.0.1")));
  EXPECT_FALSE(loopback.contains(make_address("::ffff:10.0.0.1")));
  auto v6_loopback = *parseCidr("::1/128");
  EXPECT_FALSE(v6_loopback.contains(make_address("::ffff:127.0.0.1")));
}

TEST(CidrTest, ListContainsWhenAnyEntryMatches) {
  std::vector<Cidr> list{*parseCidr("127.0.0.0/8"), *parseCidr("::1/128")};
  EXPECT_TRUE(cidrListContains(list, make_address("127.0.0.1")));
  EXPECT_TRUE(cidrListContains(list, make_address("::1")));
  EXPECT_TRUE(cidrListContains(list, make_address("::ffff:127.9.9.9")));
  EXPECT_FALSE(cidrListContains(list, make_address("192.0.2.1")));
  EXPECT_FALSE(cidrListContains({}, make_address("127.0.0.1")));
}

}  // namespace
}  // namespace cirrus
