// Token: a service (bearer) token's public record (spec §4 token hash, §9). The secret is
// stored only as its SHA-256 under a separate key and shown once at creation by the API; this
// record keeps the last two characters (suffix) so operators can tell tokens apart.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "model/field_error.h"
#include "model/hash_fields.h"
#include "model/role.h"

namespace cirrus::model {

inline constexpr size_t kMaxTokenNameLength = 128;

struct Token {
  std::string id;
  std::string name;
  std::string suffix;  // last 2 characters of the plaintext
  Role role = Role::kViewer;
  int64_t created_at = 0;  // unix seconds
  std::string created_by;  // principal that created it ("master" or a username)

  bool operator==(const Token&) const = default;
};

/// POST tokens body {name, role}; both required (see UserCreate for why role has no default).
struct TokenCreate {
  std::string name;
  Role role = Role::kViewer;
};

/// name: 1-128 characters, no control characters.
Validated<TokenCreate> parseTokenCreate(const nlohmann::json& body);

/// API rendering {id, name, suffix, role, created_at, created_by}; the API adds "token" (the
/// plaintext) to the creation response only.
nlohmann::json toJson(const Token& token);

/// HSET fields: id, name, suffix, role, created_at, created_by.
HashFields toHash(const Token& token);
/// Reads a stored token; id comes from the key. An unknown role reads as viewer and records
/// an "enum" error.
Validated<Token> tokenFromHash(std::string_view id, const HashMap& fields);

}  // namespace cirrus::model
