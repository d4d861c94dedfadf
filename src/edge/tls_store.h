// TLS termination of the edge (spec §11): one SSL_CTX per domain certificate from
// `cdn:cert:{domain}`, held only in memory and published as an immutable map swapped
// atomically; the SNI callback picks from it on the worker threads without locking. A
// fallback certificate, generated in memory at start, answers unknown names. TLS 1.2/1.3
// with the hardened contexts of http/tls_context.h.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "core/result.h"
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
  /// Handshake failures are counted in nginx_ssl_handshake_errors_total{phase}.
  boost::asio::awaitable<void> serve(WorkerContext& ctx, boost::asio::ip::tcp::socket socket,
                                     boost::asio::ip::tcp::endpoint remote);

  /// Control thread: (re)loads one domain's certificate; removes it when Redis has none.
  /// Store errors keep the current certificate.
  boost::asio::awaitable<void> reload(store::CertStore& certs, std::string domain);
  /// Control thread: reloads every listed domain and drops the others.
  boost::asio::awaitable<void> reloadAll(store::CertStore& certs, std::vector<std::string> domains);

  size_t size() const;
  /// Set once before the listeners start, to count handshakes and certificates.
  void setMetrics(EdgeMetrics* metrics) { metrics_ = metrics; }

 private:
  explicit TlsStore(http::TlsContextSharedPtr fallback);
  void publish(CertMap map);
  SSL_CTX* select(std::string_view server_name) const;

  http::TlsContextSharedPtr fallback_;
  std::atomic<std::shared_ptr<const CertMap>> map_;
  // The PEM each context was built from, so reloadAll only rebuilds what changed.
  std::unordered_map<std::string, std::string> loaded_pem_;
  EdgeMetrics* metrics_ = nullptr;
};

}  // namespace cirrus::edge
