#include "acme/jwk.h"

#include <array>

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/sha.h>

#include "core/base64.h"

namespace cirrus::acme {
namespace {

// RFC 7638 §3.1 (the RSA key of RFC 7517 Appendix A.1).
constexpr const char* kRfc7638N =
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP"
    "ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY"
    "368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0f"
    "M4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
// The RFC 7638 §3.1 result (its octets 55, 54, 203, ... base64url-encoded).
constexpr const char* kRfc7638Thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

/// An RSA public key built from the RFC's n and e, to check publicJwk() on a known key.
EvpPkeyPtr rfc7638PublicKey() {
  const std::string n = base64Decode(kRfc7638N).value();
  const std::string e = base64Decode("AQAB").value();
  BignumPtr bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                           static_cast<int>(n.size()), nullptr));
  BignumPtr bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                           static_cast<int>(e.size()), nullptr));
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n.get());
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e.get());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* key = nullptr;
  EVP_PKEY_fromdata_init(ctx.get());
  EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  return EvpPkeyPtr(key);
}

std::string opensslSha256(std::string_view text) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> md{};
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md.data(), &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(md.data()), len);
}

TEST(JwkThumbprintTest, MatchesTheRfc7638Example) {
  const nlohmann::json jwk = {
      {"kty", "RSA"}, {"n", kRfc7638N}, {"e", "AQAB"}, {"alg", "RS256"}, {"kid", "2011-04-29"}};
  auto thumbprint = jwkThumbprint(jwk);
  ASSERT_TRUE(thumbprint) << thumbprint.error().message();
  EXPECT_EQ(*thumbprint, kRfc7638Thumbprint);
}

TEST(JwkTest, BuildsTheRfc7638JwkFromTheRsaKey) {
  EvpPkeyPtr key = rfc7638PublicKey();
  ASSERT_TRUE(key);
  auto jwk = publicJwk(key.get());
  ASSERT_TRUE(jwk) << jwk.error().message();
  EXPECT_EQ(*jwk, (nlohmann::json{{"e", "AQAB"}, {"kty", "RSA"}, {"n", kRfc7638N}}));
  EXPECT_EQ(jwkThumbprint(*jwk).value(), kRfc7638Thumbprint);
}

TEST(JwkTest, EcJwkHasExactlyTheRequiredMembersWith32ByteCoordinates) {
  // Enough keys that some coordinate almost surely has a leading zero byte (p = 1 - 2^-8 each).
  for (int i = 0; i < 64; ++i) {
    auto key = KeyPair::generate(KeyType::kEcdsaP256);
    ASSERT_TRUE(key);
    auto jwk = publicJwk(*key);
    ASSERT_TRUE(jwk) << jwk.error().message();
    ASSERT_EQ(jwk->size(), 4u) << jwk->dump();
    EXPECT_EQ((*jwk)["kty"], "EC");
    EXPECT_EQ((*jwk)["crv"], "P-256");
    EXPECT_EQ(base64Decode((*jwk)["x"].get<std::string>()).value().size(), 32u);
    EXPECT_EQ(base64Decode((*jwk)["y"].get<std::string>()).value().size(), 32u);
  }
}

TEST(JwkTest, EcThumbprintHashesTheCanonicalMembersInOrder) {
  auto key = KeyPair::generate(KeyType::kEcdsaP256);
  ASSERT_TRUE(key);
  const nlohmann::json jwk = publicJwk(*key).value();
  const std::string canonical = R"({"crv":"P-256","kty":"EC","x":")" + jwk["x"].get<std::string>() +
                                R"(","y":")" + jwk["y"].get<std::string>() + R"("})";
  EXPECT_EQ(jwkThumbprint(*key).value(), base64UrlEncode(opensslSha256(canonical)));
}

TEST(JwkThumbprintTest, RejectsIncompleteOrUnknownJwks) {
  EXPECT_FALSE(jwkThumbprint(nlohmann::json{{"kty", "RSA"}, {"n", kRfc7638N}}));
  EXPECT_FALSE(jwkThumbprint(nlohmann::json{{"kty", "oct"}, {"k", "AAAA"}}));
  EXPECT_FALSE(jwkThumbprint(nlohmann::json::array()));
  EXPECT_FALSE(
      jwkThumbprint(nlohmann::json{{"kty", "EC"}, {"crv", "P-256"}, {"x", 1}, {"y", "A"}}));
}

TEST(KeyAuthorizationTest, IsTokenDotThumbprint) {
  EXPECT_EQ(keyAuthorization("evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA", kRfc7638Thumbprint),
            "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA."
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST(Dns01TxtValueTest, IsBase64UrlOfSha256OfTheKeyAuthorization) {
  const std::string key_authz =
      keyAuthorization("evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA", kRfc7638Thumbprint);
  const std::string txt = dns01TxtValue(key_authz);
  EXPECT_EQ(txt, base64UrlEncode(opensslSha256(key_authz)));
  EXPECT_EQ(txt.size(), 43u);  // 32 bytes, unpadded
  EXPECT_EQ(txt.find_first_of("+/="), std::string::npos);
}

TEST(Dns01TxtValueTest, MatchesAKnownDigest) {
  // echo -n 'abc' | openssl dgst -sha256 -binary | basenc --base64url  (then strip '=')
  EXPECT_EQ(dns01TxtValue("abc"), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
}

}  // namespace
}  // namespace cirrus::acme
