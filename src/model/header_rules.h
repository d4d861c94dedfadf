// Rules for the HTTP header fields an operator may configure (DomainConf.upstream_headers):
// names must be RFC 9110 tokens, values plain field content, and connection-level fields the
// edge itself manages are refused, since a configured copy would corrupt the origin exchange.
#pragma once

#include <string_view>

namespace cirrus::model {

/// RFC 9110 §5.1/§5.6.2: field-name = token = 1*tchar.
bool isHttpToken(std::string_view name);

/// RFC 9110 §5.5: no CR, LF, NUL or other control character except HTAB, and no leading or
/// trailing whitespace (a parser would strip it, so the configured value would not be what
/// the origin sees). An empty value is allowed.
bool isValidFieldValue(std::string_view value);

/// Fields the edge must own on the origin connection (case-insensitive): the hop-by-hop set of
/// RFC 9110 §7.6.1 (Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding,
/// Upgrade), message framing (Content-Length, RFC 9112 §6) and Expect (RFC 9110 §10.1.1: it
/// changes how the request body is sent). Host and Proxy-Authorization are allowed: spec §5
/// lets a Host entry override the customer domain.
bool isReservedUpstreamHeader(std::string_view name);

}  // namespace cirrus::model
