// FieldError: one validation failure, located by its path in the input document, in the
// shape FastAPI/pydantic use for 422 bodies ({loc, msg, type}; spec §10). Model parsers never
// throw on bad input: they collect every FieldError and return them all at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace cirrus::model {

/// One step of a path: an object member name or an array index.
using LocPart = std::variant<std::string, size_t>;
/// Path from the document root, e.g. {"origins", 0, "port"}. Empty = the document itself.
using Loc = std::vector<LocPart>;

/// base + one more step.
Loc join(const Loc& base, std::string_view key);
Loc join(const Loc& base, size_t index);

/// "origins.0.port" (pydantic's display form); "" for the root. For logs and tests.
std::string formatLoc(const Loc& loc);

struct FieldError {
  Loc loc;
  std::string msg;   // human sentence, pydantic wording where one exists
  std::string type;  // machine-readable kind: "missing", "extra_forbidden", "value_error"...

  bool operator==(const FieldError&) const = default;

  // Named constructors; the wording follows pydantic v2 so API clients see familiar text.
  static FieldError missing(Loc loc);
  static FieldError extraForbidden(Loc loc);
  static FieldError stringType(Loc loc);
  static FieldError intType(Loc loc);
  static FieldError boolType(Loc loc);
  static FieldError dictType(Loc loc);
  static FieldError listType(Loc loc);
  static FieldError greaterThanEqual(Loc loc, int64_t bound);
  static FieldError lessThanEqual(Loc loc, int64_t bound);
  /// allowed: the accepted spellings, rendered "Input should be 'a', 'b' or 'c'".
  static FieldError enumeration(Loc loc, const std::vector<std::string_view>& allowed);
  static FieldError tooShort(Loc loc, size_t min_items, size_t actual);
  static FieldError tooLong(Loc loc, size_t max_items, size_t actual);
  static FieldError stringTooShort(Loc loc, size_t min_chars);
  static FieldError stringTooLong(Loc loc, size_t max_chars);
  /// A rule that is not a plain type/bound check; msg becomes "Value error, <reason>".
  static FieldError valueError(Loc loc, std::string_view reason);
  /// A stored (Redis hash) field that is not a valid boolean / integer.
  static FieldError boolParsing(Loc loc);
  static FieldError intParsing(Loc loc);
};

using FieldErrors = std::vector<FieldError>;

/// The 422 list: [{"loc": [prefix..., loc...], "msg": ..., "type": ...}]. The API passes
/// prefix {"body"} (or {"path"}, {"query"}) as FastAPI does; parsers report locs relative to
/// the document they were given.
nlohmann::json toJson(const FieldErrors& errors, const Loc& prefix = {});

/// "origins.0.port: Input should be ...; domain: Field required" for log lines.
std::string describe(const FieldErrors& errors);

/// Number of Unicode code points in a UTF-8 string (pydantic counts length in characters).
size_t utf8Length(std::string_view s);

/// A parsed value and every error found while parsing it. When errors is non-empty, value
/// holds whatever could be read (defaults elsewhere) and must not be used.
template <class T>
struct Validated {
  T value{};
  FieldErrors errors;

  bool ok() const { return errors.empty(); }
};

}  // namespace cirrus::model
