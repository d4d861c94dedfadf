#include "acmedns/request_validation.h"

#include <algorithm>
#include <charconv>

namespace cirrus::acmedns {

namespace {

bool isBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

bool allBase64Url(std::string_view s) {
  return std::all_of(s.begin(), s.end(), isBase64UrlChar);
}

bool isHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Clears the bits after `prefix_len` so the Cidr holds a network address.
template <class Bytes>
void maskHostBits(Bytes& bytes, unsigned prefix_len) {
  for (size_t i = 0; i < bytes.size(); ++i) {
    unsigned bit_start = static_cast<unsigned>(i) * 8;
    if (bit_start >= prefix_len) {
      bytes[i] = 0;
    } else if (prefix_len - bit_start < 8) {
      bytes[i] &= static_cast<uint8_t>(0xff << (8 - (prefix_len - bit_start)));
    }
  }
}

}  // namespace

bool validTxt(std::string_view txt) {
  return txt.size() == 43 && allBase64Url(txt);
}

bool validKey(std::string_view key) {
  return key.size() == 40 && allBase64Url(key);
}

std::optional<std::string> canonicalUuid(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  std::string out(text);
  for (size_t i = 0; i < out.size(); ++i) {
    bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position) {
      if (out[i] != '-') return std::nullopt;
      continue;
    }
    if (!isHex(out[i])) return std::nullopt;
    if (out[i] >= 'A' && out[i] <= 'F') out[i] = static_cast<char>(out[i] + 32);
  }
  return out;
}

bool validSubdomain(std::string_view subdomain) {
  auto canonical = canonicalUuid(subdomain);
  return canonical && *canonical == subdomain;
}

std::optional<AllowEntry> parseAllowEntry(std::string_view text) {
  std::string cleaned;
  for (char c : text) {
    if (c != '[' && c != ']') cleaned.push_back(c);
  }
  auto slash = cleaned.find('/');
  if (slash == std::string::npos) return std::nullopt;
  std::string address_text = cleaned.substr(0, slash);
  std::string_view len_text = std::string_view(cleaned).substr(slash + 1);
  unsigned prefix_len = 0;
  auto [end, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), prefix_len);
  if (ec != std::errc() || end != len_text.data() + len_text.size() || len_text.empty()) {
    return std::nullopt;
  }
  boost::system::error_code parse_error;
  auto address = boost::asio::ip::make_address(address_text, parse_error);
  if (parse_error) return std::nullopt;
  Cidr cidr;
  cidr.prefix_len = prefix_len;
  if (address.is_v4()) {
    if (prefix_len > 32) return std::nullopt;
    auto bytes = address.to_v4().to_bytes();
    maskHostBits(bytes, prefix_len);
    cidr.network = boost::asio::ip::address_v4(bytes);
  } else {
    if (prefix_len > 128 || address.to_v6().scope_id() != 0) return std::nullopt;
    auto bytes = address.to_v6().to_bytes();
    maskHostBits(bytes, prefix_len);
    cidr.network = boost::asio::ip::address_v6(bytes);
  }
  return AllowEntry{std::move(cleaned), cidr};
}

std::string_view errorName(RegisterProblem problem) {
  switch (problem) {
    case RegisterProblem::kNone:
      return "";
    case RegisterProblem::kMalformedJson:
      return "malformed_json_payload";
    case RegisterProblem::kInvalidAllowFrom:
      return "invalid_allowfrom_cidr";
  }
  return "";
}

RegisterProblem parseRegisterRequest(std::string_view body, RegisterRequest& out) {
  out = {};
  if (body.empty()) return RegisterProblem::kNone;
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return RegisterProblem::kMalformedJson;
  if (json.is_null()) return RegisterProblem::kNone;  // Go: unmarshalling null is a no-op
  if (!json.is_object()) return RegisterProblem::kMalformedJson;
  auto it = json.find("allowfrom");
  if (it == json.end() || it->is_null()) return RegisterProblem::kNone;
  if (!it->is_array()) return RegisterProblem::kMalformedJson;
  for (const auto& item : *it) {
    if (!item.is_string()) return RegisterProblem::kMalformedJson;
  }
  for (const auto& item : *it) {
    auto entry = parseAllowEntry(item.get_ref<const std::string&>());
    if (!entry) return RegisterProblem::kInvalidAllowFrom;
    out.allowfrom.push_back(std::move(*entry));
  }
  return RegisterProblem::kNone;
}

UpdateRequest parseUpdateRequest(std::string_view body) {
  UpdateRequest out;
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return out;
  if (auto it = json.find("subdomain"); it != json.end() && it->is_string()) {
    out.subdomain = it->get<std::string>();
  }
  if (auto it = json.find("txt"); it != json.end() && it->is_string()) {
    out.txt = it->get<std::string>();
  }
  return out;
}

bool allowedFrom(const std::vector<std::string>& allowfrom,
                 const boost::asio::ip::address& remote) {
  std::vector<Cidr> networks;
  for (const std::string& text : allowfrom) {
    if (auto entry = parseAllowEntry(text)) networks.push_back(entry->network);
  }
  if (networks.empty()) return true;
  return cidrListContains(networks, remote);
}

}  // namespace cirrus::acmedns
