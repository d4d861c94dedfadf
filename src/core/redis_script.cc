#include "core/redis_script.h"

#include <openssl/sha.h>

#include <array>

namespace cirrus::redis {
namespace {

std::string sha1Hex(const std::string& data) {
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (unsigned char b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0x0f]);
  }
  return out;
}

}  // namespace

Script::Script(std::string source) : source_(std::move(source)), sha1_(sha1Hex(source_)) {}

}  // namespace cirrus::redis
