// The session cookie of spec §9: finding it in a Cookie header (RFC 6265 §5.4) and writing
// its Set-Cookie with the configured attributes (HttpOnly always; Secure, Domain, SameSite
// from COOKIE_SECURE, COOKIE_DOMAIN, COOKIE_SAMESITE). Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/config.h"

namespace cirrus::api {

/// The value of cookie `name` in a Cookie header ("a=1; cirrus_session=xyz"); nullopt when
/// absent or empty. The first occurrence wins (RFC 6265 §5.4 orders by path specificity,
/// and the API sets one cookie with Path=/).
std::optional<std::string> findCookie(std::string_view cookie_header, std::string_view name);

/// "name=value; Path=/; Max-Age=<ttl>; HttpOnly; SameSite=Lax[; Secure][; Domain=d]".
std::string sessionSetCookie(const config::ApiConfig& config, std::string_view value,
                             int64_t max_age_seconds);

/// A Set-Cookie that deletes the session cookie (empty value, Max-Age=0, same attributes).
std::string sessionClearCookie(const config::ApiConfig& config);

}  // namespace cirrus::api
