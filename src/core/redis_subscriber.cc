#include "core/redis_subscriber.h"

#include <set>

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.h"
#include "core/redis_connection.h"

namespace cirrus::redis {
namespace asio = boost::asio;

namespace {

// Not a braced list inside run(): GCC 12 mishandles initializer lists in coroutines.
const Command kPing{"PING"};

}  // namespace

class Subscriber::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::any_io_executor executor, config::RedisOptions options,
       std::chrono::milliseconds ping_interval)
      : executor_(std::move(executor)),
        options_(std::move(options)),
        ping_interval_(ping_interval),
        wake_(executor_) {}

  void start() {
    if (started_ || stopped_) return;
    started_ = true;
    asio::co_spawn(executor_, run(shared_from_this()),
                   [](std::exception_ptr e) { logCoroutineFailure(e, "redis subscriber"); });
  }

  void stop() {
    if (stopped_) return;
    stopped_ = true;
    confirmed_ = false;
    if (auto conn = std::move(conn_)) conn->close(storeUnavailable("redis subscriber stopped"));
    wake_.cancel();
  }

  void add(std::set<std::string>& names, std::string name, const char* command) {
    if (stopped_ || !names.insert(name).second) return;
    send({command, std::move(name)});
  }

  void remove(std::set<std::string>& names, const std::string& name, const char* command) {
    if (stopped_ || names.erase(name) == 0) return;
    send({command, name});
  }

  bool connected() const { return confirmed_ && conn_ && conn_->ready(); }

  MessageHandler on_message_;
  ConnectedHandler on_connected_;
  std::set<std::string> channels_;
  std::set<std::string> patterns_;

 private:
  // Connect, supervise with PINGs until the connection dies, back off, repeat.
  static asio::awaitable<void> run(std::shared_ptr<Impl> self) {
    while (!self->stopped_) {
      self->open();
      while (!self->stopped_ && self->conn_ && !self->conn_->closed()) {
        self->wake_.expires_after(self->ping_interval_);
        co_await self->wake_.async_wait(asio::as_tuple(asio::use_awaitable));
        if (self->stopped_ || !self->conn_ || self->conn_->closed()) break;
        if (!self->confirmed_ || self->ping_outstanding_) {
          self->conn_->close(
              storeTimeout(fmt::format("no answer from {} within {} ms", self->conn_->address(),
                                       self->ping_interval_.count())));
          break;
        }
        self->ping_outstanding_ = true;
        self->send(kPing);
      }
      if (self->stopped_) break;
      self->wake_.expires_after(self->backoff_.next());
      co_await self->wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }

  void open() {
    confirmed_ = false;
    ping_outstanding_ = false;
    std::weak_ptr<Impl> weak = weak_from_this();
    Connection::Callbacks callbacks;
    callbacks.on_ready = [weak] {
      if (auto self = weak.lock(); self && self->pending_confirms_ == 0) self->announce();
    };
    callbacks.on_closed = [weak](const Error& reason, bool was_ready) {
      if (auto self = weak.lock()) self->onClosed(reason, was_ready);
    };
    callbacks.on_push = [weak](Reply reply) {
      if (auto self = weak.lock()) self->onPush(std::move(reply));
    };
    conn_ = Connection::start(executor_, options_, std::move(callbacks));
    // Every subscription in one write; each name is confirmed by its own reply.
    pending_confirms_ = channels_.size() + patterns_.size();
    std::string bytes;
    if (!channels_.empty()) {
      Command argv{"SUBSCRIBE"};
      argv.insert(argv.end(), channels_.begin(), channels_.end());
      appendCommand(bytes, argv);
    }
    if (!patterns_.empty()) {
      Command argv{"PSUBSCRIBE"};
      argv.insert(argv.end(), patterns_.begin(), patterns_.end());
      appendCommand(bytes, argv);
    }
    if (!bytes.empty()) conn_->sendUnanswered(bytes);
  }

  void send(const Command& argv) {
    if (!conn_ || conn_->closed()) return;  // the next connection subscribes to everything
    std::string bytes;
    appendCommand(bytes, argv);
    conn_->sendUnanswered(bytes);
  }

  void announce() {
    confirmed_ = true;
    backoff_.reset();
    log::info("redis subscriber connected", {{"address", conn_->address()},
                                             {"channels", channels_.size()},
                                             {"patterns", patterns_.size()}});
    if (!on_connected_ || stopped_) return;
    try {
      on_connected_();
    } catch (const std::exception& e) {
      log::error("redis subscriber onConnected handler threw", {{"error", e.what()}});
    } catch (...) {
      log::error("redis subscriber onConnected handler threw", {{"error", "unknown"}});
    }
  }

  void onClosed(const Error& reason, bool was_ready) {
    bool was_confirmed = confirmed_;
    confirmed_ = false;
    pending_confirms_ = 0;
    conn_.reset();
    if (stopped_) return;
    if (was_confirmed || !logged_failure_) {
      log::warn(was_ready ? "redis subscriber disconnected" : "redis subscriber connect failed",
                {{"error", reason.message()}});
    }
    logged_failure_ = !was_confirmed;
    wake_.cancel();
  }

  void onPush(Reply reply) {
    if (stopped_) return;
    if (reply.isStatus("PONG")) {  // PING outside subscribed mode (no subscriptions left)
      ping_outstanding_ = false;
      return;
    }
    if (reply.isError()) {
      log::warn("redis subscriber got an error reply", {{"error", reply.str()}});
      return;
    }
    if (!reply.isArray() || reply.elements().empty()) return;
    const auto& e = reply.elements();
    const std::string& kind = e[0].str();
    if (kind == "message" && e.size() == 3) {
      deliver({e[1].str(), e[2].str(), {}});
    } else if (kind == "pmessage" && e.size() == 4) {
      deliver({e[2].str(), e[3].str(), e[1].str()});
    } else if (kind == "subscribe" || kind == "psubscribe") {
      // Confirmations arrive in the order sent: the first pending_confirms_ are the ones
      // open() asked for.
      if (pending_confirms_ > 0 && --pending_confirms_ == 0) announce();
    } else if (kind == "pong") {
      ping_outstanding_ = false;
    }
  }

  void deliver(const Message& message) {
    if (!on_message_) return;
    try {
      on_message_(message);
    } catch (const std::exception& ex) {
      log::error("redis subscriber message handler threw",
                 {{"channel", message.channel}, {"error", ex.what()}});
    } catch (...) {
      log::error("redis subscriber message handler threw", {{"channel", message.channel}});
    }
  }

  asio::any_io_executor executor_;
  config::RedisOptions options_;
  std::chrono::milliseconds ping_interval_;
  asio::steady_timer wake_;  // ping interval and backoff; cancelled on close and stop
  std::shared_ptr<Connection> conn_;
  Backoff backoff_;
  size_t pending_confirms_ = 0;
  bool started_ = false;
  bool stopped_ = false;
  bool confirmed_ = false;
  bool ping_outstanding_ = false;
  bool logged_failure_ = false;
};

Subscriber::Subscriber(asio::any_io_executor executor, config::RedisOptions options,
                       std::chrono::milliseconds ping_interval)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options), ping_interval)) {}

Subscriber::~Subscriber() {
  impl_->stop();
}

void Subscriber::onMessage(MessageHandler handler) {
  impl_->on_message_ = std::move(handler);
}
void Subscriber::onConnected(ConnectedHandler handler) {
  impl_->on_connected_ = std::move(handler);
}

void Subscriber::subscribe(std::string channel) {
  impl_->add(impl_->channels_, std::move(channel), "SUBSCRIBE");
}
void Subscriber::psubscribe(std::string pattern) {
  impl_->add(impl_->patterns_, std::move(pattern), "PSUBSCRIBE");
}
void Subscriber::unsubscribe(const std::string& channel) {
  impl_->remove(impl_->channels_, channel, "UNSUBSCRIBE");
}
void Subscriber::punsubscribe(const std::string& pattern) {
  impl_->remove(impl_->patterns_, pattern, "PUNSUBSCRIBE");
}

void Subscriber::start() {
  impl_->start();
}
void Subscriber::stop() {
  impl_->stop();
}
bool Subscriber::connected() const {
  return impl_->connected();
}

}  // namespace cirrus::redis
