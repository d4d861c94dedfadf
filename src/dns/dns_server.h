// DNS server sockets of `cirrus dns`: UDP and TCP on DNS_MASTER_BIND_ADDR:DNS_MASTER_PORT. UDP
// answers one datagram per query, reading and writing up to 32 datagrams per system call; TCP reads
// 2-octet length-prefixed messages (RFC 1035 §4.2.2), answers several queries per connection in
// order (RFC 7766 §6.2.1), streams zone transfers message by message, and closes idle or stalled
// connections (a deadline before every read and write). All message policy is QueryHandler's.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include "core/result.h"
#include "dns/dns_metrics.h"
#include "dns/query_handler.h"

namespace cirrus::dns {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0 picks one (tests); UDP then binds the port TCP got
  /// RFC 7766 §6.2.3: how long a TCP connection may sit idle between queries.
  std::chrono::milliseconds tcp_idle_timeout{10'000};
  /// Reading the rest of a started message, or writing one response message.
  std::chrono::milliseconds tcp_io_timeout{10'000};
  size_t max_tcp_connections = 512;
};

/// Runs on one io_context thread (the handler is single-threaded). The handler and metrics
/// must outlive the server.
class Server {
 public:
  Server(boost::asio::io_context& ioc, QueryHandler& handler, DnsMetrics& metrics,
         ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds both sockets and starts serving. internalError naming the endpoint on failure.
  Result<void> start();
  /// Closes the listeners and every connection (a transfer in progress is cut off: the
  /// secondary retries). Idempotent.
  void stop();

  uint16_t port() const { return bound_port_; }

 private:
  struct Connection;
  struct UdpBatch;
  boost::asio::awaitable<void> udpLoop();
  boost::asio::awaitable<void> sendReplies(UdpBatch& batch, size_t count);
  boost::asio::awaitable<void> acceptLoop();
  static boost::asio::awaitable<void> watchdog(std::shared_ptr<Connection> c);
  boost::asio::awaitable<void> serve(std::shared_ptr<Connection> c);
  boost::asio::awaitable<bool> writeFramed(Connection& c, const std::vector<uint8_t>& message);
  void spawn(boost::asio::awaitable<void> task, const char* what);

  boost::asio::io_context& ioc_;
  QueryHandler& handler_;
  DnsMetrics& metrics_;
  ServerOptions options_;
  boost::asio::ip::udp::socket udp_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::list<std::weak_ptr<Connection>> connections_;
  uint16_t bound_port_ = 0;
  bool stopped_ = false;
};

}  // namespace cirrus::dns
