#include "model/domain_name.h"

#include <string>

#include <gtest/gtest.h>

namespace cirrus::model {
namespace {

std::string normalized(std::string_view input) {
  Result<std::string> r = normalizeDomain(input);
  return r ? *r : "error: " + r.error().context();
}

bool rejected(std::string_view input) {
  return !normalizeDomain(input);
}

TEST(DomainNameTest, UnicodeBecomesLowerCaseALabel) {
  EXPECT_EQ(normalized("bücher.example"), "xn--bcher-kva.example");
  EXPECT_EQ(normalized("BÜCHER.Example"), "xn--bcher-kva.example");
  EXPECT_EQ(normalized("例え.テスト"), "xn--r8jz45g.xn--zckzah");
}

TEST(DomainNameTest, NonTransitionalKeepsSharpS) {
  // UTS #46 transitional processing would map ß to "ss" (fass.de), a different domain.
  EXPECT_EQ(normalized("faß.de"), "xn--fa-hia.de");
}

TEST(DomainNameTest, Uts46MapsFullWidthCharactersAndDots) {
  EXPECT_EQ(normalized("ＷＷＷ．ｅｘａｍｐｌｅ．ｃｏｍ"), "www.example.com");
}

TEST(DomainNameTest, AsciiIsLowerCased) {
  EXPECT_EQ(normalized("WWW.Example.COM"), "www.example.com");
}

TEST(DomainNameTest, OneTrailingDotIsStripped) {
  EXPECT_EQ(normalized("www.example.com."), "www.example.com");
  EXPECT_EQ(normalized("bücher.example."), "xn--bcher-kva.example");
  EXPECT_TRUE(rejected("www.example.com.."));
}

TEST(DomainNameTest, ValidALabelIsKept) {
  EXPECT_EQ(normalized("XN--BCHER-KVA.example"), "xn--bcher-kva.example");
}

TEST(DomainNameTest, InvalidALabelIsRejected) {
  EXPECT_TRUE(rejected("xn--zz.example"));
  EXPECT_TRUE(rejected("xn--a.example"));
}

TEST(DomainNameTest, EmojiIsDisallowedByIdna2008) {
  // UTS #46 non-transitional on top of IDNA2008 rejects symbols; browsers that still show
  // "💩.la" use IDNA2003 rules, which registries no longer accept for new names.
  EXPECT_TRUE(rejected("😀.example"));
  EXPECT_TRUE(rejected("xn--ls8h.la"));
}

TEST(DomainNameTest, EmptyAndDotOnlyAreRejected) {
  EXPECT_TRUE(rejected(""));
  EXPECT_TRUE(rejected("."));
}

TEST(DomainNameTest, EmptyLabelIsRejected) {
  EXPECT_TRUE(rejected("a..b"));
  EXPECT_TRUE(rejected(".example.com"));
  EXPECT_EQ(normalized("a..b"), "error: has an empty label");
}

TEST(DomainNameTest, LabelOf63IsAcceptedAnd64Rejected) {
  std::string l63(63, 'a');
  EXPECT_EQ(normalized(l63 + ".example"), l63 + ".example");
  EXPECT_TRUE(rejected(std::string(64, 'a') + ".example"));
}

TEST(DomainNameTest, NameOf253IsAcceptedAnd254Rejected) {
  // 4 labels of 61 + 3 dots = 247, plus ".ab" style tail to reach the bounds.
  std::string base = std::string(61, 'a') + "." + std::string(61, 'b') + "." +
                     std::string(61, 'c') + "." + std::string(61, 'd');  // 247
  std::string ok = base + ".efgha";                                      // 253
  ASSERT_EQ(ok.size(), 253u);
  EXPECT_EQ(normalized(ok), ok);
  EXPECT_TRUE(rejected(ok + "i"));
  EXPECT_EQ(normalized(ok + "."), ok);  // the root dot does not count
}

TEST(DomainNameTest, UnderscoreIsRejectedForCustomerDomains) {
  EXPECT_TRUE(rejected("my_site.example.com"));
  EXPECT_TRUE(rejected("_acme-challenge.example.com"));
}

TEST(DomainNameTest, LeadingOrTrailingHyphenIsRejected) {
  EXPECT_TRUE(rejected("-www.example.com"));
  EXPECT_TRUE(rejected("www-.example.com"));
  EXPECT_EQ(normalized("w-w.example.com"), "w-w.example.com");
}

TEST(DomainNameTest, AsciiDoubleHyphenLabelIsAcceptedAsRfc1123Name) {
  EXPECT_EQ(normalized("r3---sn-abc.example.com"), "r3---sn-abc.example.com");
}

TEST(DomainNameTest, OtherPunctuationWhitespaceAndWildcardsAreRejected) {
  EXPECT_TRUE(rejected("www.exa mple.com"));
  EXPECT_TRUE(rejected("www.example.com\n"));
  EXPECT_TRUE(rejected("*.example.com"));
  EXPECT_TRUE(rejected("www.example.com:8080"));
  EXPECT_TRUE(rejected("www.example.com/path"));
}

TEST(DomainNameTest, SingleLabelIsRejected) {
  EXPECT_TRUE(rejected("localhost"));
  EXPECT_TRUE(rejected("com."));
}

TEST(DomainNameTest, IpLiteralsAreRejected) {
  EXPECT_EQ(normalized("192.0.2.1"), "error: is an IP address, not a domain name");
  EXPECT_TRUE(rejected("2001:db8::1"));
  EXPECT_TRUE(rejected("[2001:db8::1]"));
}

TEST(DomainNameTest, AllNumericLastLabelIsRejected) {
  EXPECT_TRUE(rejected("1.2.3"));
  EXPECT_TRUE(rejected("example.123"));
  EXPECT_EQ(normalized("123.example"), "123.example");
}

TEST(DomainNameTest, ToUnicodeDecodesForDisplay) {
  EXPECT_EQ(toUnicode("xn--bcher-kva.example"), "bücher.example");
  EXPECT_EQ(toUnicode("www.example.com"), "www.example.com");
}

TEST(DomainNameTest, ToUnicodeReturnsUndecodableInputUnchanged) {
  EXPECT_EQ(toUnicode("xn--zz.example"), "xn--zz.example");
}

TEST(OriginHostTest, AcceptsNamesWithUnderscoresAndSingleLabels) {
  EXPECT_EQ(*normalizeOriginHost("My_Service"), "my_service");
  EXPECT_EQ(*normalizeOriginHost("origin"), "origin");
  EXPECT_EQ(*normalizeOriginHost("bücher.example"), "xn--bcher-kva.example");
}

TEST(OriginHostTest, CanonicalisesIpLiterals) {
  EXPECT_EQ(*normalizeOriginHost("192.0.2.10"), "192.0.2.10");
  EXPECT_EQ(*normalizeOriginHost("2001:DB8:0:0::1"), "2001:db8::1");
  EXPECT_EQ(*normalizeOriginHost("[2001:db8::1]"), "2001:db8::1");
}

TEST(OriginHostTest, RejectsZoneIdsBadBracketsAndPartialAddresses) {
  EXPECT_FALSE(normalizeOriginHost("fe80::1%eth0"));
  EXPECT_FALSE(normalizeOriginHost("[192.0.2.1]"));
  EXPECT_FALSE(normalizeOriginHost("[::1"));
  EXPECT_FALSE(normalizeOriginHost("10.0.1"));
  EXPECT_FALSE(normalizeOriginHost("256.1.1.1"));
}

TEST(CanonicalIpLiteralTest, RecognisesOnlyAddresses) {
  EXPECT_EQ(canonicalIpLiteral("::ffff:192.0.2.1"), "::ffff:192.0.2.1");
  EXPECT_FALSE(canonicalIpLiteral("example.com"));
  EXPECT_FALSE(canonicalIpLiteral(""));
}

}  // namespace
}  // namespace cirrus::model
