// TLS contexts for every Cirrus listener and client: a hardened server context (TLS 1.2/1.3
// only, ECDHE+AEAD, server cipher order, no compression or renegotiation), a verifying client
// context (system trust plus an optional extra CA, e.g. Pebble's), and the SNI and ALPN hooks
// the edge builds on (certificate per SNI from Redis, h2 by ALPN).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "core/result.h"

namespace cirrus::http {

using TlsContextSharedPtr = std::shared_ptr<boost::asio::ssl::context>;

/// TLS 1.2 ciphers: ECDHE key exchange with AEAD only (Mozilla "intermediate" minus DHE).
/// TLS 1.3 keeps OpenSSL's suites, which are all AEAD.
inline constexpr std::string_view kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

/// A server context for one certificate. cert_chain_pem is the leaf followed by its
/// intermediates; key_pem is its private key (PKCS#8 or traditional, unencrypted).
/// Errors: badRequest naming what did not load, including a key that does not match the
/// certificate; the API can use it to validate an uploaded certificate.
Result<TlsContextSharedPtr> makeServerTlsContext(std::string_view cert_chain_pem,
                                                 std::string_view key_pem);

struct ClientTlsOptions {
  bool use_system_trust = true;  // the system's default CA paths
  std::string ca_file;           // an extra PEM bundle file, e.g. ACME_CA_BUNDLE
  std::string ca_pem;            // extra CA certificates as PEM text
};

/// A client context trusting the configured CAs. Peer verification and the expected host
/// name are set per connection by http::Client (verification is on unless a request turns
/// it off). Errors: badRequest when ca_file or ca_pem cannot be loaded.
Result<TlsContextSharedPtr> makeClientTlsContext(const ClientTlsOptions& options = {});

/// Server side of ALPN (RFC 7301 §3.2): picks the first of `protocols` (server preference)
/// the client offers. Without overlap the handshake goes on with no protocol selected, which
/// means HTTP/1.1. The list is owned by the context. OpenSSL asks the context chosen by the
/// SNI selector, so each per-certificate context needs its own call.
void setServerAlpn(boost::asio::ssl::context& ctx, std::vector<std::string> protocols);

/// Client side of ALPN: the protocols offered, in preference order. False if rejected.
bool setClientAlpn(boost::asio::ssl::context& ctx, const std::vector<std::string>& protocols);

/// Chooses the SSL_CTX for a handshake from the SNI name (RFC 6066 §3; empty when the client
/// sent none). Return nullptr to keep the context the listener was built with (the fallback
/// certificate). The returned SSL_CTX is reference-counted by the connection, so it may be
/// released by its owner while handshakes that use it finish. Called on the connection's
/// thread during the handshake; must not block.
using SniSelector = std::function<SSL_CTX*(std::string_view server_name)>;

/// Installs selector on ctx (which owns it from then on); replaces any earlier selector.
void setSniSelector(boost::asio::ssl::context& ctx, SniSelector selector);

/// The OpenSSL error queue as one line (and cleared); for log and error messages.
std::string takeOpenSslErrors();

}  // namespace cirrus::http
