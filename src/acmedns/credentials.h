// Credentials of acme-dns accounts: random UUIDs for usernames and subdomains, 40-character
// keys in acme-dns's alphabet, and the salted hash that is all the store keeps of a key.
// A key carries 240 random bits, so one SHA-256 over salt + key resists guessing as well as a
// slow password hash would, and keeps every /update cheap (acme-dns uses bcrypt; Cirrus does
// not need bcrypt's cost factor for machine-generated secrets).
#pragma once

#include <string>
#include <string_view>

namespace cirrus::acmedns {

inline constexpr size_t kKeyLength = 40;

/// A random (version 4, RFC 9562 §5.4) UUID in lower-case canonical text form.
std::string newUuid();

/// kKeyLength characters drawn uniformly from [A-Za-z0-9_-] (acme-dns's password alphabet).
std::string newKey();

/// 16 random bytes as lower-case hex.
std::string newSalt();

/// Lower-case hex SHA-256 of `salt_hex` (as text) followed by `key`.
std::string hashKey(std::string_view salt_hex, std::string_view key);

/// True when hashKey(salt_hex, key) equals `stored_hash`, compared in constant time.
bool keyMatches(std::string_view salt_hex, std::string_view stored_hash, std::string_view key);

}  // namespace cirrus::acmedns
