#include "model/domain_name.h"

#include <algorithm>
#include <memory>
#include <vector>

#include <fmt/format.h>
#include <idn2.h>
#include <boost/asio/ip/address.hpp>

namespace cirrus::model {

namespace {

// Anything longer cannot become a valid name; bounds the work handed to libidn2.
constexpr size_t kMaxInputBytes = 1024;

struct Idn2Free {
  void operator()(char* p) const { idn2_free(p); }
};
using Idn2String = std::unique_ptr<char, Idn2Free>;

bool isAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isLower(char c) {
  return c >= 'a' && c <= 'z';
}

std::string lowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string idn2Reason(int rc) {
  switch (rc) {
    case IDN2_DISALLOWED:
    case IDN2_CONTEXTJ:
    case IDN2_CONTEXTO:
    case IDN2_UNASSIGNED:
      return "contains a character that is not allowed in domain names (IDNA2008, RFC 5892)";
    case IDN2_2HYPHEN:
      return "a label must not have '--' in the third and fourth positions";
    case IDN2_HYPHEN_STARTEND:
      return "a label must not start or end with a hyphen";
    case IDN2_LEADING_COMBINING:
      return "a label must not start with a combining mark";
    case IDN2_BIDI:
      return "mixes right-to-left and left-to-right text in a way RFC 5893 forbids";
    case IDN2_TOO_BIG_LABEL:
      return fmt::format("a label is longer than {} characters", kMaxLabelLength);
    case IDN2_TOO_BIG_DOMAIN:
      return fmt::format("is longer than {} characters", kMaxDomainLength);
    case IDN2_PUNYCODE_BAD_INPUT:
    case IDN2_PUNYCODE_BIG_OUTPUT:
    case IDN2_PUNYCODE_OVERFLOW:
    case IDN2_INVALID_NONTRANSITIONAL:
    case IDN2_ALABEL_ROUNDTRIP_FAILED:
      return "contains an invalid A-label (punycode)";
    case IDN2_ENCODING_ERROR:
      return "is not valid UTF-8";
    default:
      return fmt::format("is not a valid internationalised domain name ({})", idn2_strerror(rc));
  }
}

// UTS #46 non-transitional mapping + IDNA2008 checks (RFC 5891 §5), whole name at once so
// the Bidi rule sees every label.
Result<std::string> toAscii(const std::string& input) {
  char* raw = nullptr;
  int rc = idn2_to_ascii_8z(input.c_str(), &raw, IDN2_NONTRANSITIONAL);
  Idn2String out(raw);
  if (rc != IDN2_OK || out == nullptr) return badRequest(idn2Reason(rc));
  return lowerAscii(out.get());
}

// An ASCII "xn--" label must decode to a U-label that encodes back to itself.
bool isValidALabel(const std::string& label) {
  char* raw = nullptr;
  int rc = idn2_to_ascii_8z(label.c_str(), &raw, IDN2_NONTRANSITIONAL);
  Idn2String out(raw);
  return rc == IDN2_OK && out != nullptr && lowerAscii(out.get()) == label;
}

std::vector<std::string_view> splitLabels(std::string_view name) {
  std::vector<std::string_view> labels;
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    labels.push_back(name.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return labels;
}

// RFC 1123 §2.1 LDH rules on the lower-case ASCII form.
Result<void> checkLabels(std::string_view name, HostNameRules rules) {
  if (name.size() > kMaxDomainLength) {
    return badRequest(fmt::format("is longer than {} characters", kMaxDomainLength));
  }
  std::vector<std::string_view> labels = splitLabels(name);
  for (std::string_view label : labels) {
    if (label.empty()) return badRequest("has an empty label");
    if (label.size() > kMaxLabelLength) {
      return badRequest(fmt::format("a label is longer than {} characters", kMaxLabelLength));
    }
    for (char c : label) {
      if (isLower(c) || isDigit(c) || c == '-') continue;
      if (c == '_') {
        if (rules.allow_underscore) continue;
        return badRequest("contains '_'; only letters, digits and hyphens are allowed");
      }
      return badRequest(
          fmt::format("contains '{}'; only letters, digits and hyphens are allowed", c));
    }
    if (label.front() == '-' || label.back() == '-') {
      return badRequest("a label must not start or end with a hyphen");
    }
    if (label.starts_with("xn--") && !isValidALabel(std::string(label))) {
      return badRequest("contains an invalid A-label (punycode)");
    }
  }
  if (labels.size() < rules.min_labels) {
    return badRequest(rules.min_labels == 2 ? "must have at least two labels"
                                            : "has too few labels");
  }
  // RFC 3696 §2: an all-numeric TLD would make "1.2.3" look like a (partial) IPv4 address.
  if (std::all_of(labels.back().begin(), labels.back().end(), isDigit)) {
    return badRequest("the last label must not be all digits");
  }
  return ok();
}

}  // namespace

Result<std::string> normalizeHostName(std::string_view input, HostNameRules rules) {
  if (input.empty()) return badRequest("must not be empty");
  if (input.size() > kMaxInputBytes) {
    return badRequest(fmt::format("is longer than {} characters", kMaxDomainLength));
  }
  if (std::any_of(input.begin(), input.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7F;
      })) {
    return badRequest("must not contain spaces or control characters");
  }
  if (canonicalIpLiteral(input)) return badRequest("is an IP address, not a domain name");

  std::string ascii;
  if (isAscii(input)) {
    ascii = lowerAscii(input);
  } else {
    Result<std::string> converted = toAscii(std::string(input));
    if (!converted) return converted.error();
    ascii = std::move(*converted);
  }
  if (ascii.ends_with('.')) ascii.pop_back();
  if (ascii.empty()) return badRequest("must not be empty");
  Result<void> checked = checkLabels(ascii, rules);
  if (!checked) return checked.error();
  return ascii;
}

Result<std::string> normalizeDomain(std::string_view input) {
  return normalizeHostName(input, HostNameRules{});
}

Result<std::string> normalizeOriginHost(std::string_view input) {
  if (auto ip = canonicalIpLiteral(input)) return *ip;
  if (input.starts_with('[')) return badRequest("is not a valid IPv6 address");
  return normalizeHostName(input, HostNameRules{.allow_underscore = true, .min_labels = 1});
}

std::optional<std::string> canonicalIpLiteral(std::string_view text) {
  bool bracketed = text.size() >= 2 && text.front() == '[' && text.back() == ']';
  if (bracketed) text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > 64 || text.find('%') != std::string_view::npos) {
    return std::nullopt;
  }
  boost::system::error_code ec;
  std::string s(text);
  if (!bracketed) {
    auto v4 = boost::asio::ip::make_address_v4(s, ec);
    if (!ec) return v4.to_string();
  }
  ec.clear();
  auto v6 = boost::asio::ip::make_address_v6(s, ec);
  if (!ec) return v6.to_string();
  return std::nullopt;
}

std::string toUnicode(std::string_view a_label) {
  std::string input(a_label);
  char* raw = nullptr;
  int rc = idn2_to_unicode_8z8z(input.c_str(), &raw, 0);
  Idn2String out(raw);
  if (rc != IDN2_OK || out == nullptr) return input;
  return std::string(out.get());
}

}  // namespace cirrus::model
