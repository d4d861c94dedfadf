// KeyPair: an owned ACME private key (the account key of cdn:acmeacct:global, or a domain key
// of cdn:acmecertkey:{domain}, spec §4). Generates EC P-256 or RSA 2048 keys (ACME_CERT_KEY_TYPE,
// spec §3) and moves them to and from PKCS#8 PEM, the form stored in Redis.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "acme/openssl_handle.h"
#include "core/result.h"

namespace cirrus::acme {

/// The key families the ACME layer signs with: ES256 (RFC 7518 §3.4) or RS256 (§3.3).
enum class KeyType { kEcdsaP256, kRsa };

/// "ecdsa256" -> kEcdsaP256, "rsa2048" -> kRsa (the ACME_CERT_KEY_TYPE values); nullopt otherwise.
std::optional<KeyType> parseKeyType(std::string_view text);
/// "ecdsa256" or "rsa2048".
std::string_view toString(KeyType type);

class KeyPair {
 public:
  /// A fresh key: P-256 for kEcdsaP256, 2048-bit RSA (e = 65537) for kRsa.
  static Result<KeyPair> generate(KeyType type);

  /// Parses a PEM private key (PKCS#8 "PRIVATE KEY", or the traditional "EC PRIVATE KEY" /
  /// "RSA PRIVATE KEY" forms). Only P-256 EC keys and RSA keys of 2048..4096 bits are accepted;
  /// anything else, or text that is not a private key, is a badRequest error.
  static Result<KeyPair> fromPem(std::string_view pem);

  /// Unencrypted PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----").
  Result<std::string> toPem() const;

  KeyType type() const { return type_; }
  /// Borrowed; valid while this KeyPair lives. Never null.
  EVP_PKEY* get() const { return key_.get(); }

 private:
  KeyPair(EvpPkeyPtr key, KeyType type) : key_(std::move(key)), type_(type) {}

  EvpPkeyPtr key_;
  KeyType type_;
};

/// The family of any EVP_PKEY (public or private) under the same rules as KeyPair::fromPem.
Result<KeyType> keyTypeOf(const EVP_PKEY* key);

}  // namespace cirrus::acme
