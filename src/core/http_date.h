// HTTP-date (RFC 9110 §5.6.7) to and from unix seconds: IMF-fixdate is generated; the obsolete
// RFC 850 and asctime forms are accepted, as recipients must. Pure, allocation-free parsing.
// One implementation for the HTTP stack's Date header and the cache's freshness rules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus {

/// Unix seconds of an HTTP-date, or nullopt for anything else (RFC 9111 §5.3: an invalid
/// Expires means "already expired"; the caller decides what absent vs invalid means).
std::optional<int64_t> parseHttpDate(std::string_view text);

/// IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT". Prereq: 0 <= unix_seconds < year 10000.
std::string formatHttpDate(int64_t unix_seconds);

}  // namespace cirrus
