#include "api/credentials.h"

#include <gtest/gtest.h>

namespace cirrus::api {
namespace {

// Cheap parameters keep the suite fast; production parameters are the defaults.
constexpr PasswordHashParams kFast{.memory_kib = 1024, .passes = 1, .lanes = 1};

TEST(CredentialsTest, HashIsAnArgon2idPhcStringThatVerifies) {
  auto phc = hashPassword("correct horse", kFast);
  ASSERT_TRUE(phc);
  EXPECT_TRUE(phc->starts_with("$argon2id$v=19$m=1024,t=1,p=1$")) << *phc;
  EXPECT_TRUE(verifyPassword("correct horse", *phc));
  EXPECT_FALSE(verifyPassword("correct horsE", *phc));
}

TEST(CredentialsTest, SaltsDiffer) {
  EXPECT_NE(hashPassword("pw-123456", kFast), hashPassword("pw-123456", kFast));
}

TEST(CredentialsTest, DefaultParametersFollowOwaspMinimum) {
  auto phc = hashPassword("pw-123456");
  ASSERT_TRUE(phc);
  EXPECT_NE(phc->find("m=19456,t=2,p=1"), std::string::npos);
}

TEST(CredentialsTest, NonArgon2idHashesNeverVerify) {
  EXPECT_FALSE(verifyPassword("x", ""));
  EXPECT_FALSE(verifyPassword("x", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA"));
  EXPECT_FALSE(verifyPassword("x", "plain"));
}

TEST(CredentialsTest, DecoyHashNeverMatchesCommonInput) {
  EXPECT_TRUE(decoyPasswordHash().starts_with("$argon2id$"));
  EXPECT_FALSE(verifyPassword("", decoyPasswordHash()));
}

TEST(CredentialsTest, Sha256HexMatchesKnownVector) {
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CredentialsTest, RandomSecretsAreUrlSafeAndDistinct) {
  std::string a = randomSecret(32);
  EXPECT_EQ(a.size(), 43u);
  EXPECT_EQ(a.find_first_of("+/="), std::string::npos);
  EXPECT_NE(a, randomSecret(32));
  EXPECT_EQ(randomHex(8).size(), 16u);
}

TEST(CredentialsTest, SecretsEqualComparesExactly) {
  EXPECT_TRUE(secretsEqual("abcdef", "abcdef"));
  EXPECT_FALSE(secretsEqual("abcdef", "abcdeg"));
  EXPECT_FALSE(secretsEqual("abcdef", "abcde"));
  EXPECT_FALSE(secretsEqual("", "a"));
}

}  // namespace
}  // namespace cirrus::api
