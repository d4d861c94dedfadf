// Internals of http::Server shared by server.cc (listening, lifecycle, graceful stop) and
// server_connection.cc (the per-connection coroutine). Not for use outside src/http/.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "http/server.h"

namespace cirrus::http::detail {

/// What stop() needs to reach a connection. Every field is touched only on the connection's
/// strand (`executor`), except `id` and `executor`, which never change.
struct ConnectionHandle {
  uint64_t id = 0;
  boost::asio::any_io_executor executor;
  boost::beast::tcp_stream* tcp = nullptr;  // lowest layer while the connection is alive
  bool idle = true;  // waiting for a request's first byte (or the TLS handshake)
};
using ConnectionHandleSharedPtr = std::shared_ptr<ConnectionHandle>;

struct ServerState : std::enable_shared_from_this<ServerState> {
  ServerState(boost::asio::io_context& ioc, ServerOptions opts, Router r, bool owns_ioc);

  boost::asio::io_context& ioc;
  const ServerOptions options;
  const Router router;
  const bool owns_ioc;
  boost::asio::strand<boost::asio::io_context::executor_type> control;  // acceptor and stop
  boost::asio::ip::tcp::acceptor acceptor;
  boost::asio::steady_timer grace_timer;
  boost::asio::ip::tcp::endpoint bound;

  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> next_connection_id{1};

  mutable std::mutex mu;  // guards connections and stop bookkeeping below
  std::unordered_map<uint64_t, ConnectionHandleSharedPtr> connections;
  bool stop_finished = false;
  std::vector<std::function<void()>> on_stopped;

  /// Registers a connection accepted on `executor` (its strand).
  ConnectionHandleSharedPtr addConnection(boost::asio::any_io_executor executor);
  /// Called by the connection coroutine when it ends; completes a pending stop.
  void removeConnection(uint64_t id);

  boost::asio::awaitable<void> acceptLoop();
  void beginStop(std::function<void()> on_stopped_cb);  // on the control strand
  void finishStopIfDrained();                           // on the control strand
};

/// The per-connection coroutine (server_connection.cc): handshake, request loop, close.
boost::asio::awaitable<void> serveConnection(std::shared_ptr<ServerState> state,
                                             ConnectionHandleSharedPtr handle,
                                             boost::asio::ip::tcp::socket socket);

}  // namespace cirrus::http::detail
