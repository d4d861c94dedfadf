// User: an operator who logs in with a password (spec §4 user hash, §9). The model checks
// usernames and the password policy; hashing (argon2id) and verification happen in the API,
// so no type here ever carries a plaintext password further than the request that sent it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "model/field_error.h"
#include "model/hash_fields.h"
#include "model/role.h"

namespace cirrus::model {

inline constexpr size_t kMaxUsernameLength = 64;
inline constexpr size_t kMinPasswordLength = 8;     // code points (NIST SP 800-63B §5.1.1.2)
inline constexpr size_t kMaxPasswordLength = 1024;  // bounds the work of hashing a request

struct User {
  std::string username;
  std::string password_hash;  // argon2id PHC string; never rendered
  Role role = Role::kViewer;
  int64_t created_at = 0;  // unix seconds

  bool operator==(const User&) const = default;
};

/// POST users body. role is required: a first user created without one would become a
/// viewer and, since bootstrap ends with the first user, lock everyone out.
struct UserCreate {
  std::string username;
  std::string password;
  Role role = Role::kViewer;
};

/// PATCH users/{username} body: any subset; {} is a valid no-op.
struct UserPatch {
  std::optional<std::string> password;
  std::optional<Role> role;
};

/// POST auth/login body. Only shapes are checked, never the policy, so a login never tells
/// which rule a stored password breaks and old passwords keep working.
struct LoginRequest {
  std::string username;
  std::string password;
};

/// 1-64 characters of A-Z a-z 0-9 . _ @ -, starting with a letter or digit; case-sensitive,
/// stored as given (it is part of a key).
bool isValidUsername(std::string_view username);

Validated<UserCreate> parseUserCreate(const nlohmann::json& body);
Validated<UserPatch> parseUserPatch(const nlohmann::json& body);
Validated<LoginRequest> parseLoginRequest(const nlohmann::json& body);

/// API rendering {username, role, created_at}; password_hash is never included.
nlohmann::json toJson(const User& user);

/// HSET fields: username, password_hash, role, created_at.
HashFields toHash(const User& user);
/// Reads a stored user; username comes from the key. An unknown role reads as viewer (least
/// privilege) and records an "enum" error.
Validated<User> userFromHash(std::string_view username, const HashMap& fields);

}  // namespace cirrus::model
