#include "dnswire/rr_type.h"

#include <array>
#include <charconv>
#include <utility>

namespace cirrus::dnswire {
namespace {

constexpr std::array<std::pair<RRType, std::string_view>, 15> kTypeNames = {{
    {RRType::kA, "A"},
    {RRType::kNs, "NS"},
    {RRType::kCname, "CNAME"},
    {RRType::kSoa, "SOA"},
    {RRType::kPtr, "PTR"},
    {RRType::kMx, "MX"},
    {RRType::kTxt, "TXT"},
    {RRType::kAaaa, "AAAA"},
    {RRType::kOpt, "OPT"},
    {RRType::kTsig, "TSIG"},
    {RRType::kIxfr, "IXFR"},
    {RRType::kAxfr, "AXFR"},
    {RRType::kMailb, "MAILB"},
    {RRType::kMaila, "MAILA"},
    {RRType::kAny, "ANY"},
}};

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 32);
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 32);
    if (x != y) return false;
  }
  return true;
}

}  // namespace

std::string toString(RRType type) {
  for (const auto& [t, name] : kTypeNames) {
    if (t == type) return std::string(name);
  }
  return "TYPE" + std::to_string(static_cast<uint16_t>(type));
}

std::optional<RRType> rrTypeFromText(std::string_view text) {
  for (const auto& [t, name] : kTypeNames) {
    if (equalsIgnoreCase(text, name)) return t;
  }
  if (text.size() > 4 && equalsIgnoreCase(text.substr(0, 4), "TYPE")) {
    uint16_t value = 0;
    auto digits = text.substr(4);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec == std::errc() && end == digits.data() + digits.size()) return RRType{value};
  }
  return std::nullopt;
}

std::string toString(RRClass rclass) {
  switch (rclass) {
    case RRClass::kIn:
      return "IN";
    case RRClass::kCh:
      return "CH";
    case RRClass::kNone:
      return "NONE";
    case RRClass::kAny:
      return "ANY";
  }
  return "CLASS" + std::to_string(static_cast<uint16_t>(rclass));
}

std::string toString(Rcode rcode) {
  switch (rcode) {
    case Rcode::kNoError:
      return "NOERROR";
    case Rcode::kFormErr:
      return "FORMERR";
    case Rcode::kServFail:
      return "SERVFAIL";
    case Rcode::kNxDomain:
      return "NXDOMAIN";
    case Rcode::kNotImp:
      return "NOTIMP";
    case Rcode::kRefused:
      return "REFUSED";
    case Rcode::kNotAuth:
      return "NOTAUTH";
    case Rcode::kBadVers:
      return "BADVERS";
  }
  return "RCODE" + std::to_string(static_cast<uint16_t>(rcode));
}

bool isMetaType(RRType type) {
  auto v = static_cast<uint16_t>(type);
  return type == RRType::kOpt || (v >= 128 && v <= 255);
}

bool hasCompressibleNames(RRType type) {
  switch (type) {
    case RRType::kNs:
    case RRType::kCname:
    case RRType::kSoa:
    case RRType::kPtr:
    case RRType::kMx:
      return true;
    default:
      return false;
  }
}

}  // namespace cirrus::dnswire
