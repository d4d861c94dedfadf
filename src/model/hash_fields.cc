#include "model/hash_fields.h"

#include <charconv>

namespace cirrus::model {

namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

std::string hashBool(bool value) {
  return value ? "1" : "0";
}

std::optional<bool> parseHashBool(std::string_view text) {
  if (text == "1" || equalsIgnoreCase(text, "true")) return true;
  if (text == "0" || equalsIgnoreCase(text, "false")) return false;
  return std::nullopt;
}

std::optional<int64_t> parseHashInt(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::optional<int64_t> parseHashTime(std::string_view text) {
  size_t dot = text.find('.');
  if (dot == std::string_view::npos) return parseHashInt(text);
  std::string_view fraction = text.substr(dot + 1);
  for (char c : fraction) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return parseHashInt(text.substr(0, dot));
}

const std::string* HashReader::find(std::string_view key) const {
  auto it = fields_.find(key);
  return it == fields_.end() ? nullptr : &it->second;
}

std::string HashReader::string(std::string_view key, std::string_view fallback) const {
  const std::string* v = find(key);
  return v != nullptr ? *v : std::string(fallback);
}

bool HashReader::boolean(std::string_view key, bool fallback) const {
  const std::string* v = find(key);
  if (v == nullptr || v->empty()) return fallback;
  auto parsed = parseHashBool(*v);
  if (!parsed) {
    errors_.push_back(FieldError::boolParsing({std::string(key)}));
    return fallback;
  }
  return *parsed;
}

int64_t HashReader::integer(std::string_view key, int64_t fallback) const {
  const std::string* v = find(key);
  if (v == nullptr || v->empty()) return fallback;
  auto parsed = parseHashInt(*v);
  if (!parsed) {
    errors_.push_back(FieldError::intParsing({std::string(key)}));
    return fallback;
  }
  return *parsed;
}

int64_t HashReader::time(std::string_view key) const {
  const std::string* v = find(key);
  if (v == nullptr || v->empty()) return 0;
  auto parsed = parseHashTime(*v);
  if (!parsed) {
    errors_.push_back(FieldError::intParsing({std::string(key)}));
    return 0;
  }
  return *parsed;
}

}  // namespace cirrus::model
