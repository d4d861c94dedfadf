// Owning handles for the OpenSSL 3 objects the ACME layer uses, and the one place that turns
// OpenSSL's thread-local error queue into text for a cirrus::Error context.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace cirrus::acme {

namespace detail {
template <class T, void (*Free)(T*)>
struct OpensslFree {
  void operator()(T* p) const { Free(p); }
};
}  // namespace detail

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, detail::OpensslFree<EVP_PKEY, EVP_PKEY_free>>;
using EvpPkeyCtxPtr =
    std::unique_ptr<EVP_PKEY_CTX, detail::OpensslFree<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, detail::OpensslFree<EVP_MD_CTX, EVP_MD_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, detail::OpensslFree<BIO, BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, detail::OpensslFree<BIGNUM, BN_free>>;
using X509ReqPtr = std::unique_ptr<X509_REQ, detail::OpensslFree<X509_REQ, X509_REQ_free>>;

/// "<what>: <first queued OpenSSL reason>" and clears the queue, so a later failure does not
/// report a stale reason. `what` alone when the queue is empty.
std::string opensslError(std::string_view what);

/// The bytes a memory BIO holds (after PEM_write_bio_* or i2d_*_bio).
std::string bioContents(BIO* bio);

}  // namespace cirrus::acme
