// Redis hash field conventions (spec §4): booleans are written "1"/"0" and read as 1/0/true/
// false, times are unix seconds, addresses are textual, a missing field means its default.
// Writers return fields in one fixed order so store tests can assert the exact HSET sent.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/field_error.h"

namespace cirrus::model {

/// What HGETALL returned.
using HashMap = std::map<std::string, std::string, std::less<>>;
/// What HSET writes, in a fixed order.
using HashFields = std::vector<std::pair<std::string, std::string>>;

std::string hashBool(bool value);  // "1" / "0"
/// "1", "0", "true", "false" (any case); nullopt otherwise.
std::optional<bool> parseHashBool(std::string_view text);
/// Decimal int64 ("-3", "42"); nullopt otherwise.
std::optional<int64_t> parseHashInt(std::string_view text);
/// Unix seconds; a fractional part (Python's time.time()) is truncated.
std::optional<int64_t> parseHashTime(std::string_view text);

/// Reads typed fields from one hash. A missing or empty field yields the fallback; a present
/// field that does not parse records bool_parsing / int_parsing at loc {field} and yields the
/// fallback, so one bad field never hides the others.
class HashReader {
 public:
  HashReader(const HashMap& fields, FieldErrors& errors) : fields_(fields), errors_(errors) {}

  /// nullptr when the field is absent.
  const std::string* find(std::string_view key) const;
  std::string string(std::string_view key, std::string_view fallback = {}) const;
  bool boolean(std::string_view key, bool fallback) const;
  int64_t integer(std::string_view key, int64_t fallback = 0) const;
  int64_t time(std::string_view key) const;
  FieldErrors& errors() const { return errors_; }

 private:
  const HashMap& fields_;
  FieldErrors& errors_;
};

}  // namespace cirrus::model
