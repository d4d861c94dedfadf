#include "acmedns/dns_listener.h"

#include <array>
#include <exception>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "core/error.h"
#include "core/log.h"

namespace cirrus::acmedns {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr size_t kMaxDatagram = 65535;

}  // namespace

struct DnsListener::Connection {
  explicit Connection(tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {}
  void close() {
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    timer.cancel();
  }
  tcp::socket socket;
  asio::steady_timer timer;
  Clock::time_point deadline = Clock::time_point::max();
};

DnsListener::DnsListener(asio::io_context& ioc, DnsListenerOptions options, DnsHandler handler)
    : ioc_(ioc),
      options_(std::move(options)),
      handler_(std::move(handler)),
      udp_(ioc),
      acceptor_(ioc) {}

DnsListener::~DnsListener() {
  stop();
}

void DnsListener::spawn(asio::awaitable<void> task, const char* what) {
  asio::co_spawn(ioc_, std::move(task), [what](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error("acme-dns dns task failed", {{"task", what}, {"error", ex.what()}});
    }
  });
}

Result<void> DnsListener::start() {
  boost::system::error_code ec;
  auto where = "acme-dns dns listen " + options_.bind.toString();
  auto address = asio::ip::make_address(options_.bind.host, ec);
  if (ec) return internalError(where + ": " + ec.message());
  tcp::endpoint tcp_ep(address, options_.bind.port);
  acceptor_.open(tcp_ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(tcp_ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return internalError(where + " (tcp): " + ec.message());
  port_ = acceptor_.local_endpoint().port();
  udp::endpoint udp_ep(address, port_);
  udp_.open(udp_ep.protocol(), ec);
  if (!ec) udp_.bind(udp_ep, ec);
  if (ec) {
    acceptor_.close();
    return internalError(where + " (udp): " + ec.message());
  }
  spawn(udpLoop(), "udp");
  spawn(acceptLoop(), "tcp accept");
  return ok();
}

void DnsListener::stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ignored;
  udp_.close(ignored);
  acceptor_.close(ignored);
  for (auto& weak : connections_) {
    if (auto c = weak.lock()) c->close();
  }
  connections_.clear();
}

asio::awaitable<void> DnsListener::udpLoop() {
  std::vector<uint8_t> buffer(kMaxDatagram);
  while (!stopped_) {
    udp::endpoint peer;
    auto [ec, n] = co_await udp_.async_receive_from(asio::buffer(buffer), peer, kUseTuple);
    if (ec == asio::error::operation_aborted || !udp_.is_open()) break;
    if (ec) continue;  // e.g. ICMP port unreachable reported on the socket
    if (*udp_in_flight_ >= options_.max_udp_in_flight) continue;
    ++*udp_in_flight_;
    spawn(answerDatagram(std::vector<uint8_t>(buffer.begin(), buffer.begin() + n), peer),
          "udp query");
  }
}

asio::awaitable<void> DnsListener::answerDatagram(std::vector<uint8_t> message,
                                                  udp::endpoint peer) {
  // Shared: a frame still suspended when the io_context is destroyed outlives the listener.
  struct InFlight {
    std::shared_ptr<size_t> count;
    ~InFlight() { --*count; }
  } in_flight{udp_in_flight_};
  auto reply = co_await handler_(std::move(message), false);
  if (!reply || stopped_) co_return;
  // UDP sends complete at once or fail; no deadline needed.
  co_await udp_.async_send_to(asio::buffer(*reply), peer, kUseTuple);
}

asio::awaitable<void> DnsListener::acceptLoop() {
  while (!stopped_) {
    auto [ec, socket] = co_await acceptor_.async_accept(kUseTuple);
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
    if (ec) continue;
    connections_.remove_if([](const std::weak_ptr<Connection>& w) { return w.expired(); });
    if (connections_.size() >= options_.max_tcp_connections) {
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    auto c = std::make_shared<Connection>(std::move(socket));
    connections_.push_back(c);
    spawn(serve(c), "tcp connection");
  }
}

asio::awaitable<void> DnsListener::watchdog(std::shared_ptr<Connection> c) {
  while (c->socket.is_open()) {
    c->timer.expires_at(c->deadline);
    co_await c->timer.async_wait(kUseTuple);
    if (c->socket.is_open() && Clock::now() >= c->deadline) c->close();
  }
}

asio::awaitable<void> DnsListener::serve(std::shared_ptr<Connection> c) {
  // The watchdog closes the socket once the current deadline passes, which fails the pending
  // read or write; every step below moves the deadline first.
  c->deadline = Clock::now() + options_.tcp_idle_timeout;
  asio::co_spawn(ioc_, watchdog(c), asio::detached);
  while (!stopped_ && c->socket.is_open()) {
    std::array<uint8_t, 2> prefix{};
    c->deadline = Clock::now() + options_.tcp_idle_timeout;
    c->timer.cancel();
    auto [ec, n] = co_await asio::async_read(c->socket, asio::buffer(prefix), kUseTuple);
    if (ec) break;
    size_t size = (static_cast<size_t>(prefix[0]) << 8) | prefix[1];
    if (size == 0) break;
    std::vector<uint8_t> message(size);
    c->deadline = Clock::now() + options_.tcp_io_timeout;
    c->timer.cancel();
    auto [ec2, n2] = co_await asio::async_read(c->socket, asio::buffer(message), kUseTuple);
    if (ec2) break;
    auto reply = co_await handler_(std::move(message), true);
    if (!reply) continue;
    if (reply->size() > 65535) break;
    std::vector<uint8_t> framed;
    framed.reserve(reply->size() + 2);
    framed.push_back(static_cast<uint8_t>(reply->size() >> 8));
    framed.push_back(static_cast<uint8_t>(reply->size() & 0xff));
    framed.insert(framed.end(), reply->begin(), reply->end());
    c->deadline = Clock::now() + options_.tcp_io_timeout;
    c->timer.cancel();
    auto [ec3, n3] = co_await asio::async_write(c->socket, asio::buffer(framed), kUseTuple);
    if (ec3) break;
  }
  c->close();
}

}  // namespace cirrus::acmedns
