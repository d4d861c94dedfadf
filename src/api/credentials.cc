#include "api/credentials.h"

#include <array>
#include <stdexcept>

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "core/base64.h"

namespace cirrus::api {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

std::string randomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return out;
}

std::array<unsigned char, SHA256_DIGEST_LENGTH> sha256(std::string_view data) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> d{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), d.data());
  return d;
}

std::string toHex(const unsigned char* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[p[i] >> 4]);
    out.push_back(kDigits[p[i] & 15]);
  }
  return out;
}

}  // namespace

std::optional<std::string> hashPassword(std::string_view password, PasswordHashParams params) {
  std::string salt = randomBytes(kSaltBytes);
  size_t len = argon2_encodedlen(params.passes, params.memory_kib, params.lanes, kSaltBytes,
                                 kHashBytes, Argon2_id);
  std::string encoded(len, '\0');
  int rc = argon2id_hash_encoded(params.passes, params.memory_kib, params.lanes, password.data(),
                                 password.size(), salt.data(), salt.size(), kHashBytes,
                                 encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return std::nullopt;
  encoded.resize(encoded.find('\0') == std::string::npos ? encoded.size() : encoded.find('\0'));
  return encoded;
}

bool verifyPassword(std::string_view password, const std::string& phc) {
  if (!phc.starts_with("$argon2id$")) return false;
  return argon2id_verify(phc.c_str(), password.data(), password.size()) == ARGON2_OK;
}

const std::string& decoyPasswordHash() {
  static const std::string decoy = hashPassword(randomSecret(24)).value_or("");
  return decoy;
}

std::string sha256Hex(std::string_view data) {
  auto d = sha256(data);
  return toHex(d.data(), d.size());
}

std::string randomSecret(size_t bytes) {
  return base64UrlEncode(randomBytes(bytes));
}

std::string randomHex(size_t bytes) {
  std::string raw = randomBytes(bytes);
  return toHex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

bool secretsEqual(std::string_view a, std::string_view b) {
  auto da = sha256(a);
  auto db = sha256(b);
  return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

}  // namespace cirrus::api
