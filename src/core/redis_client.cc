#include "core/redis_client.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <iterator>
#include <optional>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "core/log.h"
#include "core/redis_connection.h"

namespace cirrus::redis {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Commands that change the state of the shared connection for every other coroutine.
constexpr std::array<std::string_view, 13> kConnectionStateCommands = {
    "MULTI",       "EXEC",         "DISCARD", "SELECT", "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE",
    "UNSUBSCRIBE", "PUNSUBSCRIBE", "MONITOR", "QUIT",   "RESET",     "HELLO"};

// Not braced lists inside the coroutines: GCC 12 mishandles initializer lists there.
const Command kMulti{"MULTI"};
const Command kExec{"EXEC"};

Result<void> checkCommand(const Command& argv) {
  if (argv.empty()) return internalError("empty redis command");
  for (auto name : kConnectionStateCommands) {
    if (iequals(argv[0], name)) {
      return internalError(fmt::format(
          "redis command {} would change the shared connection; use transaction(), another "
          "Client or a Subscriber",
          name));
    }
  }
  return ok();
}

}  // namespace

class Client::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::any_io_executor executor, config::RedisOptions options)
      : executor_(std::move(executor)), options_(std::move(options)) {}

  // Every public call funnels through here. `self` keeps the Impl alive across suspension even
  // if the Client is destroyed meanwhile.
  static asio::awaitable<Result<std::vector<Reply>>> execute(std::shared_ptr<Impl> self,
                                                             std::string bytes, size_t expected,
                                                             bool starts_watch,
                                                             bool is_transaction) {
    auto conn = self->connection();
    if (!conn) co_return conn.error();
    if (is_transaction) {
      auto watched = std::exchange(self->watch_generation_, 0);
      if (watched != 0 && watched != self->generation_) {
        co_return conflict("the Redis connection was replaced after WATCH; transaction not run");
      }
    }
    if (starts_watch) self->watch_generation_ = self->generation_;

    auto timeout = self->options_.command_timeout;
    auto request =
        std::make_shared<PendingRequest>(self->executor_, expected, Clock::now() + timeout);
    (*conn)->send(request, bytes);
    switch (co_await request->wait()) {
      case PendingRequest::WaitOutcome::kCompleted:
        break;
      case PendingRequest::WaitOutcome::kCancelled:
        request->abandon();
        co_return storeUnavailable("redis command cancelled");
      case PendingRequest::WaitOutcome::kDeadline: {
        auto error = storeTimeout(
            fmt::format("no reply from {} within {} ms", (*conn)->address(), timeout.count()));
        request->fail(error);
        // The reply may still come; every later reply on this connection would then be
        // matched to the wrong request.
        (*conn)->close(storeUnavailable(
            fmt::format("connection to {} reset after a command timed out", (*conn)->address())));
        co_return error;
      }
    }
    if (request->error()) co_return *request->error();
    co_return std::move(request->replies());
  }

  static asio::awaitable<Result<Reply>> single(std::shared_ptr<Impl> self, Command argv) {
    if (auto checked = checkCommand(argv); !checked) co_return checked.error();
    bool watch = iequals(argv[0], "WATCH");
    if (iequals(argv[0], "UNWATCH")) self->watch_generation_ = 0;
    std::string bytes;
    appendCommand(bytes, argv);
    auto replies = co_await execute(self, std::move(bytes), 1, watch, false);
    if (!replies) co_return replies.error();
    Reply reply = std::move(replies->front());
    if (reply.isError()) co_return redisReplyError(reply.str());
    co_return reply;
  }

  static asio::awaitable<Result<std::vector<Reply>>> pipeline(std::shared_ptr<Impl> self,
                                                              std::vector<Command> commands) {
    if (commands.empty()) co_return std::vector<Reply>();
    bool watch = false;
    std::string bytes;
    for (const auto& argv : commands) {
      if (auto checked = checkCommand(argv); !checked) co_return checked.error();
      watch = watch || iequals(argv[0], "WATCH");
      appendCommand(bytes, argv);
    }
    co_return co_await execute(self, std::move(bytes), commands.size(), watch, false);
  }

  static asio::awaitable<Result<std::vector<Reply>>> transaction(std::shared_ptr<Impl> self,
                                                                 std::vector<Command> commands) {
    std::string bytes;
    appendCommand(bytes, kMulti);
    for (const auto& argv : commands) {
      if (auto checked = checkCommand(argv); !checked) co_return checked.error();
      appendCommand(bytes, argv);
    }
    appendCommand(bytes, kExec);
    auto replies = co_await execute(self, std::move(bytes), commands.size() + 2, false, true);
    if (!replies) co_return replies.error();

    if ((*replies)[0].isError()) co_return redisReplyError((*replies)[0].str());
    for (size_t i = 0; i < commands.size(); ++i) {
      const Reply& queued = (*replies)[i + 1];
      if (queued.isError()) {
        co_return redisReplyError(queued.str())
            .because(fmt::format("transaction command {} ({}) rejected", i + 1, commands[i][0]));
      }
    }
    Reply& exec = replies->back();
    if (exec.isNil()) co_return conflict("transaction aborted: a watched key changed");
    if (exec.isError()) co_return redisReplyError(exec.str());
    if (!exec.isArray()) {
      co_return storeProtocol(fmt::format("EXEC answered {}", exec.debugString()));
    }
    co_return std::move(exec.elements());
  }

  static asio::awaitable<Result<Reply>> eval(std::shared_ptr<Impl> self, const Script& script,
                                             std::vector<std::string> keys,
                                             std::vector<std::string> args) {
    Command argv;
    argv.reserve(3 + keys.size() + args.size());
    argv.push_back("EVALSHA");
    argv.push_back(script.sha1());
    argv.push_back(std::to_string(keys.size()));
    std::move(keys.begin(), keys.end(), std::back_inserter(argv));
    std::move(args.begin(), args.end(), std::back_inserter(argv));
    Command retry = argv;
    auto reply = co_await single(self, std::move(argv));
    if (reply || reply.error().code() != ErrorCode::kRedisReply ||
        !reply.error().context().starts_with("NOSCRIPT")) {
      co_return reply;
    }
    retry[0] = "EVAL";
    retry[1] = script.source();
    co_return co_await single(self, std::move(retry));
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    if (auto conn = std::move(conn_)) conn->close(storeUnavailable("redis client closed"));
  }

  bool connected() const { return conn_ && conn_->ready(); }
  const config::RedisOptions& options() const { return options_; }
  const asio::any_io_executor& executor() const { return executor_; }

 private:
  // The live connection, a new one, or the error of the last connect attempt while its
  // backoff runs (so callers fail fast instead of queueing behind a dead Redis).
  Result<std::shared_ptr<Connection>> connection() {
    if (closed_) return storeUnavailable("redis client closed");
    if (conn_ && !conn_->closed()) return conn_;
    if (last_error_ && Clock::now() < next_attempt_) return *last_error_;
    std::weak_ptr<Impl> weak = weak_from_this();
    Connection::Callbacks callbacks;
    callbacks.on_ready = [weak] {
      if (auto self = weak.lock()) self->onReady();
    };
    callbacks.on_closed = [weak](const Error& reason, bool was_ready) {
      if (auto self = weak.lock()) self->onClosed(reason, was_ready);
    };
    conn_ = Connection::start(executor_, options_, std::move(callbacks));
    ++generation_;
    return conn_;
  }

  void onReady() {
    if (last_error_) {
      log::info("redis connection restored", {{"address", conn_->address()}});
    }
    last_error_.reset();
    backoff_.reset();
  }

  void onClosed(const Error& reason, bool was_ready) {
    conn_.reset();
    if (closed_) return;
    if (was_ready) {
      // A lost connection is retried at once by the next call; only failed connects back off.
      log::warn("redis connection lost", {{"error", reason.message()}});
      return;
    }
    if (!last_error_) log::warn("redis connect failed", {{"error", reason.message()}});
    last_error_ = reason;
    next_attempt_ = Clock::now() + backoff_.next();
  }

  asio::any_io_executor executor_;
  config::RedisOptions options_;
  std::shared_ptr<Connection> conn_;
  uint64_t generation_ = 0;        // counts connections made, to detect a lost WATCH
  uint64_t watch_generation_ = 0;  // connection that holds our WATCH; 0 = none
  bool closed_ = false;
  std::optional<Error> last_error_;
  Clock::time_point next_attempt_{};
  Backoff backoff_;
};

Client::Client(asio::any_io_executor executor, config::RedisOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options))) {}

Client::~Client() {
  impl_->close();
}

asio::awaitable<Result<Reply>> Client::command(Command argv) {
  return Impl::single(impl_, std::move(argv));
}

asio::awaitable<Result<std::vector<Reply>>> Client::pipeline(std::vector<Command> commands) {
  return Impl::pipeline(impl_, std::move(commands));
}

asio::awaitable<Result<std::vector<Reply>>> Client::transaction(std::vector<Command> commands) {
  return Impl::transaction(impl_, std::move(commands));
}

asio::awaitable<Result<Reply>> Client::eval(const Script& script, std::vector<std::string> keys,
                                            std::vector<std::string> args) {
  return Impl::eval(impl_, script, std::move(keys), std::move(args));
}

void Client::close() {
  impl_->close();
}
bool Client::connected() const {
  return impl_->connected();
}
const config::RedisOptions& Client::options() const {
  return impl_->options();
}
const asio::any_io_executor& Client::executor() const {
  return impl_->executor();
}

}  // namespace cirrus::redis
