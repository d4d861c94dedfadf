#include "model/certificate_check.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace cirrus::model {
namespace {

struct Pem {
  std::string cert;
  std::string key;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A throwaway self-signed P-256 certificate made with the openssl CLI.
Pem makeCert(const std::string& name, const std::string& san, int days) {
  std::string dir = ::testing::TempDir();
  std::string key = dir + "/" + name + ".key";
  std::string crt = dir + "/" + name + ".crt";
  std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
      "-keyout " +
      key + " -out " + crt + " -days " + std::to_string(days) + " -subj /CN=" + name +
      " -addext subjectAltName=" + san + " >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  return {slurp(crt), slurp(key)};
}

constexpr int64_t kNow = 1'700'000'000;

TEST(CertificateCheckTest, AcceptsMatchingKeyAndCoveredDomain) {
  auto pem = makeCert("a.example", "DNS:a.example,DNS:www.a.example", 30);
  auto r = inspectCertificate("www.a.example", {pem.cert, pem.key}, 0);
  ASSERT_TRUE(r.ok()) << model::describe(r.errors);
  EXPECT_EQ(r.value.source, model::CertSource::kUpload);
  EXPECT_EQ(r.value.names, (std::vector<std::string>{"a.example", "www.a.example"}));
  EXPECT_LT(r.value.not_before, r.value.not_after);
  EXPECT_NE(r.value.issuer.find("CN=a.example"), std::string::npos);
}

TEST(CertificateCheckTest, RecordsTheSourceItIsGiven) {
  auto pem = makeCert("s.example", "DNS:s.example", 30);
  auto r = inspectCertificate("s.example", {pem.cert, pem.key}, kNow, model::CertSource::kAcme);
  ASSERT_TRUE(r.ok()) << model::describe(r.errors);
  EXPECT_EQ(r.value.source, model::CertSource::kAcme);
  EXPECT_EQ(r.value.updated_at, kNow);
}

TEST(CertificateCheckTest, RejectsAKeyOfAnotherCertificate) {
  auto a = makeCert("k1.example", "DNS:k1.example", 30);
  auto b = makeCert("k2.example", "DNS:k2.example", 30);
  auto r = inspectCertificate("k1.example", {a.cert, b.key}, kNow);
  ASSERT_EQ(r.errors.size(), 1u) << model::describe(r.errors);
  EXPECT_EQ(model::formatLoc(r.errors[0].loc), "key");
}

TEST(CertificateCheckTest, RejectsADomainTheCertificateDoesNotCover) {
  auto a = makeCert("c.example", "DNS:c.example", 30);
  auto r = inspectCertificate("d.example", {a.cert, a.key}, kNow);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(model::formatLoc(r.errors[0].loc), "fullchain");
}

TEST(CertificateCheckTest, WildcardCoversOneLabel) {
  auto a = makeCert("w", "DNS:*.w.example", 30);
  EXPECT_TRUE(inspectCertificate("x.w.example", {a.cert, a.key}, kNow).ok());
  EXPECT_FALSE(inspectCertificate("y.x.w.example", {a.cert, a.key}, kNow).ok());
}

TEST(CertificateCheckTest, RejectsExpiredAndGarbage) {
  auto a = makeCert("e.example", "DNS:e.example", 1);
  EXPECT_FALSE(inspectCertificate("e.example", {a.cert, a.key}, kNow * 2).ok());
  auto r = inspectCertificate("e.example", {"junk", "junk"}, kNow);
  EXPECT_EQ(r.errors.size(), 2u);
}

}  // namespace
}  // namespace cirrus::model
