// DNS sockets of `cirrus acme-dns`: UDP and TCP on ACMEDNS_DNS_BIND. Unlike `cirrus dns`, every
// answer may wait on Redis (the TXT values), so each UDP datagram is handled by its own
// coroutine (bounded in number) and TCP answers the queries of a connection in order (RFC 7766
// §6.2.1), with a deadline before every read and write. Message policy is the handler's.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include "core/endpoint.h"
#include "core/result.h"

namespace cirrus::acmedns {

/// One DNS message in (a datagram, or a TCP message without its length prefix), the bytes to
/// send back out, or nullopt for silence. Must not throw (exceptions are logged and the
/// message is dropped).
using DnsHandler = std::function<boost::asio::awaitable<std::optional<std::vector<uint8_t>>>(
    std::vector<uint8_t> message, bool over_tcp)>;

struct DnsListenerOptions {
  Endpoint bind{"127.0.0.1", 0};  // port 0 picks one (tests); UDP then binds the port TCP got
  std::chrono::milliseconds tcp_idle_timeout{10'000};  // RFC 7766 §6.2.3
  std::chrono::milliseconds tcp_io_timeout{10'000};    // rest of a message, or one response
  size_t max_tcp_connections = 256;
  size_t max_udp_in_flight = 512;  // datagrams beyond this are dropped (the client retries)
};

/// Runs on one io_context thread. The handler must outlive the listener.
class DnsListener {
 public:
  DnsListener(boost::asio::io_context& ioc, DnsListenerOptions options, DnsHandler handler);
  ~DnsListener();
  DnsListener(const DnsListener&) = delete;
  DnsListener& operator=(const DnsListener&) = delete;

  /// Binds TCP, then UDP on the same port, and starts serving. internalError naming the
  /// endpoint on failure.
  Result<void> start();
  /// Closes both sockets and every TCP connection. Idempotent.
  void stop();

  uint16_t port() const { return port_; }

 private:
  struct Connection;
  boost::asio::awaitable<void> udpLoop();
  boost::asio::awaitable<void> answerDatagram(std::vector<uint8_t> message,
                                              boost::asio::ip::udp::endpoint peer);
  boost::asio::awaitable<void> acceptLoop();
  boost::asio::awaitable<void> serve(std::shared_ptr<Connection> c);
  static boost::asio::awaitable<void> watchdog(std::shared_ptr<Connection> c);
  void spawn(boost::asio::awaitable<void> task, const char* what);

  boost::asio::io_context& ioc_;
  DnsListenerOptions options_;
  DnsHandler handler_;
  boost::asio::ip::udp::socket udp_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::list<std::weak_ptr<Connection>> connections_;
  std::shared_ptr<size_t> udp_in_flight_ = std::make_shared<size_t>(0);
  uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace cirrus::acmedns
