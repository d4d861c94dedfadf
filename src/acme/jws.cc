#include "acme/jws.h"

#include <openssl/ecdsa.h>

#include "acme/jwk.h"
#include "core/base64.h"

namespace cirrus::acme {

namespace {

constexpr int kEs256HalfBytes = 32;

using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, detail::OpensslFree<ECDSA_SIG, ECDSA_SIG_free>>;

/// EVP_DigestSign emits ECDSA signatures as DER SEQUENCE{r, s}; JWS wants fixed-width r || s.
Result<std::string> derToRawEcdsa(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) return internalError(opensslError("acme jws: parse DER ECDSA signature"));
  const BIGNUM* r = ECDSA_SIG_get0_r(sig.get());
  const BIGNUM* s = ECDSA_SIG_get0_s(sig.get());
  std::string raw(2 * kEs256HalfBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(r, out, kEs256HalfBytes) != kEs256HalfBytes ||
      BN_bn2binpad(s, out + kEs256HalfBytes, kEs256HalfBytes) != kEs256HalfBytes) {
    return internalError("acme jws: ECDSA r or s wider than 32 bytes");
  }
  return raw;
}

/// dump() throws on invalid UTF-8 by default; this layer never throws, so bad bytes (which a CA
/// would reject anyway) become U+FFFD.
std::string toJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string_view jwsAlgorithm(KeyType type) {
  return type == KeyType::kEcdsaP256 ? "ES256" : "RS256";
}

Result<std::string> jwsSignature(const KeyPair& key, std::string_view signing_input) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return internalError(opensslError("acme jws: EVP_MD_CTX_new"));
  // RSA keys default to PKCS#1 v1.5 padding, which is what RS256 requires.
  if (EVP_DigestSignInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key.get(), nullptr) !=
      1) {
    return internalError(opensslError("acme jws: EVP_DigestSignInit_ex"));
  }
  const auto* in = reinterpret_cast<const unsigned char*>(signing_input.data());
  std::size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, in, signing_input.size()) != 1) {
    return internalError(opensslError("acme jws: EVP_DigestSign size"));
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                     signing_input.size()) != 1) {
    return internalError(opensslError("acme jws: EVP_DigestSign"));
  }
  sig.resize(len);
  if (key.type() == KeyType::kEcdsaP256) return derToRawEcdsa(sig);
  return sig;
}

Result<nlohmann::json> signJws(const KeyPair& key, const JwsHeader& header,
                               const std::optional<nlohmann::json>& payload) {
  nlohmann::json protected_header = {
      {"alg", jwsAlgorithm(key.type())}, {"nonce", header.nonce}, {"url", header.url}};
  if (header.kid) {
    protected_header["kid"] = *header.kid;
  } else {
    auto jwk = publicJwk(key);
    if (!jwk) return jwk.error();
    protected_header["jwk"] = std::move(*jwk);
  }
  const std::string protected_b64 = base64UrlEncode(toJson(protected_header));
  const std::string payload_b64 = payload ? base64UrlEncode(toJson(*payload)) : std::string();
  auto signature = jwsSignature(key, protected_b64 + "." + payload_b64);
  if (!signature) return signature.error();
  return nlohmann::json{{"protected", protected_b64},
                        {"payload", payload_b64},
                        {"signature", base64UrlEncode(*signature)}};
}

}  // namespace cirrus::acme
