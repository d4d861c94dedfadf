#include "model/object_reader.h"

#include <algorithm>

namespace cirrus::model {

std::optional<std::string> readString(const nlohmann::json& v, const Loc& loc, FieldErrors& errors,
                                      size_t min_chars, size_t max_chars) {
  if (!v.is_string()) {
    errors.push_back(FieldError::stringType(loc));
    return std::nullopt;
  }
  const auto& s = v.get_ref<const std::string&>();
  size_t length = utf8Length(s);
  if (length < min_chars) {
    errors.push_back(FieldError::stringTooShort(loc, min_chars));
    return std::nullopt;
  }
  if (length > max_chars) {
    errors.push_back(FieldError::stringTooLong(loc, max_chars));
    return std::nullopt;
  }
  return s;
}

std::optional<bool> readBool(const nlohmann::json& v, const Loc& loc, FieldErrors& errors) {
  if (!v.is_boolean()) {
    errors.push_back(FieldError::boolType(loc));
    return std::nullopt;
  }
  return v.get<bool>();
}

std::optional<int64_t> readInt(const nlohmann::json& v, const Loc& loc, FieldErrors& errors,
                               int64_t min, int64_t max) {
  if (!v.is_number_integer()) {
    errors.push_back(FieldError::intType(loc));
    return std::nullopt;
  }
  if (v.is_number_unsigned()) {
    // Above INT64_MAX it cannot fit our int64 fields at all.
    auto u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(max)) {
      errors.push_back(FieldError::lessThanEqual(loc, max));
      return std::nullopt;
    }
    if (static_cast<int64_t>(u) < min) {
      errors.push_back(FieldError::greaterThanEqual(loc, min));
      return std::nullopt;
    }
    return static_cast<int64_t>(u);
  }
  auto i = v.get<int64_t>();
  if (i < min) {
    errors.push_back(FieldError::greaterThanEqual(loc, min));
    return std::nullopt;
  }
  if (i > max) {
    errors.push_back(FieldError::lessThanEqual(loc, max));
    return std::nullopt;
  }
  return i;
}

std::optional<nlohmann::json> parseJsonText(std::string_view text, FieldErrors& errors) {
  nlohmann::json v = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (v.is_discarded()) {
    errors.push_back({{}, "JSON decode error", "json_invalid"});
    return std::nullopt;
  }
  return v;
}

bool hasControlCharacter(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

ObjectReader::ObjectReader(const nlohmann::json& v, Loc loc, FieldErrors& errors,
                           UnknownFields unknown)
    : v_(v), loc_(std::move(loc)), errors_(errors), valid_(v.is_object()), unknown_(unknown) {
  if (!valid_) errors_.push_back(FieldError::dictType(loc_));
}

const nlohmann::json* ObjectReader::get(std::string_view key, Presence presence) {
  if (!valid_) return nullptr;
  known_.emplace_back(key);
  auto it = v_.find(key);
  if (it == v_.end()) {
    if (presence == Presence::kRequired) errors_.push_back(FieldError::missing(at(key)));
    return nullptr;
  }
  if (it->is_null() && presence == Presence::kOptional) return nullptr;
  return &*it;
}

bool ObjectReader::has(std::string_view key) {
  if (!valid_) return false;
  known_.emplace_back(key);
  auto it = v_.find(key);
  return it != v_.end() && !it->is_null();
}

const nlohmann::json* ObjectReader::raw(std::string_view key) {
  if (!valid_) return nullptr;
  known_.emplace_back(key);
  auto it = v_.find(key);
  return it == v_.end() ? nullptr : &*it;
}

std::optional<std::string> ObjectReader::string(std::string_view key, Presence presence,
                                                size_t min_chars, size_t max_chars) {
  const nlohmann::json* v = get(key, presence);
  if (v == nullptr) return std::nullopt;
  return readString(*v, at(key), errors_, min_chars, max_chars);
}

std::optional<bool> ObjectReader::boolean(std::string_view key, Presence presence) {
  const nlohmann::json* v = get(key, presence);
  if (v == nullptr) return std::nullopt;
  return readBool(*v, at(key), errors_);
}

std::optional<int64_t> ObjectReader::integer(std::string_view key, Presence presence, int64_t min,
                                             int64_t max) {
  const nlohmann::json* v = get(key, presence);
  if (v == nullptr) return std::nullopt;
  return readInt(*v, at(key), errors_, min, max);
}

void ObjectReader::finish() {
  if (!valid_ || unknown_ == UnknownFields::kIgnore) return;
  for (const auto& [key, value] : v_.items()) {
    if (std::find(known_.begin(), known_.end(), key) == known_.end()) {
      errors_.push_back(FieldError::extraForbidden(at(key)));
    }
  }
}

}  // namespace cirrus::model
