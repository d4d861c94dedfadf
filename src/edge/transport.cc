#include "edge/transport.h"

#include <algorithm>
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
