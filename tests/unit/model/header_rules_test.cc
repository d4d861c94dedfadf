#include "model/header_rules.h"

#include <string>

#include <gtest/gtest.h>

namespace cirrus::model {
namespace {

TEST(HeaderRulesTest, TokensAcceptTcharsOnly) {
  EXPECT_TRUE(isHttpToken("X-From-CDN"));
  EXPECT_TRUE(isHttpToken("x!#$%&'*+-.^_`|~9"));
  EXPECT_FALSE(isHttpToken(""));
  EXPECT_FALSE(isHttpToken("X From"));
  EXPECT_FALSE(isHttpToken("X:From"));
  EXPECT_FALSE(isHttpToken("X-Ünïcode"));
  EXPECT_FALSE(isHttpToken("(comment)"));
}

TEST(HeaderRulesTest, FieldValuesRejectControlCharactersButAllowInnerTab) {
  EXPECT_TRUE(isValidFieldValue("cirrus"));
  EXPECT_TRUE(isValidFieldValue("a\tb c"));
  EXPECT_TRUE(isValidFieldValue(""));
  EXPECT_TRUE(isValidFieldValue("caf\xC3\xA9"));  // obs-text is allowed
  EXPECT_FALSE(isValidFieldValue("a\r\nX-Injected: 1"));
  EXPECT_FALSE(isValidFieldValue("a\nb"));
  EXPECT_FALSE(isValidFieldValue(std::string("a\0b", 3)));
  EXPECT_FALSE(isValidFieldValue("a\x7F"));
  EXPECT_FALSE(isValidFieldValue("a\x01"));
}

TEST(HeaderRulesTest, FieldValuesRejectSurroundingWhitespace) {
  EXPECT_FALSE(isValidFieldValue(" a"));
  EXPECT_FALSE(isValidFieldValue("a\t"));
}

TEST(HeaderRulesTest, ConnectionLevelFieldsAreReservedCaseInsensitively) {
  for (const char* name : {"Connection", "keep-alive", "Proxy-Connection", "TE", "Trailer",
                           "TRANSFER-ENCODING", "Upgrade", "Content-Length", "Expect"}) {
    EXPECT_TRUE(isReservedUpstreamHeader(name)) << name;
  }
}

TEST(HeaderRulesTest, HostAndOrdinaryFieldsAreNotReserved) {
  EXPECT_FALSE(isReservedUpstreamHeader("Host"));
  EXPECT_FALSE(isReservedUpstreamHeader("Proxy-Authorization"));
  EXPECT_FALSE(isReservedUpstreamHeader("X-From-CDN"));
  EXPECT_FALSE(isReservedUpstreamHeader("Connection2"));
}

}  // namespace
}  // namespace cirrus::model
