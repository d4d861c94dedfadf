// Credentials of spec §9: argon2id password hashes (PHC strings), SHA-256 of bearer tokens
// and session cookies (only the digest ever reaches Redis), random secrets, and the
// constant-time comparison every secret check goes through. Pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cirrus::api {

/// argon2id parameters: OWASP's minimum (19 MiB, 2 passes, 1 lane), ~20-40 ms on this class
/// of machine. Verification uses the parameters stored in the PHC string, so raising these
/// later keeps old hashes working.
struct PasswordHashParams {
  uint32_t memory_kib = 19 * 1024;
  uint32_t passes = 2;
  uint32_t lanes = 1;
};

/// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>" with a fresh 16-byte salt; nullopt only
/// when libargon2 fails (out of memory).
std::optional<std::string> hashPassword(std::string_view password, PasswordHashParams params = {});

/// True when `password` matches the PHC string. False for any malformed or non-argon2id hash.
bool verifyPassword(std::string_view password, const std::string& phc);

/// A PHC string of a random password: verifying against it costs what a real check costs,
/// so a login for an unknown user takes as long as one with a wrong password.
const std::string& decoyPasswordHash();

/// Lower-case hex SHA-256 of `data`.
std::string sha256Hex(std::string_view data);

/// `bytes` random bytes from the OpenSSL CSPRNG, base64url without padding.
std::string randomSecret(size_t bytes);
/// `bytes` random bytes, lower-case hex.
std::string randomHex(size_t bytes);

/// Constant-time equality: compares SHA-256 digests with CRYPTO_memcmp, so neither the
/// content nor the length of the expected secret leaks through timing.
bool secretsEqual(std::string_view a, std::string_view b);

}  // namespace cirrus::api
