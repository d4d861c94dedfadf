// redis::Client: commands, pipelines, MULTI/EXEC and Lua scripts over one pipelined
// connection, bound to one executor. Redis outages are expected: every call returns a Result,
// fails fast while Redis is down, and works again once it is back, with no action by the
// caller (reconnects are lazy, with exponential backoff).
#pragma once

#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "core/config.h"
#include "core/redis_protocol.h"
#include "core/redis_reply.h"
#include "core/redis_script.h"
#include "core/result.h"

namespace cirrus::redis {

/// Threading: a Client belongs to the executor it was built with (one per io_context thread);
/// every call must be made from a coroutine running on that executor. Any number of coroutines
/// may call concurrently: their commands share one connection, pipelined, and replies are
/// matched in order.
///
/// Errors, for every call:
///   - storeUnavailable: cannot connect ("connect 127.0.0.1:6379: Connection refused"), the
///     connection was lost, AUTH/SELECT failed, or the client is closed. While the last connect
///     attempt failed and its backoff (50 ms doubling to 2 s) has not expired, calls fail at
///     once with that connect error instead of waiting.
///   - storeTimeout: no reply within options.command_timeout. The connection is then closed
///     (later replies would be misaligned) and the other pending calls fail with
///     storeUnavailable; the next call reconnects.
///   - redisReplyError: Redis answered -ERR…; context() is the server's message verbatim.
///   - storeProtocol: the bytes from Redis are not RESP.
///
/// Connection state: AUTH (username + password, or password alone) and SELECT db are sent on
/// every (re)connect. Commands that would change the shared connection's state for the other
/// coroutines (MULTI, EXEC, DISCARD, SELECT, SUBSCRIBE…, MONITOR, QUIT, RESET, HELLO) are
/// refused with internalError(); use transaction(), another Client, or a Subscriber.
/// A blocking command (BLMOVE, XREAD BLOCK) holds up every command behind it: give it its own
/// Client whose command_timeout exceeds the block time.
///
/// Lifetime: destroy the Client before its io_context. Destroying it (or close()) while calls
/// are in flight makes them fail with storeUnavailable.
class Client {
 public:
  Client(boost::asio::any_io_executor executor, config::RedisOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// One command, e.g. {"SET", key, value}. An error reply becomes redisReplyError; nil is a
  /// normal Reply (isNil()).
  boost::asio::awaitable<Result<Reply>> command(Command argv);

  /// command("SET", key, value): the same, with each argument converted to std::string.
  /// Prefer it inside coroutines: GCC 12 rejects a braced list anywhere in a co_await
  /// expression ("array used as initializer"), so `co_await command({"GET", k})` does not
  /// compile there; build a Command variable first for the vector forms.
  template <class... Args>
  requires(sizeof...(Args) > 0 &&
           (std::is_constructible_v<std::string, Args&&> &&
            ...)) boost::asio::awaitable<Result<Reply>> command(Args&&... args) {
    Command argv;
    argv.reserve(sizeof...(Args));
    (argv.emplace_back(std::forward<Args>(args)), ...);
    return command(std::move(argv));
  }

  /// Several commands in one write; the replies in the same order. An error reply to one
  /// command stays a Reply (isError()) in its slot; only transport failures fail the call.
  boost::asio::awaitable<Result<std::vector<Reply>>> pipeline(std::vector<Command> commands);

  /// MULTI, commands, EXEC in one write, executed atomically; returns EXEC's replies (a command
  /// failing at run time, e.g. WRONGTYPE, is an error Reply in its slot). Errors:
  ///   - conflict(): EXEC returned nil because a WATCHed key changed, or the connection was
  ///     replaced since the WATCH (so the keys were no longer watched) — retry the read.
  ///   - redisReplyError: a command was rejected while queueing (EXECABORT), naming it.
  /// WATCH: send {"WATCH", key…} with command(), read, then call transaction(). WATCH state
  /// belongs to the connection, so no other coroutine may run a transaction() on this Client
  /// between that WATCH and this EXEC (EXEC unwatches every key); give optimistic
  /// read-modify-write loops their own Client, or prefer a Lua script.
  boost::asio::awaitable<Result<std::vector<Reply>>> transaction(std::vector<Command> commands);

  /// EVALSHA script.sha1(); on NOSCRIPT (after a restart or SCRIPT FLUSH) EVAL with the source,
  /// which also loads it. `script` must stay alive until the call completes (scripts are
  /// normally static). An error raised by the script is redisReplyError.
  boost::asio::awaitable<Result<Reply>> eval(const Script& script, std::vector<std::string> keys,
                                             std::vector<std::string> args);

  /// Closes the connection; pending and later calls fail with storeUnavailable. Idempotent.
  void close();

  /// True while a connection is established and its handshake accepted.
  bool connected() const;
  const config::RedisOptions& options() const;
  const boost::asio::any_io_executor& executor() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace cirrus::redis
