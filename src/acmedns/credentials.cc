#include "acmedns/credentials.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <stdexcept>

namespace cirrus::acmedns {

namespace {

constexpr char kHex[] = "0123456789abcdef";
// 64 symbols: a random byte masked to 6 bits picks one uniformly.
constexpr char kKeyAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz1234567890-_";

template <size_t N>
std::array<uint8_t, N> randomBytes() {
  std::array<uint8_t, N> out{};
  // A CSPRNG failure leaves no safe way to mint credentials; callers run inside handlers that
  // turn exceptions into a 500.
  if (RAND_bytes(out.data(), static_cast<int>(N)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return out;
}

std::string toHex(const uint8_t* data, size_t size) {
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0x0f]);
  }
  return out;
}

}  // namespace

std::string newUuid() {
  auto b = randomBytes<16>();
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // variant 10xx
  std::string hex = toHex(b.data(), b.size());
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string newKey() {
  auto b = randomBytes<kKeyLength>();
  std::string out(kKeyLength, '\0');
  for (size_t i = 0; i < kKeyLength; ++i) out[i] = kKeyAlphabet[b[i] & 0x3f];
  return out;
}

std::string newSalt() {
  auto b = randomBytes<16>();
  return toHex(b.data(), b.size());
}

std::string hashKey(std::string_view salt_hex, std::string_view key) {
  std::array<uint8_t, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
            EVP_DigestUpdate(ctx, salt_hex.data(), salt_hex.size()) == 1 &&
            EVP_DigestUpdate(ctx, key.data(), key.size()) == 1 &&
            EVP_DigestFinal_ex(ctx, digest.data(), &size) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) throw std::runtime_error("SHA-256 failed");
  return toHex(digest.data(), size);
}

bool keyMatches(std::string_view salt_hex, std::string_view stored_hash, std::string_view key) {
  std::string computed = hashKey(salt_hex, key);
  // Lengths are public (always 64 hex digits for a well-formed record); only the content is
  // compared in constant time.
  if (computed.size() != stored_hash.size()) return false;
  return CRYPTO_memcmp(computed.data(), stored_hash.data(), computed.size()) == 0;
}

}  // namespace cirrus::acmedns
