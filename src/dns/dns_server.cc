#include "dns/dns_server.h"

#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <exception>
#include <memory>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "core/error.h"
#include "core/log.h"

namespace cirrus::dns {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

uint64_t unixNow() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

// UDP batching: a wake-up drains the socket with recvmmsg() and answers with sendmmsg(), so a
// busy server pays one system call and one trip through the io_context per batch instead of
// two per query.
constexpr size_t kUdpBatch = 32;
// A datagram is never cut short, so an oversized query parses (or fails) whole. The buffer is
// not initialised: only the octets the kernel writes are ever touched.
constexpr size_t kMaxDatagram = 65535;
// Batches read before yielding to the other work of the thread (TCP, timers, rebuilds).
constexpr int kBatchesPerTurn = 8;

}  // namespace

struct Server::UdpBatch {
  std::unique_ptr<uint8_t[]> data =
      std::make_unique_for_overwrite<uint8_t[]>(kUdpBatch * kMaxDatagram);
  std::array<udp::endpoint, kUdpBatch> peers;
  std::array<iovec, kUdpBatch> in_iov{};
  std::array<mmsghdr, kUdpBatch> in{};
  std::array<std::vector<uint8_t>, kUdpBatch> replies;
  std::array<size_t, kUdpBatch> reply_peer{};  // index into peers of each reply
  std::array<iovec, kUdpBatch> out_iov{};
  std::array<mmsghdr, kUdpBatch> out{};

  uint8_t* slot(size_t i) { return data.get() + i * kMaxDatagram; }

  // recvmmsg() writes the lengths: they are reset before every call.
  void armReceive() {
    for (size_t i = 0; i < kUdpBatch; ++i) {
      in_iov[i] = {slot(i), kMaxDatagram};
      in[i] = {};
      in[i].msg_hdr.msg_name = peers[i].data();
      in[i].msg_hdr.msg_namelen = static_cast<socklen_t>(peers[i].capacity());
      in[i].msg_hdr.msg_iov = &in_iov[i];
      in[i].msg_hdr.msg_iovlen = 1;
    }
  }

  void addReply(size_t out_index, size_t peer, std::vector<uint8_t> message) {
    replies[out_index] = std::move(message);
    reply_peer[out_index] = peer;
    out_iov[out_index] = {replies[out_index].data(), replies[out_index].size()};
    out[out_index] = {};
    out[out_index].msg_hdr.msg_name = peers[peer].data();
    out[out_index].msg_hdr.msg_namelen = static_cast<socklen_t>(peers[peer].size());
    out[out_index].msg_hdr.msg_iov = &out_iov[out_index];
    out[out_index].msg_hdr.msg_iovlen = 1;
  }
};

struct Server::Connection {
  explicit Connection(tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {}
  tcp::socket socket;
  asio::steady_timer timer;
  Clock::time_point deadline = Clock::time_point::max();

  void close() {
    boost::system::error_code ec;
    socket.close(ec);
    timer.cancel();
  }
};

Server::Server(asio::io_context& ioc, QueryHandler& handler, DnsMetrics& metrics,
               ServerOptions options)
    : ioc_(ioc),
      handler_(handler),
      metrics_(metrics),
      options_(std::move(options)),
      udp_(ioc),
      acceptor_(ioc) {}

Server::~Server() {
  stop();
}

void Server::spawn(asio::awaitable<void> task, const char* what) {
  asio::co_spawn(ioc_, std::move(task), [what](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error("dns server task failed", {{"task", what}, {"error", ex.what()}});
    }
  });
}

Result<void> Server::start() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options_.address, ec);
  auto where = options_.address + ":" + std::to_string(options_.port);
  if (ec) return internalError("dns listen " + where + ": " + ec.message());
  tcp::endpoint tcp_ep(address, options_.port);
  acceptor_.open(tcp_ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(tcp_ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return internalError("dns listen tcp " + where + ": " + ec.message());
  bound_port_ = acceptor_.local_endpoint().port();
  udp::endpoint udp_ep(address, bound_port_);
  udp_.open(udp_ep.protocol(), ec);
  if (!ec) udp_.bind(udp_ep, ec);
  if (ec) {
    acceptor_.close(ec);
    return internalError("dns listen udp " + where + ": " + ec.message());
  }
  spawn(udpLoop(), "udp");
  spawn(acceptLoop(), "tcp accept");
  return ok();
}

void Server::stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  udp_.close(ec);
  for (auto& weak : connections_) {
    if (auto c = weak.lock()) c->close();
  }
  connections_.clear();
}

