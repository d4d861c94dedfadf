#include "model/certificate_meta.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model/field_error_matchers.h"

namespace cirrus::model {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

CertificateMeta sample() {
  return {"www.example.com",
          1700000000,
          1707776000,
          "CN=Pebble Intermediate CA",
          CertSource::kAcme,
          1700000100,
          {"www.example.com", "example.com"}};
}

TEST(CertificateMetaTest, ApiJsonHasMetadataOnly) {
  json j = toJson(sample());
  EXPECT_EQ(j, json::parse(R"({"domain": "www.example.com", "not_before": 1700000000,
    "not_after": 1707776000, "issuer": "CN=Pebble Intermediate CA", "source": "acme",
    "updated_at": 1700000100, "names": ["www.example.com", "example.com"]})"));
  EXPECT_FALSE(j.contains("key"));
}

TEST(CertificateMetaTest, HashRoundTripIgnoresChainAndKey) {
  HashFields fields = toHash(sample());
  for (const auto& [k, v] : fields) {
    EXPECT_NE(k, "key");
    EXPECT_NE(k, "fullchain");
  }
  HashMap stored(fields.begin(), fields.end());
  stored["fullchain"] = "-----BEGIN CERTIFICATE-----...";
  stored["key"] = "-----BEGIN PRIVATE KEY-----...";
  auto r = certificateMetaFromHash("www.example.com", stored);
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value, sample());
}

TEST(CertificateMetaTest, SeedHashWithoutMetadataReadsAsAcme) {
  auto r = certificateMetaFromHash("www.example.com", {{"fullchain", "pem"}, {"key", "pem"}});
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value.source, CertSource::kAcme);
  EXPECT_EQ(r.value.not_after, 0);
  EXPECT_THAT(r.value.names, IsEmpty());
}

TEST(CertificateMetaTest, UnknownStoredSourceIsReported) {
  auto r = certificateMetaFromHash("www.example.com", {{"source", "manual"}});
  EXPECT_THAT(r.errors, ElementsAre(ErrorAt("source", "enum")));
}

const char* const kChain = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const char* const kKey = "-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----\n";

TEST(CertificateUploadTest, AcceptsPemChainAndKey) {
  auto r = parseCertificateUpload({{"fullchain", kChain}, {"key", kKey}});
  ASSERT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.value.fullchain, kChain);
  EXPECT_EQ(r.value.key, kKey);
}

TEST(CertificateUploadTest, RejectsMissingWrongAndOversizedPem) {
  EXPECT_THAT(parseCertificateUpload(json::object()).errors,
              ElementsAre(ErrorAt("fullchain", "missing"), ErrorAt("key", "missing")));
  EXPECT_THAT(parseCertificateUpload({{"fullchain", kKey}, {"key", kChain}}).errors,
              ElementsAre(ErrorAt("fullchain", "value_error"), ErrorAt("key", "value_error")));
  EXPECT_THAT(
      parseCertificateUpload(
          {{"fullchain", std::string(kMaxPemLength + 1, 'A')}, {"key", kKey}, {"x", 1}})
          .errors,
      ElementsAre(ErrorAt("fullchain", "string_too_long"), ErrorAt("x", "extra_forbidden")));
}

}  // namespace
}  // namespace cirrus::model
