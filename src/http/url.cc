#include "http/url.h"

#include <algorithm>
#include <charconv>

#include <boost/asio/ip/address.hpp>

namespace cirrus::http {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// RFC 3986 §3.2.2 reg-name characters, minus percent-escapes (a DNS name never needs them).
bool isRegNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

Error urlError(std::string_view text, std::string_view reason) {
  return badRequest("url \"" + std::string(text.substr(0, 200)) + "\": " + std::string(reason));
}

}  // namespace

std::string Url::authority() const {
  std::string out;
  bool v6 = host.find(':') != std::string::npos;
  if (v6) out.push_back('[');
  out += host;
  if (v6) out.push_back(']');
  if (!hasDefaultPort()) {
    out.push_back(':');
    out += std::to_string(port);
  }
  return out;
}

std::string Url::toString() const {
  return scheme + "://" + authority() + target;
}

bool isIpLiteral(std::string_view host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(host), ec);
  return !ec;
}

Result<Url> parseUrl(std::string_view text) {
  // Control characters and spaces would let a caller smuggle header lines onto the wire.
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return urlError(text, "contains a space or control character");
  }
  auto sep = text.find("://");
  if (sep == std::string_view::npos) return urlError(text, "missing scheme");
  Url url;
  url.scheme = lower(text.substr(0, sep));
  if (url.scheme != "http" && url.scheme != "https") {
    return urlError(text, "scheme must be http or https");
  }
  std::string_view rest = text.substr(sep + 3);
  auto auth_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, auth_end);
  std::string_view tail = auth_end == std::string_view::npos ? "" : rest.substr(auth_end);
  if (authority.find('@') != std::string_view::npos) {
    return urlError(text, "userinfo is not allowed");
  }

  std::string_view host;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return urlError(text, "unterminated IPv6 literal");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return urlError(text, "garbage after IPv6 literal");
      port_text = after.substr(1);
    }
    boost::system::error_code ec;
    auto addr = boost::asio::ip::make_address(std::string(host), ec);
    if (ec || !addr.is_v6()) return urlError(text, "invalid IPv6 literal");
  } else {
    auto colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    if (!std::all_of(host.begin(), host.end(), isRegNameChar)) {
      return urlError(text, "invalid host");
    }
  }
  if (host.empty()) return urlError(text, "missing host");
  url.host = lower(host);

  url.port = url.isTls() ? 443 : 80;
  if (port_text.data() != nullptr && !port_text.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      return urlError(text, "invalid port");
    }
    url.port = static_cast<uint16_t>(value);
  }

  tail = tail.substr(0, tail.find('#'));  // RFC 3986 §3.5: fragments never reach the server
  if (tail.empty() || tail.front() == '?') url.target.push_back('/');
  url.target.append(tail);
  return url;
}

std::string percentDecode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = hexValue(text[i + 1]);
      int lo = hexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_as_space && c == '+' ? ' ' : c);
  }
  return out;
}

std::string percentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (isRegNameChar(c)) {
      out.push_back(c);
    } else {
      auto u = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    }
  }
  return out;
}

std::optional<std::string_view> QueryParams::get(std::string_view name) const {
  for (const auto& [k, v] : items_) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::vector<std::string_view> QueryParams::all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [k, v] : items_) {
    if (k == name) out.emplace_back(v);
  }
  return out;
}

QueryParams parseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> items;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    items.emplace_back(percentDecode(name, true), percentDecode(value, true));
  }
  return QueryParams(std::move(items));
}

std::pair<std::string_view, std::string_view> splitTarget(std::string_view target) {
  // RFC 9112 §3.2.2: a server must accept the absolute form; only its path and query matter.
  if (target.starts_with("http://") || target.starts_with("https://")) {
    auto after_scheme = target.find("://") + 3;
    auto path_start = target.find_first_of("/?", after_scheme);
    target =
        path_start == std::string_view::npos ? std::string_view("/") : target.substr(path_start);
  }
  auto q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

}  // namespace cirrus::http
