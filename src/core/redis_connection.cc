#include "core/redis_connection.h"

#include <array>
#include <random>

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "core/log.h"

namespace cirrus::redis {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr size_t kReadChunk = 64 * 1024;

}  // namespace

// ---- PendingRequest ----

PendingRequest::PendingRequest(const asio::any_io_executor& executor, size_t expected_replies,
                               std::chrono::steady_clock::time_point deadline)
    : expected_(expected_replies), wake_(executor, deadline) {
  replies_.reserve(expected_replies);
}

void PendingRequest::deliver(Reply reply) {
  ++received_;
  if (done_) return;
  replies_.push_back(std::move(reply));
  if (received_ == expected_) {
    done_ = true;
    wake_.cancel();
  }
}

void PendingRequest::fail(Error e) {
  if (done_) return;
  done_ = true;
  error_ = std::move(e);
  wake_.cancel();
}

void PendingRequest::abandon() {
  done_ = true;
  replies_.clear();
}

asio::awaitable<PendingRequest::WaitOutcome> PendingRequest::wait() {
  if (!done_) {
    // A cancel() from deliver()/fail() and the deadline can race; done_ is the truth.
    auto [ec] = co_await wake_.async_wait(kUseTuple);
    if (!done_) co_return ec ? WaitOutcome::kCancelled : WaitOutcome::kDeadline;
  }
  co_return WaitOutcome::kCompleted;
}

// ---- Connection ----

std::shared_ptr<Connection> Connection::start(const asio::any_io_executor& executor,
                                              const config::RedisOptions& options,
                                              Callbacks callbacks) {
  std::shared_ptr<Connection> c(new Connection(executor, options, std::move(callbacks)));
  asio::co_spawn(executor, c->run(),
                 [](std::exception_ptr e) { logCoroutineFailure(e, "redis connection"); });
  return c;
}

Connection::Connection(const asio::any_io_executor& executor, const config::RedisOptions& options,
                       Callbacks callbacks)
    : executor_(executor),
      options_(options),
      address_(fmt::format("{}:{}", options.host, options.port)),
      callbacks_(std::move(callbacks)),
      socket_(executor),
      resolver_(executor),
      connect_timer_(executor) {
  // AUTH with a username is the Redis 6 ACL form; the one-argument form authenticates the
  // default user (and is all Redis < 6 understands).
  std::vector<Command> handshake;
  if (!options_.password.empty()) {
    if (!options_.username.empty()) {
      handshake.push_back({"AUTH", options_.username, options_.password});
    } else {
      handshake.push_back({"AUTH", options_.password});
    }
    handshake_names_.push_back("AUTH");
  }
  if (options_.db != 0) {
    handshake.push_back({"SELECT", std::to_string(options_.db)});
    handshake_names_.push_back(fmt::format("SELECT {}", options_.db));
  }
  for (const auto& cmd : handshake) appendCommand(handshake_bytes_, cmd);
  if (!handshake.empty()) {
    handshake_ = std::make_shared<PendingRequest>(executor_, handshake.size(),
                                                  std::chrono::steady_clock::time_point::max());
  }
}

Connection::~Connection() = default;

void Connection::send(const std::shared_ptr<PendingRequest>& request, std::string_view bytes) {
  if (closed_) {
    request->fail(*close_reason_);
    return;
  }
  fifo_.push_back(request);
  out_.append(bytes);
  startWriter();
}

void Connection::sendUnanswered(std::string_view bytes) {
  if (closed_) return;
  out_.append(bytes);
  startWriter();
}

void Connection::close(const Error& reason) {
  if (closed_) return;
  auto self = shared_from_this();  // on_closed may drop the owner's reference
  closed_ = true;
  close_reason_ = reason;
  boost::system::error_code ignored;
  socket_.close(ignored);
  resolver_.cancel();
  connect_timer_.cancel();
  auto pending = std::move(fifo_);
  fifo_.clear();
  for (auto& request : pending) request->fail(reason);
  if (handshake_) handshake_->fail(reason);
  if (callbacks_.on_closed) callbacks_.on_closed(reason, ready_);
}

asio::awaitable<void> Connection::run() {
  auto self = shared_from_this();
  std::weak_ptr<Connection> weak = self;
  connect_timer_.expires_after(options_.command_timeout);
  connect_timer_.async_wait([weak](boost::system::error_code ec) {
    auto c = weak.lock();
    if (ec || !c || c->ready_) return;
    c->close(storeUnavailable(fmt::format("connect {}: no answer within {} ms", c->address_,
                                          c->options_.command_timeout.count())));
  });

  auto ec = co_await connectSocket();
  if (closed_) co_return;
  if (ec) {
    close(storeUnavailable(fmt::format("connect {}: {}", address_, ec.message())));
    co_return;
  }
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  socket_.set_option(asio::socket_base::keep_alive(true), ignored);

  if (handshake_) {
    fifo_.push_front(handshake_);
    auto [wec, n] = co_await asio::async_write(socket_, asio::buffer(handshake_bytes_), kUseTuple);
    if (closed_) co_return;
    if (wec) {
      close(storeUnavailable(fmt::format("write to {}: {}", address_, wec.message())));
      co_return;
    }
  } else {
    markReady();
  }
  co_await readLoop();
}

