// Origin connections of one worker: keep-alive pools per origin (scheme, host, port, SNI,
// verification), asynchronous name resolution with a small per-worker cache, and connection
// set-up (TCP, then TLS with SNI and certificate verification for https origins).
// Single-threaded: each worker owns one OriginPool and touches it only from its io_context.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "core/result.h"
#include "edge/transport.h"
#include "model/domain_conf.h"

namespace cirrus::edge {

struct OriginPoolOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::seconds idle_timeout{30};  // pooled connections older than this are closed
  size_t max_idle_per_origin = 64;
  std::chrono::seconds dns_ttl{30};
};

/// A connection to one origin, checked out of the pool (or fresh).
struct OriginConnection {
  TransportPtr transport;
  std::string key;  // the pool it returns to
  bool reused = false;
};

class OriginPool {
 public:
  /// client_tls: the verifying client context (shared by workers; only read).
  OriginPool(boost::asio::io_context& ioc, DeadlineSweeper& sweeper,
             std::shared_ptr<boost::asio::ssl::context> client_tls,
             std::shared_ptr<boost::asio::ssl::context> client_tls_noverify,
             OriginPoolOptions options);

  /// An idle pooled connection to `origin` if there is one, else a new one. Errors:
  /// upstreamUnavailable (resolution, connect or TLS handshake failed), upstreamTimeout
  /// (connect_timeout passed). `allow_reuse`: false forces a fresh connection.
  boost::asio::awaitable<Result<OriginConnection>> acquire(const model::Origin& origin,
                                                           bool allow_reuse);

  /// Returns a connection whose last exchange ended cleanly; it is kept for reuse.
  void release(OriginConnection conn);

  /// Closes idle connections older than the idle timeout (called by the worker's sweeper).
  void closeIdle(std::chrono::steady_clock::time_point now);
  /// Drops every idle connection (shutdown).
  void clear();

  static std::string keyOf(const model::Origin& origin);

 private:
  struct Idle {
    TransportPtr transport;
    std::chrono::steady_clock::time_point since;
  };
  struct Resolved {
    std::vector<boost::asio::ip::tcp::endpoint> endpoints;
    std::chrono::steady_clock::time_point expires;
  };

  boost::asio::awaitable<Result<std::vector<boost::asio::ip::tcp::endpoint>>> resolve(
      const model::Origin& origin);

  boost::asio::io_context& ioc_;
  DeadlineSweeper& sweeper_;
  std::shared_ptr<boost::asio::ssl::context> client_tls_;
  std::shared_ptr<boost::asio::ssl::context> client_tls_noverify_;
  OriginPoolOptions options_;
  std::unordered_map<std::string, std::deque<Idle>> idle_;
  std::unordered_map<std::string, Resolved> dns_;
};

}  // namespace cirrus::edge
