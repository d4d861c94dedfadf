#include "model/user.h"

#include "model/object_reader.h"

namespace cirrus::model {

namespace {

using nlohmann::json;

bool isAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The policy for a new password: length in code points, and no NUL, which C-string based
// tools (and some argon2 bindings) would silently truncate at.
std::optional<std::string> readNewPassword(ObjectReader& r, Presence presence) {
  auto password = r.string("password", presence, kMinPasswordLength, kMaxPasswordLength);
  if (!password) return std::nullopt;
  if (password->find('\0') != std::string::npos) {
    r.errors().push_back(
        FieldError::valueError(r.at("password"), "password must not contain NUL characters"));
    return std::nullopt;
  }
  return password;
}

}  // namespace

bool isValidUsername(std::string_view username) {
  if (username.empty() || username.size() > kMaxUsernameLength || !isAlnum(username.front())) {
    return false;
  }
  for (char c : username) {
    if (!isAlnum(c) && c != '.' && c != '_' && c != '@' && c != '-') return false;
  }
  return true;
}

Validated<UserCreate> parseUserCreate(const json& body) {
  Validated<UserCreate> result;
  ObjectReader r(body, {}, result.errors);
  if (!r.valid()) return result;
  if (auto username = r.string("username", Presence::kRequired)) {
    if (isValidUsername(*username)) {
      result.value.username = *username;
    } else {
      result.errors.push_back(
          FieldError::valueError(r.at("username"),
                                 "username must be 1-64 characters of letters, digits, '.', '_', "
                                 "'@' or '-', starting with a letter or digit"));
    }
  }
  if (auto password = readNewPassword(r, Presence::kRequired)) result.value.password = *password;
  if (auto role = r.enumeration<Role>("role", Presence::kRequired, roleNames())) {
    result.value.role = *role;
  }
  r.finish();
  return result;
}

Validated<UserPatch> parseUserPatch(const json& body) {
  Validated<UserPatch> result;
  ObjectReader r(body, {}, result.errors);
  if (!r.valid()) return result;
  result.value.password = readNewPassword(r, Presence::kOptional);
  result.value.role = r.enumeration<Role>("role", Presence::kOptional, roleNames());
  r.finish();
  return result;
}

Validated<LoginRequest> parseLoginRequest(const json& body) {
  Validated<LoginRequest> result;
  ObjectReader r(body, {}, result.errors);
  if (!r.valid()) return result;
  if (auto username = r.string("username", Presence::kRequired, 1, 256)) {
    result.value.username = *username;
  }
  if (auto password = r.string("password", Presence::kRequired, 1, kMaxPasswordLength)) {
    result.value.password = *password;
  }
  r.finish();
  return result;
}

json toJson(const User& user) {
  return {
      {"username", user.username}, {"role", toString(user.role)}, {"created_at", user.created_at}};
}

HashFields toHash(const User& user) {
  return {{"username", user.username},
          {"password_hash", user.password_hash},
          {"role", std::string(toString(user.role))},
          {"created_at", std::to_string(user.created_at)}};
}

Validated<User> userFromHash(std::string_view username, const HashMap& fields) {
  Validated<User> result;
  HashReader h(fields, result.errors);
  result.value.username = std::string(username);
  result.value.password_hash = h.string("password_hash");
  result.value.role = roleFromHash(h);
  result.value.created_at = h.time("created_at");
  return result;
}

}  // namespace cirrus::model
