#include "acme/key_pair.h"

#include <array>
#include <cstring>

#include <openssl/core_names.h>
#include <openssl/pem.h>

namespace cirrus::acme {

namespace {

constexpr int kRsaBits = 2048;
constexpr int kRsaMaxBits = 4096;
// A 4096-bit RSA PKCS#8 PEM is about 3.3 KB; anything far larger is not a key.
constexpr std::size_t kMaxPemBytes = 64 * 1024;

}  // namespace

std::optional<KeyType> parseKeyType(std::string_view text) {
  if (text == "ecdsa256") return KeyType::kEcdsaP256;
  if (text == "rsa2048") return KeyType::kRsa;
  return std::nullopt;
}

std::string_view toString(KeyType type) {
  return type == KeyType::kEcdsaP256 ? "ecdsa256" : "rsa2048";
}

Result<KeyType> keyTypeOf(const EVP_PKEY* key) {
  if (key == nullptr) return badRequest("acme key: no key");
  if (EVP_PKEY_is_a(key, "EC")) {
    std::array<char, 64> group{};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group.data(), group.size(),
                                       &len) != 1) {
      return badRequest(opensslError("acme key: EC key without a named group"));
    }
    // ES256 is defined on P-256 only (RFC 7518 §3.4).
    if (std::strcmp(group.data(), "prime256v1") != 0) {
      return badRequest("acme key: EC curve " + std::string(group.data()) + " is not P-256");
    }
    return KeyType::kEcdsaP256;
  }
  if (EVP_PKEY_is_a(key, "RSA")) {
    const int bits = EVP_PKEY_get_bits(key);
    // RFC 7518 §3.3: RS256 keys must be 2048 bits or larger; the cap keeps signing cheap.
    if (bits < kRsaBits || bits > kRsaMaxBits) {
      return badRequest("acme key: RSA key of " + std::to_string(bits) + " bits (want 2048..4096)");
    }
    return KeyType::kRsa;
  }
  return badRequest("acme key: neither EC P-256 nor RSA");
}

Result<KeyPair> KeyPair::generate(KeyType type) {
  EvpPkeyPtr key;
  if (type == KeyType::kEcdsaP256) {
    key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  } else {
    key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(kRsaBits)));
  }
  if (!key) return internalError(opensslError("acme key: generate " + std::string(toString(type))));
  return KeyPair(std::move(key), type);
}

Result<KeyPair> KeyPair::fromPem(std::string_view pem) {
  if (pem.size() > kMaxPemBytes) return badRequest("acme key: PEM larger than 64 KiB");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return internalError(opensslError("acme key: BIO_new_mem_buf"));
  // An empty passphrase callback: an encrypted key fails here instead of prompting on a tty.
  auto no_passphrase = [](char*, int, int, void*) -> int { return 0; };
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  if (!key) return badRequest(opensslError("acme key: not a PEM private key"));
  auto type = keyTypeOf(key.get());
  if (!type) return type.error();
  return KeyPair(std::move(key), *type);
}

Result<std::string> KeyPair::toPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return internalError(opensslError("acme key: BIO_new"));
  // Explicitly PKCS#8 (spec §4), whatever OpenSSL's default PEM form for the key type is.
  if (PEM_write_bio_PKCS8PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
      1) {
    return internalError(opensslError("acme key: write PKCS#8 PEM"));
  }
  return bioContents(bio.get());
}

}  // namespace cirrus::acme
