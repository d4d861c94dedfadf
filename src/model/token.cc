#include "model/token.h"

#include "model/object_reader.h"

namespace cirrus::model {

using nlohmann::json;

Validated<TokenCreate> parseTokenCreate(const json& body) {
  Validated<TokenCreate> result;
  ObjectReader r(body, {}, result.errors);
  if (!r.valid()) return result;
  if (auto name = r.string("name", Presence::kRequired, 1, kMaxTokenNameLength)) {
    if (hasControlCharacter(*name)) {
      result.errors.push_back(
          FieldError::valueError(r.at("name"), "name must not contain control characters"));
    } else {
      result.value.name = *name;
    }
  }
  if (auto role = r.enumeration<Role>("role", Presence::kRequired, roleNames())) {
    result.value.role = *role;
  }
  r.finish();
  return result;
}

json toJson(const Token& token) {
  return {{"id", token.id},
          {"name", token.name},
          {"suffix", token.suffix},
          {"role", toString(token.role)},
          {"created_at", token.created_at},
          {"created_by", token.created_by}};
}

HashFields toHash(const Token& token) {
  return {{"id", token.id},
          {"name", token.name},
          {"suffix", token.suffix},
          {"role", std::string(toString(token.role))},
          {"created_at", std::to_string(token.created_at)},
          {"created_by", token.created_by}};
}

Validated<Token> tokenFromHash(std::string_view id, const HashMap& fields) {
  Validated<Token> result;
  HashReader h(fields, result.errors);
  result.value.id = std::string(id);
  result.value.name = h.string("name");
  result.value.suffix = h.string("suffix");
  result.value.role = roleFromHash(h);
  result.value.created_at = h.time("created_at");
  result.value.created_by = h.string("created_by");
  return result;
}

}  // namespace cirrus::model
