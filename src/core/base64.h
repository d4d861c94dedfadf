// Base64 (RFC 4648 §4) and base64url without padding (§5, used by JWS). Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cirrus {

std::string base64Encode(std::string_view bytes);
std::string base64UrlEncode(std::string_view bytes);  // no padding
/// Accepts standard or url alphabet, with or without padding; nullopt on any other byte.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace cirrus
