#include "model/field_error.h"

#include <fmt/format.h>

namespace cirrus::model {

namespace {

std::string plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

Loc join(const Loc& base, std::string_view key) {
  Loc out = base;
  out.emplace_back(std::string(key));
  return out;
}

Loc join(const Loc& base, size_t index) {
  Loc out = base;
  out.emplace_back(index);
  return out;
}

std::string formatLoc(const Loc& loc) {
  std::string out;
  for (const LocPart& part : loc) {
    if (!out.empty()) out.push_back('.');
    if (const auto* key = std::get_if<std::string>(&part)) {
      out.append(*key);
    } else {
      out.append(std::to_string(std::get<size_t>(part)));
    }
  }
  return out;
}

FieldError FieldError::missing(Loc loc) {
  return {std::move(loc), "Field required", "missing"};
}

FieldError FieldError::extraForbidden(Loc loc) {
  return {std::move(loc), "Extra inputs are not permitted", "extra_forbidden"};
}

FieldError FieldError::stringType(Loc loc) {
  return {std::move(loc), "Input should be a valid string", "string_type"};
}

FieldError FieldError::intType(Loc loc) {
  return {std::move(loc), "Input should be a valid integer", "int_type"};
}

FieldError FieldError::boolType(Loc loc) {
  return {std::move(loc), "Input should be a valid boolean", "bool_type"};
}

FieldError FieldError::dictType(Loc loc) {
  return {std::move(loc), "Input should be a valid dictionary", "dict_type"};
}

FieldError FieldError::listType(Loc loc) {
  return {std::move(loc), "Input should be a valid list", "list_type"};
}

FieldError FieldError::greaterThanEqual(Loc loc, int64_t bound) {
  return {std::move(loc), fmt::format("Input should be greater than or equal to {}", bound),
          "greater_than_equal"};
}

FieldError FieldError::lessThanEqual(Loc loc, int64_t bound) {
  return {std::move(loc), fmt::format("Input should be less than or equal to {}", bound),
          "less_than_equal"};
}

FieldError FieldError::enumeration(Loc loc, const std::vector<std::string_view>& allowed) {
  std::string msg = "Input should be ";
  for (size_t i = 0; i < allowed.size(); ++i) {
    if (i > 0) msg.append(i + 1 == allowed.size() ? " or " : ", ");
    msg.append(fmt::format("'{}'", allowed[i]));
  }
  return {std::move(loc), std::move(msg), "enum"};
}

FieldError FieldError::tooShort(Loc loc, size_t min_items, size_t actual) {
  return {std::move(loc),
          fmt::format("List should have at least {} after validation, not {}",
                      plural(min_items, "item", "items"), actual),
          "too_short"};
}

FieldError FieldError::tooLong(Loc loc, size_t max_items, size_t actual) {
  return {std::move(loc),
          fmt::format("List should have at most {} after validation, not {}",
                      plural(max_items, "item", "items"), actual),
          "too_long"};
}

FieldError FieldError::stringTooShort(Loc loc, size_t min_chars) {
  return {
      std::move(loc),
      fmt::format("String should have at least {}", plural(min_chars, "character", "characters")),
      "string_too_short"};
}

FieldError FieldError::stringTooLong(Loc loc, size_t max_chars) {
  return {
      std::move(loc),
      fmt::format("String should have at most {}", plural(max_chars, "character", "characters")),
      "string_too_long"};
}

FieldError FieldError::valueError(Loc loc, std::string_view reason) {
  return {std::move(loc), fmt::format("Value error, {}", reason), "value_error"};
}

FieldError FieldError::boolParsing(Loc loc) {
  return {std::move(loc), "Input should be a valid boolean, unable to interpret input",
          "bool_parsing"};
}

FieldError FieldError::intParsing(Loc loc) {
  return {std::move(loc), "Input should be a valid integer, unable to parse string as an integer",
          "int_parsing"};
}

nlohmann::json toJson(const FieldErrors& errors, const Loc& prefix) {
  nlohmann::json list = nlohmann::json::array();
  for (const FieldError& e : errors) {
    nlohmann::json loc = nlohmann::json::array();
    for (const Loc* part_list : {&prefix, &e.loc}) {
      for (const LocPart& part : *part_list) {
        if (const auto* key = std::get_if<std::string>(&part)) {
          loc.push_back(*key);
        } else {
          loc.push_back(std::get<size_t>(part));
        }
      }
    }
    list.push_back({{"loc", std::move(loc)}, {"msg", e.msg}, {"type", e.type}});
  }
  return list;
}

std::string describe(const FieldErrors& errors) {
  std::string out;
  for (const FieldError& e : errors) {
    if (!out.empty()) out.append("; ");
    std::string loc = formatLoc(e.loc);
    out.append(loc.empty() ? "(root)" : loc);
    out.append(": ");
    out.append(e.msg);
  }
  return out;
}

size_t utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace cirrus::model
