#include "core/base64.h"

#include <string>

#include <gtest/gtest.h>

namespace cirrus {
namespace {

struct Vector {
  const char* plain;
  const char* encoded;
};

// RFC 4648 §10.
constexpr Vector kRfc4648[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

TEST(Base64Test, EncodesRfc4648TestVectors) {
  for (const auto& v : kRfc4648) EXPECT_EQ(base64Encode(v.plain), v.encoded) << v.plain;
}

TEST(Base64Test, DecodesRfc4648TestVectors) {
  for (const auto& v : kRfc4648) EXPECT_EQ(base64Decode(v.encoded), v.plain) << v.encoded;
}

TEST(Base64Test, DecodesWithoutPadding) {
  EXPECT_EQ(base64Decode("Zg"), "f");
  EXPECT_EQ(base64Decode("Zm8"), "fo");
  EXPECT_EQ(base64Decode("Zm9vYmE"), "fooba");
}

TEST(Base64Test, UrlAlphabetUsesDashUnderscoreAndNoPadding) {
  const std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(base64Encode(bytes), "+/+/");
  EXPECT_EQ(base64UrlEncode(bytes), "-_-_");
  EXPECT_EQ(base64UrlEncode("f"), "Zg");
  EXPECT_EQ(base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(base64Decode("-_-_"), bytes);
  EXPECT_EQ(base64Decode("+/+/"), bytes);
}

TEST(Base64Test, RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t len = 0; len <= all.size(); len += 37) {
    auto part = all.substr(0, len);
    EXPECT_EQ(base64Decode(base64Encode(part)), part) << len;
    EXPECT_EQ(base64Decode(base64UrlEncode(part)), part) << len;
  }
}

TEST(Base64Test, RejectsBytesOutsideTheAlphabets) {
  for (auto s : {"Zm9v!", "Zm 9v", "Zm9v\n", "Zm=9v", "=Zm9v", "Zm9\xc3\xa9", "Z*=="}) {
    EXPECT_EQ(base64Decode(s), std::nullopt) << s;
  }
}

TEST(Base64Test, RejectsImpossibleLengths) {
  // One character left over encodes only 6 bits: never a whole byte.
  EXPECT_EQ(base64Decode("Z"), std::nullopt);
  EXPECT_EQ(base64Decode("Zm9vY"), std::nullopt);
  EXPECT_EQ(base64Decode("Zm9vY==="), std::nullopt);
}

TEST(Base64Test, EncodesBinaryWithNulBytes) {
  EXPECT_EQ(base64Encode(std::string("\0\0\0", 3)), "AAAA");
  EXPECT_EQ(base64Decode("AAAA"), std::string("\0\0\0", 3));
}

}  // namespace
}  // namespace cirrus
