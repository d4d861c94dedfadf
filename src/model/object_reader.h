// ObjectReader: strict, non-throwing reads of one JSON object for the model parsers. Every
// read checks the JSON type before converting (nlohmann would throw), records a FieldError at
// the member's path on a mismatch, and remembers the member so finish() can reject unknown
// ones (extra_forbidden, spec §5). Types are strict: "1" is not an integer, 1 is not a boolean.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/field_error.h"

namespace cirrus::model {

enum class Presence { kOptional, kRequired };

/// What ObjectReader::finish() does with members no read asked for: API bodies reject them
/// (spec §5); readers of stored documents and bus messages ignore them, so a newer writer
/// can add a field during a rolling upgrade without older readers dropping the document.
enum class UnknownFields { kReject, kIgnore };

/// One accepted spelling of an enum value.
template <class E>
struct EnumName {
  std::string_view name;
  E value;
};

/// Reads a string at loc; records string_type / string_too_short / string_too_long (lengths
/// in code points) and returns nullopt on failure.
std::optional<std::string> readString(const nlohmann::json& v, const Loc& loc, FieldErrors& errors,
                                      size_t min_chars = 0,
                                      size_t max_chars = std::numeric_limits<size_t>::max());
std::optional<bool> readBool(const nlohmann::json& v, const Loc& loc, FieldErrors& errors);
/// Integers only (443.0 is rejected); bounds inclusive.
std::optional<int64_t> readInt(const nlohmann::json& v, const Loc& loc, FieldErrors& errors,
                               int64_t min = std::numeric_limits<int64_t>::min(),
                               int64_t max = std::numeric_limits<int64_t>::max());

/// The value spelled text, if any.
template <class E>
std::optional<E> lookupEnum(std::span<const EnumName<E>> names, std::string_view text) {
  for (const auto& n : names) {
    if (n.name == text) return n.value;
  }
  return std::nullopt;
}

/// Every accepted spelling, for FieldError::enumeration.
template <class E>
std::vector<std::string_view> enumSpellings(std::span<const EnumName<E>> names) {
  std::vector<std::string_view> out;
  for (const auto& n : names) out.push_back(n.name);
  return out;
}

/// The name of an enum value in names; "" when absent (a bug in the caller's table).
template <class E>
std::string_view enumName(std::span<const EnumName<E>> names, E value) {
  for (const auto& n : names) {
    if (n.value == value) return n.name;
  }
  return {};
}

/// Case-sensitive match against names; records "enum" listing them on failure.
template <class E>
std::optional<E> readEnum(const nlohmann::json& v, const Loc& loc, FieldErrors& errors,
                          std::span<const EnumName<E>> names) {
  if (!v.is_string()) {
    errors.push_back(FieldError::stringType(loc));
    return std::nullopt;
  }
  if (auto value = lookupEnum(names, v.get_ref<const std::string&>())) return value;
  errors.push_back(FieldError::enumeration(loc, enumSpellings(names)));
  return std::nullopt;
}

/// Parses a request or stored document; on a syntax error records {loc: [], type:
/// "json_invalid", msg: "JSON decode error"} and returns nullopt. Never throws.
std::optional<nlohmann::json> parseJsonText(std::string_view text, FieldErrors& errors);

/// True when s holds a C0 control character or DEL (HTAB included).
bool hasControlCharacter(std::string_view s);

class ObjectReader {
 public:
  /// v may be any JSON value: a non-object records dict_type at loc, and every read then
  /// returns nothing without recording more errors. v and errors must outlive the reader.
  ObjectReader(const nlohmann::json& v, Loc loc, FieldErrors& errors,
               UnknownFields unknown = UnknownFields::kReject);

  bool valid() const { return valid_; }
  const Loc& loc() const { return loc_; }
  FieldErrors& errors() { return errors_; }
  Loc at(std::string_view key) const { return join(loc_, key); }

  /// The member, or nullptr when absent. JSON null counts as absent for optional members, so
  /// clients may send null for "use the default"; a required member that is absent records
  /// "missing", and a required null is returned so the typed read reports its type.
  const nlohmann::json* get(std::string_view key, Presence presence = Presence::kOptional);
  /// True when key is present and not null (and marks it as known).
  bool has(std::string_view key);
  /// The member as sent, null included (nullptr only when absent); marks it as known. For
  /// PATCH bodies, where null means "reset to the default".
  const nlohmann::json* raw(std::string_view key);

  std::optional<std::string> string(std::string_view key, Presence presence, size_t min_chars = 0,
                                    size_t max_chars = std::numeric_limits<size_t>::max());
  std::optional<bool> boolean(std::string_view key, Presence presence);
  std::optional<int64_t> integer(std::string_view key, Presence presence,
                                 int64_t min = std::numeric_limits<int64_t>::min(),
                                 int64_t max = std::numeric_limits<int64_t>::max());
  template <class E>
  std::optional<E> enumeration(std::string_view key, Presence presence,
                               std::span<const EnumName<E>> names) {
    const nlohmann::json* v = get(key, presence);
    if (v == nullptr) return std::nullopt;
    return readEnum(*v, at(key), errors_, names);
  }

  /// With UnknownFields::kReject, records extra_forbidden for every member that no read
  /// above asked for. Call it last.
  void finish();

 private:
  const nlohmann::json& v_;
  Loc loc_;
  FieldErrors& errors_;
  bool valid_;
  UnknownFields unknown_;
  std::vector<std::string> known_;
};

}  // namespace cirrus::model
