#include "core/metrics_text.h"

#include <cmath>

#include <fmt/format.h>

namespace cirrus::metrics::text {
namespace {

bool isAsciiLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isAsciiDigit(char c) {
  return c >= '0' && c <= '9';
}

/// Length of the valid UTF-8 sequence starting at s[0], or 0 when it is not valid
/// (RFC 3629 §4: no overlong forms, no surrogates, nothing above U+10FFFF).
size_t utf8SequenceLength(std::string_view s) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  auto cont = [&](size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  unsigned char c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

bool isValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  if (!(isAsciiLetter(name[0]) || name[0] == '_' || name[0] == ':')) return false;
  for (char c : name.substr(1)) {
    if (!(isAsciiLetter(c) || isAsciiDigit(c) || c == '_' || c == ':')) return false;
  }
  return true;
}

bool isValidLabelName(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;
  if (!(isAsciiLetter(name[0]) || name[0] == '_')) return false;
  for (char c : name.substr(1)) {
    if (!(isAsciiLetter(c) || isAsciiDigit(c) || c == '_')) return false;
  }
  return true;
}

void appendLabelValue(std::string& out, std::string_view value) {
  while (!value.empty()) {
    char c = value[0];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default: {
        size_t n = utf8SequenceLength(value);
        if (n == 0) {
          out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
          n = 1;
        } else {
          out.append(value.substr(0, n));
        }
        value.remove_prefix(n);
        continue;
      }
    }
    value.remove_prefix(1);
  }
}

void appendHelp(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void appendValue(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    // fmt's default for double is the shortest form that parses back to the same value.
    fmt::format_to(std::back_inserter(out), "{}", value);
  }
}

void appendValue(std::string& out, uint64_t value) {
  fmt::format_to(std::back_inserter(out), "{}", value);
}

void appendLabelPairs(std::string& out, std::span<const std::string> names,
                      std::span<const std::string> values) {
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += "=\"";
    appendLabelValue(out, values[i]);
    out += '"';
  }
}

}  // namespace cirrus::metrics::text
