// acme-dns API input rules: TXT values, keys, UUID subdomains and usernames, allowfrom CIDRs
// with Go's net.ParseCIDR semantics, and the lenient body parsing acme-dns clients rely on.
#include "acmedns/request_validation.h"

#include <string>

#include <gtest/gtest.h>

namespace cirrus::acmedns {
namespace {

using boost::asio::ip::make_address;

const std::string kTxt = "LHDhK3oGRvkiefQnx7OOczTY5Tic_xZ6HcMOc_gmtoM";  // 43 characters

TEST(RequestValidationTest, TxtMustBe43Base64UrlCharacters) {
  EXPECT_TRUE(validTxt(kTxt));
  EXPECT_TRUE(validTxt(std::string(43, '-')));
  EXPECT_FALSE(validTxt(kTxt.substr(1)));
  EXPECT_FALSE(validTxt(kTxt + "A"));
  EXPECT_FALSE(validTxt(kTxt.substr(1) + "="));  // padding is not base64url here
  EXPECT_FALSE(validTxt(kTxt.substr(1) + "+"));
  EXPECT_FALSE(validTxt(kTxt.substr(1) + " "));
  EXPECT_FALSE(validTxt(""));
}

TEST(RequestValidationTest, KeyMustBe40Base64UrlCharacters) {
  EXPECT_TRUE(validKey(std::string(40, 'a')));
  EXPECT_TRUE(validKey("ABCDEFGHIJabcdefghij0123456789-_-_-_-_-_"));
  EXPECT_FALSE(validKey(std::string(39, 'a')));
  EXPECT_FALSE(validKey(std::string(41, 'a')));
  EXPECT_FALSE(validKey(std::string(39, 'a') + "!"));
}

TEST(RequestValidationTest, UuidsAreCanonicalisedToLowerCase) {
  EXPECT_EQ(canonicalUuid("0F4B1E3C-9A2D-4C4E-8B1A-1234567890AB"),
            "0f4b1e3c-9a2d-4c4e-8b1a-1234567890ab");
  EXPECT_FALSE(canonicalUuid("0f4b1e3c9a2d4c4e8b1a1234567890ab"));
  EXPECT_FALSE(canonicalUuid("0f4b1e3c-9a2d-4c4e-8b1a-1234567890ag"));
  EXPECT_FALSE(canonicalUuid("0f4b1e3c-9a2d-4c4e-8b1a-1234567890a"));
  EXPECT_FALSE(canonicalUuid(""));
}

TEST(RequestValidationTest, SubdomainMustBeALowerCaseUuid) {
  EXPECT_TRUE(validSubdomain("0f4b1e3c-9a2d-4c4e-8b1a-1234567890ab"));
  EXPECT_FALSE(validSubdomain("0F4B1E3C-9A2D-4C4E-8B1A-1234567890AB"));
  EXPECT_FALSE(validSubdomain("www"));
  EXPECT_FALSE(validSubdomain("0f4b1e3c-9a2d-4c4e-8b1a-1234567890ab.evil"));
  EXPECT_FALSE(validSubdomain(""));
}

TEST(RequestValidationTest, AllowEntriesFollowGoParseCidr) {
  auto v4 = parseAllowEntry("192.168.1.7/24");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->text, "192.168.1.7/24");  // stored as given: Go keeps host bits in the text
  EXPECT_EQ(v4->network.toString(), "192.168.1.0/24");
  auto v6 = parseAllowEntry("[2001:db8::1]/64");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->text, "2001:db8::1/64");  // brackets stripped, as acme-dns does
  EXPECT_EQ(v6->network.toString(), "2001:db8::/64");
  EXPECT_TRUE(parseAllowEntry("0.0.0.0/0"));
  EXPECT_TRUE(parseAllowEntry("::/0"));
  EXPECT_FALSE(parseAllowEntry("127.0.0.1"));  // Go requires the prefix length
  EXPECT_FALSE(parseAllowEntry("127.0.0.1/33"));
  EXPECT_FALSE(parseAllowEntry("::1/129"));
  EXPECT_FALSE(parseAllowEntry("127.0.0.1/"));
  EXPECT_FALSE(parseAllowEntry("127.0.0.1/8x"));
  EXPECT_FALSE(parseAllowEntry("example.com/8"));
  EXPECT_FALSE(parseAllowEntry(""));
}

