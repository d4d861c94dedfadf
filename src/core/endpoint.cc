#include "core/endpoint.h"

#include <cctype>
#include <charconv>

namespace cirrus {
namespace {

std::optional<uint16_t> parsePort(std::string_view s) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v == 0 || v > 65535) return std::nullopt;
  return static_cast<uint16_t>(v);
}

}  // namespace

std::string Endpoint::toString() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

std::optional<Endpoint> parseEndpoint(std::string_view text, std::optional<uint16_t> default_port) {
  if (text.empty()) return std::nullopt;
  Endpoint ep;
  std::string_view rest;
  if (text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    ep.host = std::string(text.substr(1, close - 1));
    boost::system::error_code ec;
    boost::asio::ip::make_address_v6(ep.host, ec);
    if (ec) return std::nullopt;
    rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return std::nullopt;
  } else {
    auto colon = text.rfind(':');
    if (colon != std::string_view::npos && text.find(':') != colon) {
      // Unbracketed IPv6 literal: only valid without a port.
      boost::system::error_code ec;
      boost::asio::ip::make_address_v6(std::string(text), ec);
      if (ec || !default_port) return std::nullopt;
      ep.host = std::string(text);
      ep.port = *default_port;
      return ep;
    }
    ep.host = std::string(text.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view{} : text.substr(colon);
  }
  if (ep.host.empty()) return std::nullopt;
  for (char c : ep.host) {
    bool okc =
        std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '_';
    if (!okc) return std::nullopt;
  }
  if (rest.empty()) {
    if (!default_port) return std::nullopt;
    ep.port = *default_port;
    return ep;
  }
  auto port = parsePort(rest.substr(1));
  if (!port) return std::nullopt;
  ep.port = *port;
  return ep;
}

std::optional<Cidr> parseCidr(std::string_view text) {
  auto slash = text.find('/');
  std::string addr_text(text.substr(0, slash));
  boost::system::error_code ec;
  auto addr = boost::asio::ip::make_address(addr_text, ec);
  if (ec) return std::nullopt;
  unsigned max_len = addr.is_v4() ? 32 : 128;
  unsigned len = max_len;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    auto [p, perr] = std::from_chars(digits.data(), digits.data() + digits.size(), len);
    if (digits.empty() || perr != std::errc() || p != digits.data() + digits.size() ||
        len > max_len)
      return std::nullopt;
  }
  // Host bits set ("10.0.0.1/8") usually means a typo; refuse rather than guess.
  if (addr.is_v4()) {
    auto b = addr.to_v4().to_bytes();
    for (unsigned i = len; i < 32; ++i)
      if (b[i / 8] & (0x80 >> (i % 8))) return std::nullopt;
  } else {
    auto b = addr.to_v6().to_bytes();
    for (unsigned i = len; i < 128; ++i)
      if (b[i / 8] & (0x80 >> (i % 8))) return std::nullopt;
  }
  return Cidr{addr, len};
}

bool Cidr::contains(const boost::asio::ip::address& candidate) const {
  auto addr = candidate;
  if (addr.is_v6() && addr.to_v6().is_v4_mapped() && network.is_v4()) {
    addr = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, addr.to_v6());
  }
  if (addr.is_v4() != network.is_v4()) return false;
  auto match = [this](const auto& a, const auto& n) {
    for (unsigned i = 0; i < prefix_len; ++i) {
      unsigned char mask = static_cast<unsigned char>(0x80 >> (i % 8));
      if ((a[i / 8] & mask) != (n[i / 8] & mask)) return false;
    }
    return true;
  };
  if (addr.is_v4()) return match(addr.to_v4().to_bytes(), network.to_v4().to_bytes());
  return match(addr.to_v6().to_bytes(), network.to_v6().to_bytes());
}

std::string Cidr::toString() const {
  return network.to_string() + "/" + std::to_string(prefix_len);
}

bool cidrListContains(const std::vector<Cidr>& list, const boost::asio::ip::address& addr) {
  for (const auto& c : list)
    if (c.contains(addr)) return true;
  return false;
}

}  // namespace cirrus
