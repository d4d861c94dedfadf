// RFC 8555 §6.2 request bodies: a flattened JWS JSON serialization {protected, payload,
// signature} signed with the account key (ES256 or RS256), identified either by its JWK
// (newAccount, §7.3) or by the account URL as "kid" (every other request).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "acme/key_pair.h"
#include "core/result.h"

namespace cirrus::acme {

/// The per-request members of the protected header.
struct JwsHeader {
  std::string url;    // the exact request URL (RFC 8555 §6.4)
  std::string nonce;  // from the last Replay-Nonce (§6.5)
  /// The account URL; when absent the public JWK of the key is embedded instead (§6.2: a
  /// header carries exactly one of "jwk" and "kid").
  std::optional<std::string> kid;
};

/// "ES256" for kEcdsaP256, "RS256" for kRsa.
std::string_view jwsAlgorithm(KeyType type);

/// The signature over `signing_input`: ES256 as the 64-byte big-endian r || s of RFC 7518
/// §3.4 (not DER), RS256 as RSASSA-PKCS1-v1_5 with SHA-256 (§3.3).
Result<std::string> jwsSignature(const KeyPair& key, std::string_view signing_input);

/// The flattened JWS. `payload` nullopt means POST-as-GET (§6.3): the payload member is "".
/// The serialized body is `result->dump()`.
Result<nlohmann::json> signJws(const KeyPair& key, const JwsHeader& header,
                               const std::optional<nlohmann::json>& payload);

}  // namespace cirrus::acme
