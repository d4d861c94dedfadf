// Endpoint ("host:port", "[v6]:port") and Cidr ("10.0.0.0/8", "::1/128") parsing. Pure
// functions: used by the config loader, listeners and the admin-listener ACL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

namespace cirrus {

struct Endpoint {
  std::string host;  // name or textual address, without brackets
  uint16_t port = 0;

  /// "host:port", with brackets around IPv6 literals.
  std::string toString() const;
  bool operator==(const Endpoint&) const = default;
};

/// Parses "host:port" / "[v6]:port"; with default_port, "host" alone is accepted too.
std::optional<Endpoint> parseEndpoint(std::string_view text,
                                      std::optional<uint16_t> default_port = std::nullopt);

struct Cidr {
  boost::asio::ip::address network;
  unsigned prefix_len = 0;

  bool contains(const boost::asio::ip::address& addr) const;
  std::string toString() const;
};

/// Parses "a.b.c.d/n", "v6/n" or a bare address (host route). Host bits must be zero.
std::optional<Cidr> parseCidr(std::string_view text);

/// True when any entry contains addr; IPv4-mapped IPv6 clients match IPv4 entries.
bool cidrListContains(const std::vector<Cidr>& list, const boost::asio::ip::address& addr);

}  // namespace cirrus
