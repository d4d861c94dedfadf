// HTTP/1.1 client of the shared stack: awaitable requests to http:// and https:// URLs for
// health probes, ACME (JWS POSTs to a CA), acme-dns calls and later origin fetches. TLS with
// SNI and certificate + host name verification on by default; deadlines on connect and read;
// a response size limit; a small keep-alive pool per (scheme, host, port, TLS name).
// Failures are Result errors, never exceptions: upstreamUnavailable (resolve, connect, reset),
// upstreamTimeout (a deadline passed), upstreamProtocol (a malformed or oversized response,
// or a TLS handshake/verification failure).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "core/result.h"
#include "http/message.h"
#include "http/tls_context.h"
#include "http/url.h"

namespace cirrus::http {

/// Request header fields, in order; a name may repeat. Host and User-Agent given here replace
/// the defaults; Content-Length is always computed from the body.
using Headers = std::vector<std::pair<std::string, std::string>>;

struct RequestOptions {
  /// Bounds the TCP connect (over every resolved address) and, separately, the TLS handshake.
  /// Name resolution uses the system resolver and is bounded by its own timeouts.
  std::chrono::milliseconds connect_timeout{5'000};
  /// Bounds sending the request, and then receiving the whole response.
  std::chrono::milliseconds read_timeout{30'000};
  uint64_t max_body_bytes = 8 * 1024 * 1024;  // a larger response is upstreamProtocol
  size_t max_header_bytes = 64 * 1024;
  bool verify_tls = true;
  /// The name sent as SNI and checked against the certificate; default: the URL's host.
  /// An address literal is verified against the certificate's IP SANs and never sent as SNI.
  std::string tls_server_name;
  /// false: a fresh connection, closed after the response (Connection: close).
  bool reuse_connection = true;
};

struct ClientOptions {
  TlsContextSharedPtr tls;  // null: makeClientTlsContext() with the system trust store
  size_t max_idle_per_host = 4;
  std::chrono::milliseconds idle_ttl{10'000};  // a pooled connection idle longer is dropped
  std::string user_agent = std::string("cirrus/") + CIRRUS_VERSION;
};

struct ClientStats {
  uint64_t connections_opened = 0;
  uint64_t connections_reused = 0;
  uint64_t stale_retries = 0;  // idempotent requests retried after a pooled connection failed
};

namespace detail {
struct ClientState;
}

/// Thread-safe. All socket work runs on `executor`; request() may be awaited from any
/// executor. If executor belongs to an io_context run by several threads, pass a strand.
/// Destroy the client before its io_context.
class Client {
 public:
  explicit Client(boost::asio::any_io_executor executor, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Sends one request and reads the complete response (any status is a success). A pooled
  /// connection that fails before any response byte arrives is retried once on a fresh
  /// connection when the method is idempotent (RFC 9110 §9.2.2).
  /// Errors: badRequest for an unusable URL or header; upstreamUnavailable, upstreamTimeout,
  /// upstreamProtocol as described at the top of this file.
  boost::asio::awaitable<Result<Response>> request(verb method, std::string url,
                                                   Headers headers = {}, std::string body = {},
                                                   RequestOptions options = {});

  boost::asio::awaitable<Result<Response>> get(std::string url, RequestOptions options = {}) {
    return request(verb::get, std::move(url), {}, {}, std::move(options));
  }

  ClientStats stats() const;
  size_t idleConnections() const;
  /// Closes every pooled connection (e.g. before shutting down).
  void closeIdle();

 private:
  std::shared_ptr<detail::ClientState> state_;
};

}  // namespace cirrus::http
