// HTTP/1.1 server of the shared stack (Beast, one C++20 coroutine per connection): serves a
// Router on one listening socket, plain or TLS, with limits, a deadline before every read and
// write, keep-alive, in-order answers to pipelined requests and a bounded graceful stop.
// Used by the control-plane API, the acme-dns API and every admin /metrics + /healthz listener.
// Beast parses and serialises: the control-plane choice (the edge's hot path may get its own
// strict parser; that is measured in a later issue).
//
// Threading: either the caller's io_context (the caller runs it; the admin listeners share
// their process's loop), or an io_context owned by the server and run by `threads` threads.
// One io_context per server (not one per thread) because control-plane handlers mostly wait
// on Redis or a CA, so spreading connections over a pool balances best; every connection runs
// on its own strand, so a pool needs no further locking. A hot path wanting one io_context per
// thread builds one Server per thread on the caller's io_contexts with reuse_port.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "core/endpoint.h"
#include "core/result.h"
#include "http/router.h"
#include "http/tls_context.h"

namespace cirrus::http {

/// One answered request, reported after its response was written (or failed to be).
struct AccessRecord {
  std::string_view method;  // "GET"; "" when the request line could not be parsed
  std::string_view route;   // the matched template; "" when none (404, 400, 413, 431 ...)
  unsigned status = 0;
  std::chrono::steady_clock::duration duration{};  // first request byte to response written
  uint64_t connection_id = 0;
  boost::asio::ip::tcp::endpoint remote;
  bool tls = false;
  uint64_t response_body_bytes = 0;
  bool write_failed = false;  // the peer went away or the write deadline passed
};

/// Called on the connection's strand; must be thread-safe and must not block. Exceptions are
/// caught and logged.
using AccessHook = std::function<void(const AccessRecord&)>;

struct ServerOptions {
  Endpoint listen{"127.0.0.1", 0};  // an address literal or a name resolved once at start()
  bool reuse_port = false;          // SO_REUSEPORT; SO_REUSEADDR is always set
  int backlog = 1024;
  size_t threads = 1;       // only for a server that owns its io_context
  TlsContextSharedPtr tls;  // non-null: every connection is TLS (handshake first)

  size_t header_limit = 16 * 1024;    // request line + header bytes; more is answered 431
  uint64_t body_limit = 1024 * 1024;  // request body bytes (after de-chunking); more is 413

  /// A new connection must deliver its TLS handshake and first request head within this.
  /// Also bounds each later request head once its first byte has arrived.
  std::chrono::milliseconds header_timeout{10'000};
  /// Keep-alive: how long a connection may wait for the first byte of its next request.
  std::chrono::milliseconds idle_timeout{30'000};
  std::chrono::milliseconds body_timeout{30'000};   // reading one request body
  std::chrono::milliseconds write_timeout{30'000};  // writing one response
  /// stop(): how long in-flight requests may take before their connections are closed.
  std::chrono::milliseconds shutdown_grace{10'000};

  std::string server_header = "cirrus";  // Server header value; empty sends none
  AccessHook on_access;
  std::string name = "http";  // names this listener in log lines
};

namespace detail {
struct ServerState;
}

class Server {
 public:
  /// A server on the caller's io_context, which the caller runs (from one or more threads).
  /// ioc must outlive every connection, i.e. keep running until stop() has completed.
  Server(boost::asio::io_context& ioc, ServerOptions options, Router router);
  /// A server owning an io_context run by options.threads threads, started by start().
  Server(ServerOptions options, Router router);
  /// Stops (graceful, bounded by shutdown_grace) and, for an owned io_context, joins.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds, listens and starts accepting; an owned io_context gets its threads now.
  /// Errors: internalError naming the endpoint (address in use, permission, bad address).
  Result<void> start();

  /// The bound address (the real port after binding port 0). Valid after a successful start().
  boost::asio::ip::tcp::endpoint boundEndpoint() const;

  /// Graceful stop; thread-safe, idempotent, never blocks. Stops accepting, closes idle
  /// connections, lets requests already being read or handled finish (their responses carry
  /// Connection: close), and closes whatever remains after shutdown_grace. on_stopped runs
  /// on the server's io_context once no connection is left (at once if already stopped).
  /// A handler still running after the grace keeps its coroutine alive until it returns;
  /// an owned io_context is stopped one second after the grace regardless.
  void stop(std::function<void()> on_stopped = {});

  /// Owned io_context only: blocks until every server thread has exited (after stop()).
  void join();

  /// Connections currently open (accepted and not yet closed).
  size_t activeConnections() const;

 private:
  std::unique_ptr<boost::asio::io_context> owned_ioc_;  // destroyed last: frames hold state_
  std::shared_ptr<detail::ServerState> state_;
  std::vector<std::thread> threads_;
};

}  // namespace cirrus::http
