#include "edge/transport.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace cirrus::edge {

namespace asio = boost::asio;
namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
}

Transport::Transport(DeadlineSweeper& sweeper) : sweeper_(sweeper) {
  sweeper_.add(this);
}

Transport::~Transport() {
  sweeper_.remove(this);
}

asio::awaitable<Transport::error_code> Transport::writeAllThenBody(
    std::span<const asio::const_buffer> head, FileBytes body) {
  std::array<asio::const_buffer, 8> all;
  size_t n = 0;
  for (const auto& b : head) {
    if (n + 1 == all.size()) break;  // callers pass two or three; never truncated in practice
    all[n++] = b;
  }
  all[n++] = asio::buffer(body.bytes.data(), body.bytes.size());
  co_return co_await writeAll(std::span<const asio::const_buffer>(all.data(), n));
}

void Transport::quickAck() {
  int one = 1;
  // Best effort: a closed socket or another protocol just keeps the default.
  (void)::setsockopt(lowestLayer().native_handle(), IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

void DeadlineSweeper::add(Transport* t) {
  live_.push_back(t);
}

void DeadlineSweeper::remove(Transport* t) {
  auto it = std::find(live_.rbegin(), live_.rend(), t);
  if (it != live_.rend()) {
    *it = live_.back();
    live_.pop_back();
  }
}

size_t DeadlineSweeper::sweep(Transport::Clock::time_point now) {
  size_t n = 0;
  // expire() only closes sockets; completions run later, so live_ is stable here.
  for (Transport* t : live_) {
    if (t->deadline() < now && !t->timedOut()) {
      t->expire();
      ++n;
    }
  }
  return n;
}

PlainTransport::PlainTransport(DeadlineSweeper& sweeper, asio::ip::tcp::socket socket)
    : Transport(sweeper), socket_(std::move(socket)) {}

asio::awaitable<std::pair<Transport::error_code, size_t>> PlainTransport::readSome(
    asio::mutable_buffer buffer) {
  auto [ec, n] = co_await socket_.async_read_some(buffer, kTuple);
  co_return std::pair{ec, n};
}

asio::awaitable<Transport::error_code> PlainTransport::writeAll(
    std::span<const asio::const_buffer> buffers) {
  auto [ec, n] = co_await asio::async_write(socket_, buffers, kTuple);
  (void)n;
  co_return ec;
}

// The head goes out with MSG_MORE so it shares the first segment with the body's pages; the
// last sendfile(2) call carries no "more" and pushes. The socket is non-blocking: EAGAIN waits
// for writability through the reactor, so the sweeper's close still ends a stalled write.
asio::awaitable<Transport::error_code> PlainTransport::writeAllThenBody(
    std::span<const asio::const_buffer> head, FileBytes body) {
  if (body.fd < 0 || body.bytes.empty() || head.size() > 8) {
    co_return co_await Transport::writeAllThenBody(head, body);
  }
  error_code ec;
  socket_.native_non_blocking(true, ec);
  if (ec) co_return ec;
  std::array<iovec, 8> iov{};
  size_t count = 0;
  for (const auto& b : head) {
    if (b.size() == 0) continue;
    iov[count++] = iovec{const_cast<void*>(b.data()), b.size()};
  }
  size_t first = 0;
  while (first < count) {
    msghdr m{};
    m.msg_iov = iov.data() + first;
    m.msg_iovlen = count - first;
    ssize_t sent = ::sendmsg(socket_.native_handle(), &m, MSG_MORE | MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) {
      if (auto ec = co_await afterFailedWrite(errno)) co_return ec;
      continue;
    }
    auto left = static_cast<size_t>(sent);
    while (first < count && left >= iov[first].iov_len) left -= iov[first++].iov_len;
    if (first < count) {
      iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + left;
      iov[first].iov_len -= left;
    }
  }
  off_t offset = body.offset;
  size_t remaining = body.bytes.size();
  while (remaining > 0) {
    ssize_t sent = ::sendfile(socket_.native_handle(), body.fd, &offset, remaining);
    if (sent < 0) {
      if (auto ec = co_await afterFailedWrite(errno)) co_return ec;
      continue;
    }
    if (sent == 0)
      co_return error_code(EPIPE, boost::system::system_category());  // file shorter than said
    remaining -= static_cast<size_t>(sent);
  }
  co_return error_code{};
}

asio::awaitable<Transport::error_code> PlainTransport::afterFailedWrite(int err) {
  if (err == EINTR) co_return error_code{};
  if (err != EAGAIN && err != EWOULDBLOCK) {
    co_return error_code(err, boost::system::system_category());
  }
  auto [ec] = co_await socket_.async_wait(asio::socket_base::wait_write, kTuple);
  co_return ec;
}

void PlainTransport::close() {
  error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

TlsTransport::TlsTransport(DeadlineSweeper& sweeper, Stream stream)
    : Transport(sweeper), stream_(std::move(stream)) {}

asio::awaitable<std::pair<Transport::error_code, size_t>> TlsTransport::readSome(
    asio::mutable_buffer buffer) {
  auto [ec, n] = co_await stream_.async_read_some(buffer, kTuple);
  co_return std::pair{ec, n};
}

asio::awaitable<Transport::error_code> TlsTransport::writeAll(
    std::span<const asio::const_buffer> buffers) {
  // ssl::stream writes one buffer per record at best; copying small heads into one record
  // is cheaper than several records, so coalesce when the total is small.
  size_t total = 0;
  for (const auto& b : buffers) total += b.size();
  if (buffers.size() > 1 && total <= 16 * 1024) {
    std::string own;
    own.reserve(total);
    for (const auto& b : buffers) own.append(static_cast<const char*>(b.data()), b.size());
    auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(own), kTuple);
    (void)n;
    co_return ec;
  }
  auto [ec, n] = co_await asio::async_write(stream_, buffers, kTuple);
  (void)n;
  co_return ec;
}

void TlsTransport::close() {
  error_code ignored;
  stream_.next_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.next_layer().close(ignored);
}

}  // namespace cirrus::edge
