// The public JWK of an ACME key (RFC 7517, members per RFC 7518 §6), its RFC 7638 thumbprint,
// and the DNS-01 key authorization and TXT record value derived from it (RFC 8555 §8.1, §8.4).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "acme/key_pair.h"
#include "core/result.h"

namespace cirrus::acme {

/// EC: {"crv":"P-256","kty":"EC","x","y"} with 32-byte base64url coordinates (RFC 7518 §6.2.1);
/// RSA: {"e","kty":"RSA","n"} as minimal big-endian base64url (§6.3.1). Public members only.
/// Works on a public-only EVP_PKEY too.
Result<nlohmann::json> publicJwk(const EVP_PKEY* key);
Result<nlohmann::json> publicJwk(const KeyPair& key);

/// RFC 7638 §3: base64url(SHA-256(the required members in lexicographic order, no whitespace)).
/// Other members of `jwk` are ignored; a missing required member or an unknown kty is an error.
Result<std::string> jwkThumbprint(const nlohmann::json& jwk);
Result<std::string> jwkThumbprint(const KeyPair& key);

/// RFC 8555 §8.1: token || "." || base64url(thumbprint of the account key).
std::string keyAuthorization(std::string_view token, std::string_view thumbprint);

/// RFC 8555 §8.4: the _acme-challenge TXT value, base64url(SHA-256(key authorization)).
std::string dns01TxtValue(std::string_view key_authorization);

/// SHA-256 digest of `bytes` (32 raw bytes).
std::string sha256(std::string_view bytes);

}  // namespace cirrus::acme