asio::awaitable<void> Server::udpLoop() {
  auto batch = std::make_unique<UdpBatch>();
  while (!stopped_ && udp_.is_open()) {
    // Drain: the wait below only reports datagrams that arrive after it starts (the reactor
    // is edge-triggered), so it is entered only once recvmmsg() found the queue empty.
    bool drained = false;
    for (int turn = 0; turn < kBatchesPerTurn && !drained && !stopped_; ++turn) {
      batch->armReceive();
      const int n =
          ::recvmmsg(udp_.native_handle(), batch->in.data(), kUdpBatch, MSG_DONTWAIT, nullptr);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          drained = true;
        } else if (errno == EBADF || !udp_.is_open()) {
          co_return;
        }
        continue;  // EINTR, or an ICMP-induced error on an unconnected socket: keep serving
      }
      // Fewer than asked: the queue was empty, and any later datagram wakes the wait.
      drained = static_cast<size_t>(n) < kUdpBatch;
      const uint64_t now = unixNow();
      size_t replies = 0;
      for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
        batch->peers[i].resize(batch->in[i].msg_hdr.msg_namelen);
        Reply reply =
            handler_.handle(std::span<const uint8_t>(batch->slot(i), batch->in[i].msg_len),
                            batch->peers[i].address(), false, now);
        if (reply.message) batch->addReply(replies++, i, std::move(*reply.message));
      }
      co_await sendReplies(*batch, replies);
    }
    if (stopped_ || !udp_.is_open()) co_return;
    if (!drained) {
      // Still busy: let the thread's other work run, then carry on draining.
      co_await asio::post(ioc_, asio::use_awaitable);
      continue;
    }
    auto [ec] = co_await udp_.async_wait(udp::socket::wait_read, kUseTuple);
    if (ec && (ec == asio::error::operation_aborted || !udp_.is_open())) co_return;
  }
}

asio::awaitable<void> Server::sendReplies(UdpBatch& batch, size_t count) {
  size_t sent = 0;
  while (sent < count) {
    const int n = ::sendmmsg(udp_.native_handle(), batch.out.data() + sent,
                             static_cast<unsigned>(count - sent), MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && udp_.is_open()) {
      // Send buffer full: this one waits for room like a single send would.
      auto [ec, bytes] = co_await udp_.async_send_to(
          asio::buffer(batch.replies[sent]), batch.peers[batch.reply_peer[sent]], kUseTuple);
      (void)ec;
      (void)bytes;
    }
    // Otherwise this answer failed (closed socket, unreachable peer): a lost answer is the
    // client's retry, like any lost datagram.
    ++sent;
  }
}

asio::awaitable<void> Server::acceptLoop() {
  while (!stopped_) {
    auto [ec, socket] = co_await acceptor_.async_accept(kUseTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      continue;
    }
    connections_.remove_if([](const auto& w) { return w.expired(); });
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

asio::awaitable<bool> Server::writeFramed(Connection& c, const std::vector<uint8_t>& message) {
  std::array<uint8_t, 2> prefix{static_cast<uint8_t>(message.size() >> 8),
                                static_cast<uint8_t>(message.size() & 0xff)};
  std::array<asio::const_buffer, 2> buffers{asio::buffer(prefix), asio::buffer(message)};
  c.deadline = Clock::now() + options_.tcp_io_timeout;
  auto [ec, n] = co_await asio::async_write(c.socket, buffers, kUseTuple);
  (void)n;
  co_return !ec;
}

asio::awaitable<void> Server::watchdog(std::shared_ptr<Connection> c) {
  while (c->socket.is_open()) {
    c->timer.expires_at(c->deadline);
    co_await c->timer.async_wait(kUseTuple);
    if (c->socket.is_open() && Clock::now() >= c->deadline) c->close();
  }
}

asio::awaitable<void> Server::serve(std::shared_ptr<Connection> c) {
  metrics_.tcp_connections.inc();
  boost::system::error_code ep_ec;
  auto remote = c->socket.remote_endpoint(ep_ec).address();
  // Watchdog: closes the socket once the current deadline passes, which fails the pending
  // read or write; each step below moves the deadline first.
  c->deadline = Clock::now() + options_.tcp_idle_timeout;
  asio::co_spawn(ioc_, watchdog(c), asio::detached);

  std::vector<uint8_t> message;
  while (!stopped_ && !ep_ec) {
    std::array<uint8_t, 2> prefix{};
    c->deadline = Clock::now() + options_.tcp_idle_timeout;
    auto [ec, n] = co_await asio::async_read(c->socket, asio::buffer(prefix), kUseTuple);
    if (ec) break;
    size_t size = (static_cast<size_t>(prefix[0]) << 8) | prefix[1];
    if (size == 0) break;
    message.resize(size);
    c->deadline = Clock::now() + options_.tcp_io_timeout;
    auto [body_ec, m] = co_await asio::async_read(c->socket, asio::buffer(message), kUseTuple);
    (void)n;
    (void)m;
    if (body_ec) break;
    Reply reply = handler_.handle(message, remote, true, unixNow());
    if (reply.message) {
      if (!co_await writeFramed(*c, *reply.message)) break;
      continue;
    }
    if (!reply.transfer) continue;  // dropped (a response sent to us): nothing to write
    TransferJob& job = *reply.transfer;
    bool ok = true;
    while (ok && !job.done()) {
      auto next = job.next(unixNow());
      if (!next) {
        log::error("transfer message cannot be built",
                   {{"type", job.type()}, {"error", toString(next.error())}});
        ok = false;
        break;
      }
      ok = co_await writeFramed(*c, *next);
    }
    metrics_.countTransfer(job.type(), ok ? job.result() : "failed");
    if (!ok) {
      log::warn("transfer aborted", {{"type", job.type()}, {"client", remote.to_string()}});
      break;
    }
  }
  c->close();
  metrics_.tcp_connections.dec();
}

}  // namespace cirrus::dns
