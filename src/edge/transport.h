// A byte stream of the edge (client side or origin side, plain TCP or TLS) with a deadline
// that the worker's sweeper enforces: no timer is armed per read or write, the sweeper closes
// transports whose deadline passed (100 ms granularity), and the pending operation then fails
// and timedOut() says why. Hot paths never throw: every operation returns an error_code.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/system/error_code.hpp>

namespace cirrus::edge {

class DeadlineSweeper;

/// Bytes that are also held, at `offset`, by the descriptor `fd` (-1: memory only). Lets a
/// plain socket send them with sendfile(2) while TLS encrypts `bytes`.
struct FileBytes {
  std::string_view bytes;
  int fd = -1;
  int64_t offset = 0;
};

class Transport {
 public:
  using Clock = std::chrono::steady_clock;
  using error_code = boost::system::error_code;

  virtual ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  virtual boost::asio::awaitable<std::pair<error_code, size_t>> readSome(
      boost::asio::mutable_buffer buffer) = 0;
  /// Writes every byte of every buffer.
  virtual boost::asio::awaitable<error_code> writeAll(
      std::span<const boost::asio::const_buffer> buffers) = 0;
  /// Writes every byte of `head`, then `body`. By default one gathered write; a plain socket
  /// sends a file-backed body with sendfile(2) so its pages are never copied.
  virtual boost::asio::awaitable<error_code> writeAllThenBody(
      std::span<const boost::asio::const_buffer> head, FileBytes body);
  /// Closes the socket; pending operations complete with an error. Idempotent.
  virtual void close() = 0;
  /// Sends a pending delayed ACK now and acknowledges the next segments at once (TCP_QUICKACK).
  /// Called on an origin connection when a response head arrived without all of its body: an
  /// origin that writes head and body separately without TCP_NODELAY holds the body (Nagle)
  /// until the head is ACKed, and the delayed-ACK heuristic holds that ACK for ~40 ms. Not
  /// called otherwise: an immediate ACK per exchange costs ~10 % CPU on small proxied responses.
  void quickAck();
  virtual boost::asio::ip::tcp::socket& lowestLayer() = 0;
  virtual bool isTls() const = 0;

  void setDeadline(Clock::duration d) { deadline_ = Clock::now() + d; }
  void setDeadlineAt(Clock::time_point at) { deadline_ = at; }
  void clearDeadline() { deadline_ = Clock::time_point::max(); }
  Clock::time_point deadline() const { return deadline_; }
  /// True once the sweeper closed this transport because its deadline passed.
  bool timedOut() const { return timed_out_; }

  /// Called by the sweeper.
  void expire() {
    timed_out_ = true;
    close();
  }

 protected:
  explicit Transport(DeadlineSweeper& sweeper);

 private:
  DeadlineSweeper& sweeper_;
  Clock::time_point deadline_ = Clock::time_point::max();
  bool timed_out_ = false;
};

using TransportPtr = std::unique_ptr<Transport>;

/// Every live transport of one worker; sweep() expires the overdue ones. Single-threaded.
class DeadlineSweeper {
 public:
  void add(Transport* t);
  void remove(Transport* t);
  /// Expires every transport whose deadline is before now; returns how many.
  size_t sweep(Transport::Clock::time_point now);
  size_t size() const { return live_.size(); }

 private:
  std::vector<Transport*> live_;
};

class PlainTransport final : public Transport {
 public:
  PlainTransport(DeadlineSweeper& sweeper, boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<std::pair<error_code, size_t>> readSome(
      boost::asio::mutable_buffer buffer) override;
  boost::asio::awaitable<error_code> writeAll(
      std::span<const boost::asio::const_buffer> buffers) override;
  boost::asio::awaitable<error_code> writeAllThenBody(
      std::span<const boost::asio::const_buffer> head, FileBytes body) override;
  void close() override;
  boost::asio::ip::tcp::socket& lowestLayer() override { return socket_; }
  bool isTls() const override { return false; }

 private:
  /// A non-blocking write step failed with `err`: empty to retry (EINTR, or writable again
  /// after EAGAIN), else the error to report.
  boost::asio::awaitable<error_code> afterFailedWrite(int err);

  boost::asio::ip::tcp::socket socket_;
};

class TlsTransport final : public Transport {
 public:
  using Stream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;
  TlsTransport(DeadlineSweeper& sweeper, Stream stream);
  boost::asio::awaitable<std::pair<error_code, size_t>> readSome(
      boost::asio::mutable_buffer buffer) override;
  boost::asio::awaitable<error_code> writeAll(
      std::span<const boost::asio::const_buffer> buffers) override;
  void close() override;
  boost::asio::ip::tcp::socket& lowestLayer() override { return stream_.next_layer(); }
  bool isTls() const override { return true; }
  Stream& stream() { return stream_; }

 private:
  Stream stream_;
};

}  // namespace cirrus::edge
