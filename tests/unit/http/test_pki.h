// A throw-away PKI for TLS tests, made at test time with OpenSSL's C API so that no committed
// certificate can expire: a CA (P-256) and a leaf it signs for the given DNS and IP names,
// valid from an hour ago for a day. Header-only; included by one test file.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace cirrus::http::testing {

struct TestCertificate {
  std::string cert_pem;
  std::string key_pem;
};

struct TestPki {
  TestCertificate ca;
  TestCertificate leaf;  // signed by ca
};

namespace detail {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

inline void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
}

inline std::string bioText(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

inline void addExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

inline X509Ptr makeCert(EVP_PKEY* key, const std::string& common_name, X509* issuer, long serial) {
  X509Ptr cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);  // v3
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509* signer = issuer ? issuer : cert.get();
  addExtension(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (issuer) addExtension(cert.get(), signer, NID_authority_key_identifier, "keyid");
  return cert;
}

inline TestCertificate toPem(X509* cert, EVP_PKEY* key) {
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(cert_bio.get(), cert) == 1, "PEM_write_bio_X509");
  check(PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  return {bioText(cert_bio.get()), bioText(key_bio.get())};
}

}  // namespace detail

/// subject_alt_names in OpenSSL config syntax, e.g. "DNS:localhost,IP:127.0.0.1".
inline TestPki makeTestPki(const std::string& ca_name, const std::string& subject_alt_names) {
  using namespace detail;
  PkeyPtr ca_key(EVP_EC_gen("P-256"));
  PkeyPtr leaf_key(EVP_EC_gen("P-256"));
  check(ca_key && leaf_key, "EVP_EC_gen");

  X509Ptr ca = makeCert(ca_key.get(), ca_name, nullptr, 1);
  addExtension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  addExtension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  check(X509_sign(ca.get(), ca_key.get(), EVP_sha256()) > 0, "sign CA");

  X509Ptr leaf = makeCert(leaf_key.get(), "cirrus test leaf", ca.get(), 2);
  addExtension(leaf.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  addExtension(leaf.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
  addExtension(leaf.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  addExtension(leaf.get(), ca.get(), NID_subject_alt_name, subject_alt_names);
  check(X509_sign(leaf.get(), ca_key.get(), EVP_sha256()) > 0, "sign leaf");

  return TestPki{toPem(ca.get(), ca_key.get()), toPem(leaf.get(), leaf_key.get())};
}

}  // namespace cirrus::http::testing
