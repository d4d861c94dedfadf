#include "model/certificate_check.h"

#include <ctime>
#include <memory>
#include <string>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace cirrus::model {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

BioPtr memBio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

int64_t toUnix(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

std::string issuerLine(X509* cert) {
  BioPtr out(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(out.get(), X509_get_issuer_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long len = BIO_get_mem_data(out.get(), &data);
  return len > 0 ? std::string(data, static_cast<size_t>(len)) : std::string();
}

std::vector<std::string> dnsNames(X509* cert) {
  std::vector<std::string> names;
  auto* sans =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (sans == nullptr) return names;
  for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(sans, i);
    if (gn->type != GEN_DNS) continue;
    const ASN1_STRING* s = gn->d.dNSName;
    names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       static_cast<size_t>(ASN1_STRING_length(s)));
  }
  GENERAL_NAMES_free(sans);
  return names;
}

}  // namespace

Validated<CertificateMeta> inspectCertificate(std::string_view domain,
                                              const CertificateUpload& upload, int64_t now,
                                              CertSource source) {
  Validated<CertificateMeta> out;
  const Loc chain_loc{std::string("fullchain")};
  const Loc key_loc{std::string("key")};

  BioPtr chain_bio = memBio(upload.fullchain);
  X509Ptr leaf(PEM_read_bio_X509(chain_bio.get(), nullptr, nullptr, nullptr));
  if (!leaf) {
    out.errors.push_back(FieldError::valueError(chain_loc, "not a PEM certificate"));
  } else {
    // Every further block must be a certificate too (intermediates).
    for (int i = 0; i < 16; ++i) {
      X509Ptr next(PEM_read_bio_X509(chain_bio.get(), nullptr, nullptr, nullptr));
      if (!next) break;
    }
  }
  ERR_clear_error();

  BioPtr key_bio = memBio(upload.key);
  KeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!key) out.errors.push_back(FieldError::valueError(key_loc, "not a PEM private key"));

  if (!leaf) return out;
  if (key && X509_check_private_key(leaf.get(), key.get()) != 1) {
    out.errors.push_back(FieldError::valueError(key_loc, "the key does not match the certificate"));
  }
  ERR_clear_error();
  std::string host(domain);
  if (X509_check_host(leaf.get(), host.data(), host.size(), 0, nullptr) != 1) {
    out.errors.push_back(
        FieldError::valueError(chain_loc, "the certificate does not cover " + host));
  }
  auto& meta = out.value;
  meta.domain = host;
  meta.not_before = toUnix(X509_get0_notBefore(leaf.get()));
  meta.not_after = toUnix(X509_get0_notAfter(leaf.get()));
  meta.issuer = issuerLine(leaf.get());
  meta.source = source;
  meta.updated_at = now;
  meta.names = dnsNames(leaf.get());
  if (meta.not_after <= now) {
    out.errors.push_back(FieldError::valueError(chain_loc, "the certificate has expired"));
  }
  return out;
}

}  // namespace cirrus::model
