#include "model/header_rules.h"

#include <algorithm>
#include <array>

namespace cirrus::model {

namespace {

bool isTchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return kSpecials.find(c) != std::string_view::npos;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

}  // namespace

bool isHttpToken(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), isTchar);
}

bool isValidFieldValue(std::string_view value) {
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7F) return false;
  }
  if (!value.empty()) {
    auto ws = [](char c) { return c == ' ' || c == '\t'; };
    if (ws(value.front()) || ws(value.back())) return false;
  }
  return true;
}

bool isReservedUpstreamHeader(std::string_view name) {
  constexpr std::array<std::string_view, 9> kReserved = {
      "connection",        "keep-alive", "proxy-connection", "te",    "trailer",
      "transfer-encoding", "upgrade",    "content-length",   "expect"};
  return std::any_of(kReserved.begin(), kReserved.end(),
                     [&](std::string_view r) { return equalsIgnoreCase(r, name); });
}

}  // namespace cirrus::model
