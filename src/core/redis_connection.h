// redis::Connection: one TCP connection to Redis, shared machinery of Client and Subscriber.
// Requests are pipelined: their bytes go to one write buffer and their replies are matched
// first-in first-out. Connect, AUTH and SELECT run in the background; nothing else is written
// before the handshake succeeded, so no command can land in the wrong database. Any failure
// closes the connection for good and fails every pending request with the same Error; the
// owner makes a new Connection (with its own backoff policy).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/config.h"
#include "core/redis_protocol.h"
#include "core/redis_reply.h"
#include "core/result.h"

namespace cirrus::redis {

/// One caller's batch of commands waiting for its replies. The caller sleeps in wait() on a
/// timer whose expiry is the deadline; completion and failure cancel that timer to wake it.
/// Used on one executor only.
class PendingRequest {
 public:
  enum class WaitOutcome { kCompleted, kDeadline, kCancelled };

  PendingRequest(const boost::asio::any_io_executor& executor, size_t expected_replies,
                 std::chrono::steady_clock::time_point deadline);

  size_t expected() const { return expected_; }
  size_t received() const { return received_; }
  bool done() const { return done_; }
  /// Set when the request failed (connection closed, timeout); replies are then incomplete.
  const std::optional<Error>& error() const { return error_; }
  std::vector<Reply>& replies() { return replies_; }

  /// Counts one reply from the wire; the request completes after expected() replies.
  void deliver(Reply reply);
  /// Completes the request with `e` unless it is already done.
  void fail(Error e);
  /// The waiter went away: later replies are still counted (to keep the stream aligned) but
  /// dropped.
  void abandon();

  /// Returns when the request is done, its deadline passes, or the awaiting coroutine is
  /// cancelled (per-operation cancellation). Never throws.
  boost::asio::awaitable<WaitOutcome> wait();

 private:
  size_t expected_;
  size_t received_ = 0;
  bool done_ = false;
  std::optional<Error> error_;
  std::vector<Reply> replies_;
  boost::asio::steady_timer wake_;
};

/// Lives until it is closed (its coroutines hold it): an owner that drops a Connection must
/// close() it first. Used on one executor only; destroy it before its io_context.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  struct Callbacks {
    /// The handshake was accepted; queued requests are being written.
    std::function<void()> on_ready;
    /// Called exactly once, when the connection fails or close() is called. `was_ready` tells
    /// a lost connection from a failed connect or handshake.
    std::function<void(const Error& reason, bool was_ready)> on_closed;
    /// Replies that no request waits for (pub/sub messages). Without this callback such a
    /// reply is a protocol error that closes the connection.
    std::function<void(Reply)> on_push;
  };

  /// Starts connecting to options.host:port in the background. Connect plus handshake are
  /// bounded by options.command_timeout. Callbacks run on `executor`.
  static std::shared_ptr<Connection> start(const boost::asio::any_io_executor& executor,
                                           const config::RedisOptions& options,
                                           Callbacks callbacks);

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Queues `bytes` (formatted commands producing request->expected() replies). On a closed
  /// connection the request fails at once with the close reason.
  void send(const std::shared_ptr<PendingRequest>& request, std::string_view bytes);
  /// Queues bytes whose replies go to Callbacks::on_push (SUBSCRIBE, PING in pub/sub mode).
  void sendUnanswered(std::string_view bytes);

  /// Closes the socket and fails every pending request with `reason`. Idempotent.
  void close(const Error& reason);

  bool closed() const { return closed_; }
  bool ready() const { return ready_ && !closed_; }
  /// "host:port", for error messages.
  const std::string& address() const { return address_; }

 private:
  Connection(const boost::asio::any_io_executor& executor, const config::RedisOptions& options,
             Callbacks callbacks);

  boost::asio::awaitable<void> run();
  boost::asio::awaitable<boost::system::error_code> connectSocket();
  boost::asio::awaitable<void> readLoop();
  boost::asio::awaitable<void> writeLoop();
  void startWriter();
  void dispatch(Reply reply);
  void finishHandshake(std::vector<Reply>& replies);
  void markReady();

  boost::asio::any_io_executor executor_;
  config::RedisOptions options_;
  std::string address_;
  Callbacks callbacks_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer connect_timer_;
  ReplyReader reader_;
  std::deque<std::shared_ptr<PendingRequest>> fifo_;
  std::shared_ptr<PendingRequest> handshake_;
  std::vector<std::string> handshake_names_;  // "AUTH", "SELECT 3": for error messages
  std::string handshake_bytes_;
  std::string out_;
  std::string writing_;
  bool write_active_ = false;
  bool ready_ = false;
  bool closed_ = false;
  std::optional<Error> close_reason_;
};

/// Completion handler for co_spawn of the redis coroutines: they never throw by design, so
/// an exception here is a bug; it is logged and never reaches the io_context.
void logCoroutineFailure(std::exception_ptr e, std::string_view task);

/// Exponential backoff with jitter between reconnect attempts: 50 ms doubling to 2 s.
class Backoff {
 public:
  static constexpr std::chrono::milliseconds kInitial{50};
  static constexpr std::chrono::milliseconds kMax{2000};

  /// The delay before the next attempt (uniform in [d/2, d]), doubling d for the next call.
  std::chrono::milliseconds next();
  void reset() { current_ = kInitial; }

 private:
  std::chrono::milliseconds current_ = kInitial;
};

}  // namespace cirrus::redis
