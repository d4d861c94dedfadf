#include "acme/jwk.h"

#include <array>
#include <vector>

#include <openssl/core_names.h>

#include "core/base64.h"

namespace cirrus::acme {

namespace {

// RFC 7518 §6.2.1.2: P-256 coordinates are always the full 32 bytes, leading zeros kept.
constexpr int kP256CoordinateBytes = 32;

Result<BignumPtr> bignumParam(const EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1 || bn == nullptr) {
    return internalError(opensslError(std::string("acme jwk: read ") + name));
  }
  return BignumPtr(bn);
}

/// Big-endian bytes; `width` 0 means minimal (RFC 7518 §2 "Base64urlUInt").
std::string bignumBytes(const BIGNUM* bn, int width) {
  const int size = width > 0 ? width : BN_num_bytes(bn);
  std::string out(static_cast<std::size_t>(size), '\0');
  auto* data = reinterpret_cast<unsigned char*>(out.data());
  if (width > 0) {
    BN_bn2binpad(bn, data, width);
  } else {
    BN_bn2bin(bn, data);
  }
  return out;
}

Result<std::string> requiredString(const nlohmann::json& jwk, const char* member) {
  auto it = jwk.find(member);
  if (it == jwk.end() || !it->is_string()) {
    return badRequest(std::string("acme jwk: missing string member \"") + member + "\"");
  }
  return it->get<std::string>();
}

}  // namespace

std::string sha256(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  // EVP_Digest cannot fail for SHA-256 over memory short of allocation failure; an empty
  // digest then makes every comparison fail rather than pass.
  if (EVP_Digest(bytes.data(), bytes.size(), md.data(), &len, EVP_sha256(), nullptr) != 1) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(md.data()), len);
}

Result<nlohmann::json> publicJwk(const EVP_PKEY* key) {
  auto type = keyTypeOf(key);
  if (!type) return type.error();
  if (*type == KeyType::kEcdsaP256) {
    auto x = bignumParam(key, OSSL_PKEY_PARAM_EC_PUB_X);
    if (!x) return x.error();
    auto y = bignumParam(key, OSSL_PKEY_PARAM_EC_PUB_Y);
    if (!y) return y.error();
    return nlohmann::json{{"crv", "P-256"},
                          {"kty", "EC"},
                          {"x", base64UrlEncode(bignumBytes(x->get(), kP256CoordinateBytes))},
                          {"y", base64UrlEncode(bignumBytes(y->get(), kP256CoordinateBytes))}};
  }
  auto n = bignumParam(key, OSSL_PKEY_PARAM_RSA_N);
  if (!n) return n.error();
  auto e = bignumParam(key, OSSL_PKEY_PARAM_RSA_E);
  if (!e) return e.error();
  return nlohmann::json{{"e", base64UrlEncode(bignumBytes(e->get(), 0))},
                        {"kty", "RSA"},
                        {"n", base64UrlEncode(bignumBytes(n->get(), 0))}};
}

Result<nlohmann::json> publicJwk(const KeyPair& key) {
  return publicJwk(key.get());
}

Result<std::string> jwkThumbprint(const nlohmann::json& jwk) {
  if (!jwk.is_object()) return badRequest("acme jwk: not a JSON object");
  auto kty = requiredString(jwk, "kty");
  if (!kty) return kty.error();
  std::vector<const char*> members;
  if (*kty == "EC") {
    members = {"crv", "kty", "x", "y"};
  } else if (*kty == "RSA") {
    members = {"e", "kty", "n"};
  } else {
    return badRequest("acme jwk: unsupported kty \"" + *kty + "\"");
  }
  // nlohmann::json objects are std::map-ordered, so dump() emits the members sorted by name
  // with no whitespace: exactly the RFC 7638 §3.3 canonical form for these ASCII values.
  nlohmann::json canonical = nlohmann::json::object();
  for (const char* member : members) {
    auto value = requiredString(jwk, member);
    if (!value) return value.error();
    canonical[member] = *value;
  }
  return base64UrlEncode(sha256(canonical.dump()));
}

Result<std::string> jwkThumbprint(const KeyPair& key) {
  auto jwk = publicJwk(key);
  if (!jwk) return jwk.error();
  return jwkThumbprint(*jwk);
}

std::string keyAuthorization(std::string_view token, std::string_view thumbprint) {
  std::string out;
  out.reserve(token.size() + 1 + thumbprint.size());
  out.append(token).append(".").append(thumbprint);
  return out;
}

std::string dns01TxtValue(std::string_view key_authorization) {
  return base64UrlEncode(sha256(key_authorization));
}

}  // namespace cirrus::acme
