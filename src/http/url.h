// URLs and request targets: the absolute http(s) URL the client is given, percent-decoding
// (RFC 3986 §2.1) and the query-string parser the router hands to handlers. Pure functions,
// no I/O: the router, the client and their tests share them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace cirrus::http {

/// An absolute http:// or https:// URL, split for a connection: where to connect and what
/// to put on the request line.
struct Url {
  std::string scheme;  // "http" or "https", lower-case
  std::string host;    // lower-case name or address literal, IPv6 without brackets
  uint16_t port = 0;   // explicit or the scheme's default (80 / 443)
  std::string target;  // origin-form: path (at least "/") plus "?query"; never a fragment

  bool isTls() const { return scheme == "https"; }
  bool hasDefaultPort() const { return port == (isTls() ? 443 : 80); }
  /// The Host header value (RFC 9110 §7.2): host, brackets around IPv6, ":port" unless default.
  std::string authority() const;
  /// "scheme://authority/target", normalised.
  std::string toString() const;
};

/// Parses "http[s]://host[:port][/path][?query][#fragment]". Userinfo is refused (it would
/// leak credentials into logs), as are other schemes and ports outside 1-65535.
/// Errors: badRequest("url ...: <reason>").
Result<Url> parseUrl(std::string_view text);

/// True for an IPv4 or IPv6 address literal (no brackets).
bool isIpLiteral(std::string_view host);

/// Decodes %XX escapes. Lenient like WHATWG URL: a '%' not followed by two hex digits is
/// kept as is. With plus_as_space, '+' becomes ' ' (application/x-www-form-urlencoded).
std::string percentDecode(std::string_view text, bool plus_as_space = false);

/// Escapes everything but RFC 3986 unreserved characters; for building targets and queries.
std::string percentEncode(std::string_view text);

/// Query parameters in the order given; a name may repeat.
class QueryParams {
 public:
  QueryParams() = default;
  explicit QueryParams(std::vector<std::pair<std::string, std::string>> items)
      : items_(std::move(items)) {}

  /// The first value of name, if present ("?flag" yields an empty value).
  std::optional<std::string_view> get(std::string_view name) const;
  std::vector<std::string_view> all(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

/// Parses "a=1&b=x+y&c" (no leading '?'); names and values are form-decoded.
QueryParams parseQuery(std::string_view query);

/// A request target split at the first '?': {path, query}. An absolute-form target
/// ("http://host/p?q", RFC 9112 §3.2.2) is reduced to its path and query.
std::pair<std::string_view, std::string_view> splitTarget(std::string_view target);

}  // namespace cirrus::http
