#include "cache/header_field.h"

#include <array>

namespace cirrus::cache {

namespace {

char lowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// RFC 9110 §7.6.1 hop-by-hop fields, plus the proxy-era names that are never end-to-end, plus
// what the edge writes afresh on every response from the cache.
constexpr std::array<std::string_view, 12> kUnstorable = {"connection",
                                                          "keep-alive",
                                                          "proxy-connection",
                                                          "te",
                                                          "trailer",
                                                          "transfer-encoding",
                                                          "upgrade",
                                                          "proxy-authenticate",
                                                          "proxy-authorization",
                                                          "age",
                                                          "cache-status",
                                                          "x-cache"};

}  // namespace

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lowerAscii(a[i]) != lowerAscii(b[i])) return false;
  }
  return true;
}

std::string_view trimOws(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

std::string toLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lowerAscii(c);
  return out;
}

std::string_view findField(HeaderSpan fields, std::string_view name) {
  for (const HeaderField& f : fields) {
    if (equalsIgnoreCase(f.name, name)) return f.value;
  }
  return {};
}

bool hasField(HeaderSpan fields, std::string_view name) {
  for (const HeaderField& f : fields) {
    if (equalsIgnoreCase(f.name, name)) return true;
  }
  return false;
}

bool combinedField(HeaderSpan fields, std::string_view name, std::string& out) {
  out.clear();
  bool found = false;
  for (const HeaderField& f : fields) {
    if (!equalsIgnoreCase(f.name, name)) continue;
    std::string_view v = trimOws(f.value);
    if (found) out += ", ";
    out.append(v);
    found = true;
  }
  return found;
}

bool isUnstorableField(std::string_view name) {
  for (std::string_view u : kUnstorable) {
    if (equalsIgnoreCase(name, u)) return true;
  }
  return false;
}

}  // namespace cirrus::cache