asio::awaitable<boost::system::error_code> Connection::connectSocket() {
  boost::system::error_code ec;
  auto literal = asio::ip::make_address(options_.host, ec);
  if (!ec) {
    auto [cec] = co_await socket_.async_connect(tcp::endpoint(literal, options_.port), kUseTuple);
    co_return cec;
  }
  auto [rec, results] =
      co_await resolver_.async_resolve(options_.host, std::to_string(options_.port), kUseTuple);
  if (rec) co_return rec;
  auto [cec, endpoint] = co_await asio::async_connect(socket_, results, kUseTuple);
  co_return cec;
}

asio::awaitable<void> Connection::readLoop() {
  auto self = shared_from_this();
  std::vector<char> buf(kReadChunk);
  while (!closed_) {
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buf), kUseTuple);
    if (closed_) break;
    if (ec == asio::error::eof) {
      close(storeUnavailable(fmt::format("connection to {} closed by the server", address_)));
      break;
    }
    if (ec) {
      close(storeUnavailable(fmt::format("connection to {} lost: {}", address_, ec.message())));
      break;
    }
    if (auto fed = reader_.feed(std::string_view(buf.data(), n)); !fed) {
      close(fed.error());
      break;
    }
    while (!closed_) {
      auto next = reader_.next();
      if (!next) {
        close(next.error());
        break;
      }
      if (!*next) break;
      dispatch(std::move(**next));
    }
  }
}

void Connection::startWriter() {
  if (write_active_ || !ready_ || closed_ || out_.empty()) return;
  write_active_ = true;
  // A separate coroutine so that every send() made in the same turn of the event loop goes
  // out in one write.
  asio::co_spawn(executor_, writeLoop(),
                 [](std::exception_ptr e) { logCoroutineFailure(e, "redis write"); });
}

asio::awaitable<void> Connection::writeLoop() {
  auto self = shared_from_this();
  while (!closed_ && !out_.empty()) {
    writing_.clear();
    writing_.swap(out_);
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(writing_), kUseTuple);
    if (closed_) break;
    if (ec) {
      close(storeUnavailable(fmt::format("write to {}: {}", address_, ec.message())));
      break;
    }
  }
  write_active_ = false;
}

void Connection::dispatch(Reply reply) {
  if (fifo_.empty()) {
    if (callbacks_.on_push) {
      callbacks_.on_push(std::move(reply));
      return;
    }
    auto shown = reply.debugString();
    if (shown.size() > 200) shown.resize(200);
    close(storeProtocol(fmt::format("unexpected reply from {}: {}", address_, shown)));
    return;
  }
  auto front = fifo_.front();
  front->deliver(std::move(reply));
  if (front->received() < front->expected()) return;
  fifo_.pop_front();
  if (front == handshake_) finishHandshake(front->replies());
}

void Connection::finishHandshake(std::vector<Reply>& replies) {
  for (size_t i = 0; i < replies.size() && i < handshake_names_.size(); ++i) {
    if (replies[i].isError()) {
      // The reply names the problem (WRONGPASS, ERR DB index is out of range); the command
      // name is enough context and never carries the password.
      close(storeUnavailable(
          fmt::format("{} on {} failed: {}", handshake_names_[i], address_, replies[i].str())));
      return;
    }
  }
  handshake_.reset();
  markReady();
}

void Connection::markReady() {
  ready_ = true;
  connect_timer_.cancel();
  if (callbacks_.on_ready) callbacks_.on_ready();
  startWriter();
}

// ---- helpers ----

void logCoroutineFailure(std::exception_ptr e, std::string_view task) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    log::error("redis coroutine failed", {{"task", task}, {"error", ex.what()}});
  } catch (...) {
    log::error("redis coroutine failed", {{"task", task}, {"error", "unknown exception"}});
  }
}

std::chrono::milliseconds Backoff::next() {
  thread_local std::minstd_rand rng{std::random_device{}()};
  auto d = current_;
  current_ = std::min(current_ * 2, kMax);
  std::uniform_int_distribution<int64_t> jitter(d.count() / 2, d.count());
  return std::chrono::milliseconds(jitter(rng));
}

}  // namespace cirrus::redis
