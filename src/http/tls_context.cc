#include "http/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/buffer.hpp>

namespace cirrus::http {
namespace {

namespace ssl = boost::asio::ssl;

// Per-context state owned through SSL_CTX ex_data, freed with the context.
template <class T>
int exDataIndex() {
  static const int index = SSL_CTX_get_ex_new_index(
      0, nullptr, nullptr, nullptr,
      [](void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) { delete static_cast<T*>(ptr); });
  return index;
}

// Stores value in ctx (freeing any earlier one) and returns it for use as a callback argument.
template <class T>
T* setOwned(SSL_CTX* ctx, T value) {
  int index = exDataIndex<T>();
  delete static_cast<T*>(SSL_CTX_get_ex_data(ctx, index));
  auto* owned = new T(std::move(value));
  SSL_CTX_set_ex_data(ctx, index, owned);
  return owned;
}

struct AlpnList {
  std::string wire;  // RFC 7301 §3.1 ProtocolNameList: length-prefixed names
};

std::string alpnWire(const std::vector<std::string>& protocols) {
  std::string wire;
  for (const auto& p : protocols) {
    if (p.empty() || p.size() > 255) continue;
    wire.push_back(static_cast<char>(p.size()));
    wire += p;
  }
  return wire;
}

int selectAlpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
               unsigned int inlen, void* arg) {
  const auto* list = static_cast<const AlpnList*>(arg);
  unsigned char* selected = nullptr;
  int rc = SSL_select_next_proto(&selected, outlen,
                                 reinterpret_cast<const unsigned char*>(list->wire.data()),
                                 static_cast<unsigned>(list->wire.size()), in, inlen);
  if (rc != OPENSSL_NPN_NEGOTIATED) return SSL_TLSEXT_ERR_NOACK;
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

int selectBySni(SSL* ssl, int*, void* arg) {
  const auto* selector = static_cast<const SniSelector*>(arg);
  if (!*selector) return SSL_TLSEXT_ERR_OK;
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  // An exception must not unwind through OpenSSL's C frames: keep the fallback certificate.
  try {
    SSL_CTX* chosen = (*selector)(name == nullptr ? std::string_view() : std::string_view(name));
    if (chosen != nullptr) SSL_set_SSL_CTX(ssl, chosen);
  } catch (...) {
  }
  return SSL_TLSEXT_ERR_OK;
}

Error tlsError(std::string_view what, const boost::system::error_code& ec) {
  std::string detail = takeOpenSslErrors();
  if (detail.empty()) detail = ec.message();
  return badRequest(std::string(what) + ": " + detail);
}

// Options shared by both sides: RFC 8996 deprecates TLS 1.0/1.1; compression enables CRIME;
// renegotiation is an attack surface we never need.
void harden(SSL_CTX* native) {
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
}

}  // namespace

std::string takeOpenSslErrors() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

Result<TlsContextSharedPtr> makeServerTlsContext(std::string_view cert_chain_pem,
                                                 std::string_view key_pem) {
  ERR_clear_error();
  TlsContextSharedPtr ctx;
  try {
    ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  } catch (const boost::system::system_error& e) {
    return internalError(std::string("SSL_CTX_new: ") + e.what());
  }
  SSL_CTX* native = ctx->native_handle();
  harden(native);
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(native, std::string(kTls12Ciphers).c_str()) != 1 ||
      SSL_CTX_set1_groups_list(native, "X25519:P-256:P-384") != 1) {
    return internalError("TLS cipher or group list rejected: " + takeOpenSslErrors());
  }

  boost::system::error_code ec;
  ctx->use_certificate_chain(boost::asio::buffer(cert_chain_pem.data(), cert_chain_pem.size()), ec);
  if (ec) return tlsError("certificate chain", ec);
  ctx->use_private_key(boost::asio::buffer(key_pem.data(), key_pem.size()), ssl::context::pem, ec);
  if (ec) {
    // OpenSSL compares the key with the certificate already loaded and reports a mismatch as
    // a bare "key values mismatch"; say what that means for an uploaded pair. (Asio has
    // already taken the error off OpenSSL's queue and into ec.)
    auto code = static_cast<unsigned long>(ec.value());
    if (ec.category() == boost::asio::error::get_ssl_category() &&
        ERR_GET_LIB(code) == ERR_LIB_X509 && ERR_GET_REASON(code) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      return badRequest("private key does not match the certificate");
    }
    return tlsError("private key", ec);
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return badRequest("private key does not match the certificate: " + takeOpenSslErrors());
  }
  return ctx;
}

Result<TlsContextSharedPtr> makeClientTlsContext(const ClientTlsOptions& options) {
  ERR_clear_error();
  TlsContextSharedPtr ctx;
  try {
    ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  } catch (const boost::system::system_error& e) {
    return internalError(std::string("SSL_CTX_new: ") + e.what());
  }
  harden(ctx->native_handle());
  boost::system::error_code ec;
  if (options.use_system_trust) {
    // A machine without a CA store still works with an explicit CA, so this is not fatal.
    ctx->set_default_verify_paths(ec);
    ERR_clear_error();
  }
  if (!options.ca_file.empty()) {
    ctx->load_verify_file(options.ca_file, ec);
    if (ec) return tlsError("CA file " + options.ca_file, ec);
  }
  if (!options.ca_pem.empty()) {
    ctx->add_certificate_authority(boost::asio::buffer(options.ca_pem), ec);
    if (ec) return tlsError("CA certificates", ec);
  }
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

void setServerAlpn(ssl::context& ctx, std::vector<std::string> protocols) {
  AlpnList* list = setOwned(ctx.native_handle(), AlpnList{alpnWire(protocols)});
  SSL_CTX_set_alpn_select_cb(ctx.native_handle(), selectAlpn, list);
}

bool setClientAlpn(ssl::context& ctx, const std::vector<std::string>& protocols) {
  std::string wire = alpnWire(protocols);
  // Unlike most OpenSSL calls, 0 means success here.
  return SSL_CTX_set_alpn_protos(ctx.native_handle(),
                                 reinterpret_cast<const unsigned char*>(wire.data()),
                                 static_cast<unsigned>(wire.size())) == 0;
}

void setSniSelector(ssl::context& ctx, SniSelector selector) {
  SniSelector* owned = setOwned(ctx.native_handle(), std::move(selector));
  SSL_CTX_set_tlsext_servername_arg(ctx.native_handle(), owned);
  SSL_CTX_set_tlsext_servername_callback(ctx.native_handle(), selectBySni);
}

}  // namespace cirrus::http
