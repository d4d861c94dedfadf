#include "dnswire/resolv_conf.h"

#include <fstream>
#include <sstream>

#include <boost/asio/ip/address.hpp>

namespace cirrus::dnswire {

namespace {

constexpr uint16_t kDnsPort = 53;

std::string_view nextToken(std::string_view& line) {
  size_t start = line.find_first_not_of(" \t\r");
  if (start == std::string_view::npos) {
    line = {};
    return {};
  }
  size_t end = line.find_first_of(" \t\r", start);
  std::string_view token = line.substr(start, end - start);
  line = end == std::string_view::npos ? std::string_view() : line.substr(end);
  return token;
}

}  // namespace

std::optional<Endpoint> firstNameserver(std::string_view text) {
  while (!text.empty()) {
    size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    if (size_t comment = line.find_first_of("#;"); comment != std::string_view::npos) {
      line = line.substr(0, comment);
    }
    if (nextToken(line) != "nameserver") continue;
    std::string address(nextToken(line));
    boost::system::error_code ec;
    boost::asio::ip::make_address(address, ec);  // accepts "fe80::1%eth0" too
    if (!ec) return Endpoint{address, kDnsPort};
  }
  return std::nullopt;
}

Result<Endpoint> systemResolver(const std::string& path) {
  std::ifstream in(path);
  if (!in) return upstreamUnavailable("system resolver: cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto server = firstNameserver(text.str());
  if (!server) return upstreamUnavailable("system resolver: no nameserver in " + path);
  return *server;
}

}  // namespace cirrus::dnswire