TEST(RequestValidationTest, EmptyAllowListAllowsEverySource) {
  EXPECT_TRUE(allowedFrom({}, make_address("203.0.113.9")));
}

TEST(RequestValidationTest, AllowListMatchesContainedSourcesOnly) {
  std::vector<std::string> list{"10.0.0.0/8", "2001:db8::/32"};
  EXPECT_TRUE(allowedFrom(list, make_address("10.1.2.3")));
  EXPECT_TRUE(allowedFrom(list, make_address("::ffff:10.1.2.3")));
  EXPECT_TRUE(allowedFrom(list, make_address("2001:db8:1::5")));
  EXPECT_FALSE(allowedFrom(list, make_address("127.0.0.1")));
  EXPECT_FALSE(allowedFrom(list, make_address("::1")));
}

TEST(RequestValidationTest, RegisterBodyMayBeEmptyOrNullOrWithoutAllowFrom) {
  RegisterRequest request;
  EXPECT_EQ(parseRegisterRequest("", request), RegisterProblem::kNone);
  EXPECT_TRUE(request.allowfrom.empty());
  EXPECT_EQ(parseRegisterRequest("null", request), RegisterProblem::kNone);
  EXPECT_EQ(parseRegisterRequest("{}", request), RegisterProblem::kNone);
  EXPECT_EQ(parseRegisterRequest(R"({"allowfrom": []})", request), RegisterProblem::kNone);
  EXPECT_TRUE(request.allowfrom.empty());
}

TEST(RequestValidationTest, RegisterBodyParsesAllowFrom) {
  RegisterRequest request;
  ASSERT_EQ(parseRegisterRequest(R"({"allowfrom": ["127.0.0.0/8", "[::1]/128"]})", request),
            RegisterProblem::kNone);
  ASSERT_EQ(request.allowfrom.size(), 2u);
  EXPECT_EQ(request.allowfrom[0].text, "127.0.0.0/8");
  EXPECT_EQ(request.allowfrom[1].text, "::1/128");
}

TEST(RequestValidationTest, RegisterBodyProblemsUseAcmeDnsErrorNames) {
  RegisterRequest request;
  EXPECT_EQ(parseRegisterRequest("{", request), RegisterProblem::kMalformedJson);
  EXPECT_EQ(parseRegisterRequest("[]", request), RegisterProblem::kMalformedJson);
  EXPECT_EQ(parseRegisterRequest(R"({"allowfrom": "10.0.0.0/8"})", request),
            RegisterProblem::kMalformedJson);
  EXPECT_EQ(parseRegisterRequest(R"({"allowfrom": [1]})", request),
            RegisterProblem::kMalformedJson);
  EXPECT_EQ(parseRegisterRequest(R"({"allowfrom": ["10.0.0.0/8", "nope"]})", request),
            RegisterProblem::kInvalidAllowFrom);
  EXPECT_EQ(errorName(RegisterProblem::kMalformedJson), "malformed_json_payload");
  EXPECT_EQ(errorName(RegisterProblem::kInvalidAllowFrom), "invalid_allowfrom_cidr");
}

TEST(RequestValidationTest, UpdateBodyIsParsedLeniently) {
  auto ok = parseUpdateRequest(R"({"subdomain": "s", "txt": "t", "extra": 1})");
  EXPECT_EQ(ok.subdomain, "s");
  EXPECT_EQ(ok.txt, "t");
  auto garbage = parseUpdateRequest("not json");
  EXPECT_EQ(garbage.subdomain, "");
  EXPECT_EQ(garbage.txt, "");
  auto wrong_types = parseUpdateRequest(R"({"subdomain": 5, "txt": ["x"]})");
  EXPECT_EQ(wrong_types.subdomain, "");
  EXPECT_EQ(wrong_types.txt, "");
}

}  // namespace
}  // namespace cirrus::acmedns
