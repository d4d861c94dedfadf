#include "acme/csr.h"

#include "core/base64.h"

namespace cirrus::acme {

namespace {

constexpr std::size_t kMaxCommonName = 64;  // ub-common-name, RFC 5280 Appendix A.1
constexpr std::size_t kMaxDnsName = 253;

using GeneralNamesPtr =
    std::unique_ptr<GENERAL_NAMES, detail::OpensslFree<GENERAL_NAMES, GENERAL_NAMES_free>>;
using GeneralNamePtr =
    std::unique_ptr<GENERAL_NAME, detail::OpensslFree<GENERAL_NAME, GENERAL_NAME_free>>;
using Asn1StringPtr =
    std::unique_ptr<ASN1_STRING, detail::OpensslFree<ASN1_STRING, ASN1_STRING_free>>;
using X509ExtensionPtr =
    std::unique_ptr<X509_EXTENSION, detail::OpensslFree<X509_EXTENSION, X509_EXTENSION_free>>;

void freeExtensions(STACK_OF(X509_EXTENSION) * exts) {
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
}
using ExtensionStackPtr =
    std::unique_ptr<STACK_OF(X509_EXTENSION),
                    detail::OpensslFree<STACK_OF(X509_EXTENSION), freeExtensions>>;

/// Callers pass IDNA A-labels (model validates domains); this only keeps bytes out of the
/// IA5String that a CA would reject or that could confuse a parser.
bool isDnsName(const std::string& name) {
  if (name.empty() || name.size() > kMaxDnsName) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' ||
                    (c == '*' && i == 0 && name.size() > 2 && name[1] == '.');
    if (!ok) return false;
  }
  return true;
}

Result<X509ExtensionPtr> subjectAltName(const std::vector<std::string>& dns_names) {
  GeneralNamesPtr names(GENERAL_NAMES_new());
  if (!names) return internalError(opensslError("acme csr: GENERAL_NAMES_new"));
  for (const std::string& dns_name : dns_names) {
    Asn1StringPtr ia5(ASN1_IA5STRING_new());
    GeneralNamePtr name(GENERAL_NAME_new());
    if (!ia5 || !name ||
        ASN1_STRING_set(ia5.get(), dns_name.data(), static_cast<int>(dns_name.size())) != 1) {
      return internalError(opensslError("acme csr: build dNSName"));
    }
    GENERAL_NAME_set0_value(name.get(), GEN_DNS, ia5.release());
    if (sk_GENERAL_NAME_push(names.get(), name.get()) == 0) {
      return internalError(opensslError("acme csr: push dNSName"));
    }
    name.release();  // owned by `names` now
  }
  X509ExtensionPtr ext(X509V3_EXT_i2d(NID_subject_alt_name, 0, names.get()));
  if (!ext) return internalError(opensslError("acme csr: encode subjectAltName"));
  return ext;
}

}  // namespace

Result<std::string> csrDer(const KeyPair& domain_key, const std::vector<std::string>& dns_names) {
  if (dns_names.empty()) return badRequest("acme csr: no DNS names");
  for (const std::string& name : dns_names) {
    if (!isDnsName(name)) return badRequest("acme csr: not a DNS name: \"" + name + "\"");
  }

  X509ReqPtr req(X509_REQ_new());
  if (!req) return internalError(opensslError("acme csr: X509_REQ_new"));
  if (X509_REQ_set_version(req.get(), X509_REQ_VERSION_1) != 1) {
    return internalError(opensslError("acme csr: set version"));
  }
  const std::string& cn = dns_names.front();
  if (cn.size() <= kMaxCommonName) {
    X509_NAME* subject = X509_REQ_get_subject_name(req.get());
    if (X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(cn.data()),
                                   static_cast<int>(cn.size()), -1, 0) != 1) {
      return internalError(opensslError("acme csr: set CN"));
    }
  }

  auto san = subjectAltName(dns_names);
  if (!san) return san.error();
  ExtensionStackPtr exts(sk_X509_EXTENSION_new_null());
  if (!exts || sk_X509_EXTENSION_push(exts.get(), san->get()) == 0) {
    return internalError(opensslError("acme csr: extension stack"));
  }
  san->release();  // owned by `exts` now
  if (X509_REQ_add_extensions(req.get(), exts.get()) != 1) {
    return internalError(opensslError("acme csr: add extensions"));
  }

  if (X509_REQ_set_pubkey(req.get(), domain_key.get()) != 1) {
    return internalError(opensslError("acme csr: set public key"));
  }
  if (X509_REQ_sign(req.get(), domain_key.get(), EVP_sha256()) <= 0) {
    return internalError(opensslError("acme csr: sign"));
  }

  const int len = i2d_X509_REQ(req.get(), nullptr);
  if (len <= 0) return internalError(opensslError("acme csr: DER size"));
  std::string der(static_cast<std::size_t>(len), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_X509_REQ(req.get(), &out) != len) return internalError(opensslError("acme csr: DER"));
  return der;
}

Result<std::string> csrBase64Url(const KeyPair& domain_key,
                                 const std::vector<std::string>& dns_names) {
  auto der = csrDer(domain_key, dns_names);
  if (!der) return der.error();
  return base64UrlEncode(*der);
}

}  // namespace cirrus::acme
