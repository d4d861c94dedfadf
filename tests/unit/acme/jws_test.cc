#include "acme/jws.h"

#include <gtest/gtest.h>
#include <openssl/ecdsa.h>

#include "acme/jwk.h"
#include "core/base64.h"

namespace cirrus::acme {
namespace {

/// OpenSSL wants ECDSA signatures as DER; JWS carries r || s.
std::string rawToDerEcdsa(const std::string& raw) {
  const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(p, 32, nullptr), BN_bin2bn(p + 32, 32, nullptr));
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig, &der);
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  return out;
}

bool opensslVerify(EVP_PKEY* key, std::string_view input, const std::string& signature) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                          input.size()) == 1;
}

/// Verifies a flattened JWS the way a CA would, returning the decoded protected header.
nlohmann::json verifyJws(const KeyPair& key, const nlohmann::json& jws) {
  const std::string protected_b64 = jws.at("protected").get<std::string>();
  const std::string payload_b64 = jws.at("payload").get<std::string>();
  std::string signature = base64Decode(jws.at("signature").get<std::string>()).value();
  if (key.type() == KeyType::kEcdsaP256) {
    EXPECT_EQ(signature.size(), 64u);
    signature = rawToDerEcdsa(signature);
  } else {
    EXPECT_EQ(signature.size(), 256u);
  }
  EXPECT_TRUE(opensslVerify(key.get(), protected_b64 + "." + payload_b64, signature));
  return nlohmann::json::parse(base64Decode(protected_b64).value());
}

class JwsTest : public ::testing::TestWithParam<KeyType> {
 protected:
  void SetUp() override {
    auto key = KeyPair::generate(GetParam());
    ASSERT_TRUE(key);
    key_.emplace(std::move(*key));
  }
  std::optional<KeyPair> key_;
};

TEST_P(JwsTest, NewAccountRequestEmbedsTheJwkAndVerifies) {
  const nlohmann::json payload = {{"termsOfServiceAgreed", true},
                                  {"contact", {"mailto:ops@example.com"}}};
  auto jws = signJws(*key_, {"https://ca.test/acme/new-acct", "nonce-1", std::nullopt}, payload);
  ASSERT_TRUE(jws) << jws.error().message();
  EXPECT_EQ(jws->size(), 3u);

  const nlohmann::json header = verifyJws(*key_, *jws);
  EXPECT_EQ(header, (nlohmann::json{{"alg", GetParam() == KeyType::kEcdsaP256 ? "ES256" : "RS256"},
                                    {"jwk", publicJwk(*key_).value()},
                                    {"nonce", "nonce-1"},
                                    {"url", "https://ca.test/acme/new-acct"}}));
  EXPECT_EQ(nlohmann::json::parse(base64Decode((*jws)["payload"].get<std::string>()).value()),
            payload);
}

TEST_P(JwsTest, AccountRequestCarriesKidAndNoJwk) {
  auto jws =
      signJws(*key_, {"https://ca.test/acme/new-order", "nonce-2", "https://ca.test/acme/acct/7"},
              nlohmann::json{{"identifiers", {{{"type", "dns"}, {"value", "a.test"}}}}});
  ASSERT_TRUE(jws) << jws.error().message();
  const nlohmann::json header = verifyJws(*key_, *jws);
  EXPECT_EQ(header, (nlohmann::json{{"alg", jwsAlgorithm(GetParam())},
                                    {"kid", "https://ca.test/acme/acct/7"},
                                    {"nonce", "nonce-2"},
                                    {"url", "https://ca.test/acme/new-order"}}));
}

TEST_P(JwsTest, PostAsGetHasAnEmptyPayload) {
  auto jws =
      signJws(*key_, {"https://ca.test/acme/order/1", "nonce-3", "https://ca.test/acme/acct/7"},
              std::nullopt);
  ASSERT_TRUE(jws) << jws.error().message();
  EXPECT_EQ((*jws)["payload"], "");
  verifyJws(*key_, *jws);
}

TEST_P(JwsTest, EmptyObjectPayloadIsNotPostAsGet) {
  // RFC 8555 §7.5.1: a challenge is triggered by POSTing "{}", which must differ from "".
  auto jws = signJws(*key_, {"https://ca.test/acme/chall/1", "n", "k"}, nlohmann::json::object());
  ASSERT_TRUE(jws);
  EXPECT_EQ((*jws)["payload"], base64UrlEncode("{}"));
}

TEST_P(JwsTest, SignatureDoesNotVerifyForAnotherInput) {
  auto signature = jwsSignature(*key_, "protected.payload");
  ASSERT_TRUE(signature) << signature.error().message();
  std::string sig = *signature;
  if (GetParam() == KeyType::kEcdsaP256) sig = rawToDerEcdsa(sig);
  EXPECT_TRUE(opensslVerify(key_->get(), "protected.payload", sig));
  EXPECT_FALSE(opensslVerify(key_->get(), "protected.payloaD", sig));
}

INSTANTIATE_TEST_SUITE_P(BothKeyTypes, JwsTest,
                         ::testing::Values(KeyType::kEcdsaP256, KeyType::kRsa));

TEST(JwsSignatureTest, Es256PadsShortRAndSTo32BytesEach) {
  // r or s has a zero leading byte once in about 128 signatures. Sign until that happened a few
  // times (bounded: missing it in 8192 tries has probability below 1e-20); each must verify.
  auto key = KeyPair::generate(KeyType::kEcdsaP256);
  ASSERT_TRUE(key);
  int short_halves = 0;
  for (int i = 0; i < 8192 && short_halves < 3; ++i) {
    const std::string input = "input-" + std::to_string(i);
    const std::string raw = jwsSignature(*key, input).value();
    ASSERT_EQ(raw.size(), 64u);
    if (raw[0] == '\0' || raw[32] == '\0') ++short_halves;
    ASSERT_TRUE(opensslVerify(key->get(), input, rawToDerEcdsa(raw))) << i;
  }
  EXPECT_EQ(short_halves, 3);
}

TEST(JwsSignatureTest, Rs256IsDeterministicPkcs1V15) {
  // PKCS#1 v1.5 is deterministic (PSS would not be), so signing twice gives the same bytes.
  auto key = KeyPair::generate(KeyType::kRsa);
  ASSERT_TRUE(key);
  EXPECT_EQ(jwsSignature(*key, "x.y").value(), jwsSignature(*key, "x.y").value());
}

}  // namespace
}  // namespace cirrus::acme
