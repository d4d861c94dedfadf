#include "core/redis_reply.h"

#include <charconv>
#include <ostream>

#include <fmt/format.h>

namespace cirrus::redis {
namespace {

// An error reply inside a pipeline result reports the server's message, not a type mismatch.
Error expected(std::string_view what, const Reply& got) {
  if (got.isError()) return redisReplyError(got.str());
  return storeProtocol(fmt::format("expected {} reply, got {}", what, toString(got.type())));
}

void appendEscaped(std::string& out, std::string_view bytes) {
  out.push_back('"');
  for (unsigned char c : bytes) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          out.append(fmt::format("\\x{:02x}", c));
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

void render(std::string& out, const Reply& r) {
  switch (r.type()) {
    case Reply::Type::kNil:
      out.append("nil");
      break;
    case Reply::Type::kStatus:
      out.append("+" + r.str());
      break;
    case Reply::Type::kString:
      appendEscaped(out, r.str());
      break;
    case Reply::Type::kInteger:
      out.append(std::to_string(r.integer()));
      break;
    case Reply::Type::kError:
      out.append("(error) " + r.str());
      break;
    case Reply::Type::kArray: {
      out.push_back('[');
      bool first = true;
      for (const auto& e : r.elements()) {
        if (!first) out.append(", ");
        first = false;
        render(out, e);
      }
      out.push_back(']');
      break;
    }
  }
}

// A scalar element of a string vector: bulk string, status or integer.
std::optional<std::string> scalarText(const Reply& r) {
  if (r.isString() || r.isStatus()) return r.str();
  if (r.isInteger()) return std::to_string(r.integer());
  return std::nullopt;
}

}  // namespace

Reply Reply::status(std::string text) {
  Reply r;
  r.type_ = Type::kStatus;
  r.str_ = std::move(text);
  return r;
}

Reply Reply::string(std::string bytes) {
  Reply r;
  r.type_ = Type::kString;
  r.str_ = std::move(bytes);
  return r;
}

Reply Reply::integer(int64_t value) {
  Reply r;
  r.type_ = Type::kInteger;
  r.integer_ = value;
  return r;
}

Reply Reply::error(std::string message) {
  Reply r;
  r.type_ = Type::kError;
  r.str_ = std::move(message);
  return r;
}

Reply Reply::array(std::vector<Reply> elements) {
  Reply r;
  r.type_ = Type::kArray;
  r.elements_ = std::move(elements);
  return r;
}

Result<std::optional<std::string>> Reply::toOptionalString() const {
  if (isNil()) return std::optional<std::string>();
  if (isString() || isStatus()) return std::optional<std::string>(str_);
  return expected("string", *this);
}

Result<int64_t> Reply::toInteger() const {
  if (isInteger()) return integer_;
  if (isString()) {
    int64_t v = 0;
    const char* end = str_.data() + str_.size();
    auto [ptr, ec] = std::from_chars(str_.data(), end, v);
    if (ec == std::errc() && ptr == end && !str_.empty()) return v;
    return storeProtocol("expected a decimal integer, got a string that is not one");
  }
  return expected("integer", *this);
}

Result<std::vector<std::string>> Reply::toStringVector() const {
  if (isNil()) return std::vector<std::string>();
  if (!isArray()) return expected("array", *this);
  std::vector<std::string> out;
  out.reserve(elements_.size());
  for (const auto& e : elements_) {
    auto text = scalarText(e);
    if (!text) return expected("string element", e);
    out.push_back(std::move(*text));
  }
  return out;
}

Result<std::vector<std::optional<std::string>>> Reply::toOptionalStringVector() const {
  if (isNil()) return std::vector<std::optional<std::string>>();
  if (!isArray()) return expected("array", *this);
  std::vector<std::optional<std::string>> out;
  out.reserve(elements_.size());
  for (const auto& e : elements_) {
    if (e.isNil()) {
      out.emplace_back();
      continue;
    }
    auto text = scalarText(e);
    if (!text) return expected("string or nil element", e);
    out.push_back(std::move(text));
  }
  return out;
}

Result<std::map<std::string, std::string>> Reply::toMap() const {
  auto flat = toStringVector();
  if (!flat) return flat.error();
  if (flat->size() % 2 != 0) {
    return storeProtocol(
        fmt::format("expected field/value pairs, got an array of {} elements", flat->size()));
  }
  std::map<std::string, std::string> out;
  for (size_t i = 0; i + 1 < flat->size(); i += 2) {
    out.insert_or_assign(std::move((*flat)[i]), std::move((*flat)[i + 1]));
  }
  return out;
}

std::string Reply::debugString() const {
  std::string out;
  render(out, *this);
  return out;
}

bool operator==(const Reply& a, const Reply& b) {
  return a.type_ == b.type_ && a.str_ == b.str_ && a.integer_ == b.integer_ &&
         a.elements_ == b.elements_;
}

std::string_view toString(Reply::Type type) {
  switch (type) {
    case Reply::Type::kNil:
      return "nil";
    case Reply::Type::kStatus:
      return "status";
    case Reply::Type::kString:
      return "bulk string";
    case Reply::Type::kInteger:
      return "integer";
    case Reply::Type::kError:
      return "error";
    case Reply::Type::kArray:
      return "array";
  }
  return "unknown";
}

void PrintTo(const Reply& reply, std::ostream* os) {
  *os << reply.debugString();
}

}  // namespace cirrus::redis
