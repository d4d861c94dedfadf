#include "acme/csr.h"

#include <gtest/gtest.h>

#include "core/base64.h"

namespace cirrus::acme {
namespace {

X509ReqPtr parseCsr(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  return X509ReqPtr(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
}

std::vector<std::string> sanDnsNames(X509_REQ* req) {
  std::vector<std::string> out;
  STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(req);
  auto* names =
      static_cast<GENERAL_NAMES*>(X509V3_get_d2i(exts, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    EXPECT_EQ(name->type, GEN_DNS);
    const ASN1_STRING* s = name->d.dNSName;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
  }
  GENERAL_NAMES_free(names);
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  return out;
}

std::string commonName(X509_REQ* req) {
  X509_NAME* subject = X509_REQ_get_subject_name(req);
  const int idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (idx < 0) return {};
  const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
}

class CsrTest : public ::testing::TestWithParam<KeyType> {};

TEST_P(CsrTest, ParsesBackWithSanListCnAndAValidSignature) {
  auto key = KeyPair::generate(GetParam());
  ASSERT_TRUE(key);
  const std::vector<std::string> names = {"www.example.com", "example.com", "*.cdn.example.com"};
  auto der = csrDer(*key, names);
  ASSERT_TRUE(der) << der.error().message();

  X509ReqPtr req = parseCsr(*der);
  ASSERT_TRUE(req);
  EXPECT_EQ(X509_REQ_verify(req.get(), key->get()), 1);
  EXPECT_EQ(EVP_PKEY_eq(X509_REQ_get0_pubkey(req.get()), key->get()), 1);
  EXPECT_EQ(X509_REQ_get_signature_nid(req.get()), GetParam() == KeyType::kEcdsaP256
                                                       ? NID_ecdsa_with_SHA256
                                                       : NID_sha256WithRSAEncryption);
  EXPECT_EQ(commonName(req.get()), "www.example.com");
  EXPECT_EQ(sanDnsNames(req.get()), names);
}

INSTANTIATE_TEST_SUITE_P(BothKeyTypes, CsrTest,
                         ::testing::Values(KeyType::kEcdsaP256, KeyType::kRsa));

TEST(CsrTest, SignatureFailsWithAnotherKey) {
  auto key = KeyPair::generate(KeyType::kEcdsaP256);
  auto other = KeyPair::generate(KeyType::kEcdsaP256);
  ASSERT_TRUE(key && other);
  X509ReqPtr req = parseCsr(csrDer(*key, {"a.test"}).value());
  ASSERT_TRUE(req);
  EXPECT_NE(X509_REQ_verify(req.get(), other->get()), 1);
}

TEST(CsrTest, Base64UrlIsTheUnpaddedDer) {
  auto key = KeyPair::generate(KeyType::kEcdsaP256);
  ASSERT_TRUE(key);
  auto b64 = csrBase64Url(*key, {"a.test"});
  ASSERT_TRUE(b64) << b64.error().message();
  EXPECT_EQ(b64->find_first_of("+/="), std::string::npos);
  X509ReqPtr req = parseCsr(base64Decode(*b64).value());
  ASSERT_TRUE(req);
  EXPECT_EQ(X509_REQ_verify(req.get(), key->get()), 1);
  EXPECT_EQ(sanDnsNames(req.get()), std::vector<std::string>{"a.test"});
}

TEST(CsrTest, LeavesCnOutWhenTheFirstNameIsTooLong) {
  auto key = KeyPair::generate(KeyType::kEcdsaP256);
  ASSERT_TRUE(key);
  const std::string long_name = std::string(60, 'a') + ".example.com";  // 72 > 64
  X509ReqPtr req = parseCsr(csrDer(*key, {long_name, "b.test"}).value());
  ASSERT_TRUE(req);
  EXPECT_EQ(commonName(req.get()), "");
  EXPECT_EQ(sanDnsNames(req.get()), (std::vector<std::string>{long_name, "b.test"}));
}

TEST(CsrTest, RejectsEmptyOrMalformedNames) {
  auto key = KeyPair::generate(KeyType::kEcdsaP256);
  ASSERT_TRUE(key);
  EXPECT_FALSE(csrDer(*key, {}));
  for (const char* bad : {"", "a b.test", "a,DNS:evil.test", "a.*.test", "*", "\xc3\xa9.test"}) {
    auto der = csrDer(*key, {"ok.test", bad});
    ASSERT_FALSE(der) << bad;
    EXPECT_EQ(der.error().code(), ErrorCode::kBadRequest);
  }
}

}  // namespace
}  // namespace cirrus::acme
