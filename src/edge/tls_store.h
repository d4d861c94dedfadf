// TLS termination of the edge (spec §11): one SSL_CTX per domain certificate from
// `cdn:cert:{domain}`, held only in memory and published as an immutable map swapped
// atomically; the SNI callback picks from it on the worker threads without locking. A
// fallback certificate, generated in memory at start, answers unknown names. TLS 1.2/1.3
// with the hardened contexts of http/tls_context.h; session tickets use one rotating key ring
// (ticket_keys.h) shared by every context, so a ticket resumes on any worker and any name.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include "core/result.h"
#include "edge/ticket_keys.h"
#include "http/tls_context.h"
#include "store/cert_store.h"

namespace cirrus::edge {

struct WorkerContext;
struct EdgeMetrics;

class TlsStore {
 public:
  using CertMap = std::unordered_map<std::string, http::TlsContextSharedPtr>;

  /// Generates the fallback certificate (P-256, self-signed, CN "cirrus-fallback").
  /// Errors: internalError when OpenSSL fails.
  static Result<std::unique_ptr<TlsStore>> create();

  /// Handshake on an accepted socket, then serves it as a ClientConnection (worker thread).
  /// Handshake failures are counted in nginx_ssl_handshake_errors_total{phase} (see
  /// handshakeFailurePhase), resumed handshakes in cirrus_edge_tls_resumed_handshakes_total.
  boost::asio::awaitable<void> serve(WorkerContext& ctx, boost::asio::ip::tcp::socket socket,
                                     boost::asio::ip::tcp::endpoint remote);

  /// Control thread: (re)loads one domain's certificate; removes it when Redis has none.
  /// Store errors keep the current certificate.
  boost::asio::awaitable<void> reload(store::CertStore& certs, std::string domain);
  /// Control thread: reloads every listed domain and drops the others.
  boost::asio::awaitable<void> reloadAll(store::CertStore& certs, std::vector<std::string> domains);

  /// Control thread: rotates the session-ticket keys every `period` until
  /// stopTicketRotation(). A failed rotation is logged and the current key stays in use.
  void startTicketRotation(boost::asio::io_context& control,
                           std::chrono::seconds period = TicketKeys::kRotationPeriod);
  void stopTicketRotation();
  const TicketKeys& ticketKeys() const { return *ticket_keys_; }

  size_t size() const;
  /// Set once before the listeners start, to count handshakes and certificates.
  void setMetrics(EdgeMetrics* metrics) { metrics_ = metrics; }
  /// Offer h2 by ALPN (EDGE_HTTP2); set before the listeners start.
  void setHttp2(bool on) { http2_ = on; }
  bool http2() const { return http2_; }

 private:
  TlsStore(http::TlsContextSharedPtr fallback, TicketKeysSharedPtr ticket_keys);
  void publish(CertMap map);
  void installAlpn(SSL_CTX* ctx);
  SSL_CTX* select(std::string_view server_name) const;
  boost::asio::awaitable<void> rotateLoop(std::chrono::seconds period);

  bool http2_ = true;
  http::TlsContextSharedPtr fallback_;
  TicketKeysSharedPtr ticket_keys_;
  std::unique_ptr<boost::asio::steady_timer> rotation_timer_;
  std::atomic<std::shared_ptr<const CertMap>> map_;
  // The PEM each context was built from, so reloadAll only rebuilds what changed.
  std::unordered_map<std::string, std::string> loaded_pem_;
  EdgeMetrics* metrics_ = nullptr;
};

/// The phase in which a server handshake failed, the `phase` label of
/// nginx_ssl_handshake_errors_total:
///   "timeout"      the handshake did not finish within client_header_timeout;
///   "client_hello" before the server's first flight: no or a malformed ClientHello, no common
///                  version, cipher or group (scanners, plain HTTP, TLS 1.0 clients);
///   "certificate"  the client rejected the server certificate (it sent a certificate alert,
///                  RFC 8446 §6.2: bad_certificate, unknown_ca, certificate_expired, ...);
///   "key_exchange" anything after the server's first flight: the client went away or sent a
///                  bad key exchange or Finished.
/// ssl is the failed connection; ec the handshake's error as Asio reports it.
std::string_view handshakeFailurePhase(const SSL* ssl, const boost::system::error_code& ec,
                                       bool timed_out);

}  // namespace cirrus::edge
