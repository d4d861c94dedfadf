#include "acme/key_pair.h"

#include <gtest/gtest.h>

#include <openssl/pem.h>

#include "acme/jwk.h"

namespace cirrus::acme {
namespace {

TEST(KeyTypeTest, ParsesTheConfigValues) {
  EXPECT_EQ(parseKeyType("ecdsa256"), KeyType::kEcdsaP256);
  EXPECT_EQ(parseKeyType("rsa2048"), KeyType::kRsa);
  EXPECT_EQ(parseKeyType("ecdsa384"), std::nullopt);
  EXPECT_EQ(parseKeyType(""), std::nullopt);
  EXPECT_EQ(toString(KeyType::kEcdsaP256), "ecdsa256");
  EXPECT_EQ(toString(KeyType::kRsa), "rsa2048");
}

TEST(KeyPairTest, GeneratesAP256Key) {
  auto key = KeyPair::generate(KeyType::kEcdsaP256);
  ASSERT_TRUE(key) << key.error().message();
  EXPECT_EQ(key->type(), KeyType::kEcdsaP256);
  EXPECT_TRUE(EVP_PKEY_is_a(key->get(), "EC"));
  EXPECT_EQ(EVP_PKEY_get_bits(key->get()), 256);
}

TEST(KeyPairTest, GeneratesA2048BitRsaKey) {
  auto key = KeyPair::generate(KeyType::kRsa);
  ASSERT_TRUE(key) << key.error().message();
  EXPECT_EQ(key->type(), KeyType::kRsa);
  EXPECT_TRUE(EVP_PKEY_is_a(key->get(), "RSA"));
  EXPECT_EQ(EVP_PKEY_get_bits(key->get()), 2048);
}

class KeyPairPemTest : public ::testing::TestWithParam<KeyType> {};

TEST_P(KeyPairPemTest, RoundTripsThroughPkcs8Pem) {
  auto key = KeyPair::generate(GetParam());
  ASSERT_TRUE(key);
  auto pem = key->toPem();
  ASSERT_TRUE(pem) << pem.error().message();
  EXPECT_EQ(pem->rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u) << *pem;

  auto loaded = KeyPair::fromPem(*pem);
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ(loaded->type(), GetParam());
  EXPECT_EQ(EVP_PKEY_eq(key->get(), loaded->get()), 1);
  EXPECT_EQ(loaded->toPem().value(), *pem);
  EXPECT_EQ(jwkThumbprint(*loaded).value(), jwkThumbprint(*key).value());
}

INSTANTIATE_TEST_SUITE_P(BothKeyTypes, KeyPairPemTest,
                         ::testing::Values(KeyType::kEcdsaP256, KeyType::kRsa));

TEST(KeyPairTest, RejectsGarbagePem) {
  for (const char* text :
       {"", "not a key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}) {
    auto key = KeyPair::fromPem(text);
    ASSERT_FALSE(key) << text;
    EXPECT_EQ(key.error().code(), ErrorCode::kBadRequest);
  }
}

TEST(KeyPairTest, RejectsAPublicKeyPem) {
  auto key = KeyPair::generate(KeyType::kEcdsaP256);
  ASSERT_TRUE(key);
  BioPtr bio(BIO_new(BIO_s_mem()));
  ASSERT_EQ(PEM_write_bio_PUBKEY(bio.get(), key->get()), 1);
  EXPECT_FALSE(KeyPair::fromPem(bioContents(bio.get())));
}

TEST(KeyPairTest, RejectsCurvesOtherThanP256) {
  EvpPkeyPtr p384(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  ASSERT_TRUE(p384);
  BioPtr bio(BIO_new(BIO_s_mem()));
  ASSERT_EQ(PEM_write_bio_PrivateKey(bio.get(), p384.get(), nullptr, nullptr, 0, nullptr, nullptr),
            1);
  auto key = KeyPair::fromPem(bioContents(bio.get()));
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().message().find("P-256"), std::string::npos) << key.error().message();
}

TEST(KeyPairTest, RejectsRsaKeysShorterThan2048Bits) {
  EvpPkeyPtr small(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(1024)));
  ASSERT_TRUE(small);
  BioPtr bio(BIO_new(BIO_s_mem()));
  ASSERT_EQ(PEM_write_bio_PrivateKey(bio.get(), small.get(), nullptr, nullptr, 0, nullptr, nullptr),
            1);
  EXPECT_FALSE(KeyPair::fromPem(bioContents(bio.get())));
}

TEST(KeyPairTest, LoadsTraditionalEcPrivateKeyPem) {
  auto key = KeyPair::generate(KeyType::kEcdsaP256);
  ASSERT_TRUE(key);
  BioPtr bio(BIO_new(BIO_s_mem()));
  // The "EC PRIVATE KEY" (RFC 5915) form certbot and older tools write.
  ASSERT_EQ(PEM_write_bio_PrivateKey_traditional(bio.get(), key->get(), nullptr, nullptr, 0,
                                                 nullptr, nullptr),
            1);
  const std::string pem = bioContents(bio.get());
  ASSERT_NE(pem.find("EC PRIVATE KEY"), std::string::npos);
  auto loaded = KeyPair::fromPem(pem);
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ(EVP_PKEY_eq(key->get(), loaded->get()), 1);
}

}  // namespace
}  // namespace cirrus::acme
