#include "acme/openssl_handle.h"

#include <array>

#include <openssl/err.h>

namespace cirrus::acme {

std::string opensslError(std::string_view what) {
  std::string text(what);
  const unsigned long code = ERR_get_error();
  if (code != 0) {
    std::array<char, 256> buf{};
    ERR_error_string_n(code, buf.data(), buf.size());
    text += ": ";
    text += buf.data();
  }
  ERR_clear_error();
  return text;
}

std::string bioContents(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  if (len <= 0 || data == nullptr) return {};
  return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace cirrus::acme
