#include "tasks/task_consumer.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <exception>
#include <utility>

#include <openssl/rand.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.h"

namespace cirrus::tasks {

namespace asio = boost::asio;

namespace {

int64_t unixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t unixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The blocking read must finish before the connection's command timeout would fire.
config::RedisOptions blockingOptions(config::RedisOptions redis, std::chrono::milliseconds block) {
  redis.command_timeout = std::max(redis.command_timeout, block + std::chrono::milliseconds(2000));
  return redis;
}

}  // namespace

std::string_view toString(TaskOutcome outcome) {
  switch (outcome) {
    case TaskOutcome::kSucceeded:
      return "succeeded";
    case TaskOutcome::kRetrying:
      return "retrying";
    case TaskOutcome::kFailed:
      return "failed";
    case TaskOutcome::kUnknownTask:
      return "unknown_task";
    case TaskOutcome::kDuplicate:
      return "duplicate";
  }
  return "failed";
}

std::string uniqueConsumerName() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::array<unsigned char, 4> bytes{};
  RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));  // uniqueness, not secrecy
  std::string suffix;
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char b : bytes) {
    suffix.push_back(kHex[b >> 4]);
    suffix.push_back(kHex[b & 0xf]);
  }
  return std::string(host.data()) + "-" + std::to_string(getpid()) + "-" + suffix;
}

TaskConsumer::TaskConsumer(asio::any_io_executor executor, config::RedisOptions redis,
                           ConsumerOptions options, const TaskRegistry& registry,
                           std::function<void(const TaskReport&)> observer)
    : executor_(executor),
      options_(std::move(options)),
      registry_(registry),
      observer_(std::move(observer)),
      client_(std::make_unique<redis::Client>(executor,
                                              blockingOptions(std::move(redis), options_.block))),
      store_(*client_),
      queue_(*client_, options_.queue, options_.consumer),
      backoff_timer_(executor) {}

TaskConsumer::~TaskConsumer() {
  client_->close();
}

void TaskConsumer::start() {
  if (running_) return;
  running_ = true;
  stopping_ = false;
  asio::co_spawn(executor_, loop(), [queue = options_.queue](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error("task consumer loop ended by an exception",
                 {{"queue", queue}, {"error", ex.what()}});
    }
  });
}

void TaskConsumer::stop(std::function<void()> done) {
  stopping_ = true;
  backoff_timer_.cancel();
  if (!running_) {
    if (done) done();
    return;
  }
  on_stopped_ = std::move(done);
}

asio::awaitable<void> TaskConsumer::loop() {
  auto backoff = std::chrono::milliseconds(100);
  bool failing = false;
  while (!stopping_) {
    auto polled = co_await pollOnce();
    if (polled) {
      if (failing) log::info("task queue reachable again", {{"queue", options_.queue}});
      failing = false;
      backoff = std::chrono::milliseconds(100);
      continue;
    }
    const Error& error = polled.error();
    if (error.context().starts_with("NOGROUP")) group_ready_ = false;
    if (!failing) {
      log::warn("task queue unavailable; retrying",
                {{"queue", options_.queue}, {"error", error.message()}});
    }
    failing = true;
    backoff_timer_.expires_after(backoff);
    boost::system::error_code ec;
    co_await backoff_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    backoff = std::min(backoff * 2, options_.redis_backoff_max);
  }
  running_ = false;
  if (auto done = std::exchange(on_stopped_, nullptr)) done();
}

asio::awaitable<Result<bool>> TaskConsumer::pollOnce() {
  if (!group_ready_) {
    auto created = co_await queue_.ensureGroup();
    if (!created) co_return created.error();
    group_ready_ = true;
  }
  auto promoted = co_await queue_.promoteDue(unixMillis(), 100);
  if (!promoted) co_return promoted.error();

  bool handled = false;
  auto now = std::chrono::steady_clock::now();
  // Reclaiming is cheap but pointless more often than a fraction of the timeout.
  if (now - last_reclaim_ >= options_.visibility_timeout / 4) {
    auto reclaimed = co_await queue_.reclaim(options_.visibility_timeout, 10);
    if (!reclaimed) co_return reclaimed.error();
    last_reclaim_ = now;
    for (const Delivery& delivery : *reclaimed) {
      log::warn("reclaimed a task whose consumer went silent",
                {{"queue", options_.queue}, {"task", delivery.task_id}, {"name", delivery.name}});
      auto r = co_await handle(delivery);
      if (!r) co_return r.error();
      handled = true;
    }
  }
  if (stopping_) co_return handled;

  auto fresh = co_await queue_.readNew(options_.block, 1);
  if (!fresh) co_return fresh.error();
  for (const Delivery& delivery : *fresh) {
    auto r = co_await handle(delivery);
    if (!r) co_return r.error();
    handled = true;
  }
  co_return handled;
}

void TaskConsumer::report(const Delivery& delivery, TaskOutcome outcome,
                          std::chrono::steady_clock::time_point started) {
  if (!observer_) return;
  observer_({options_.queue, delivery.name, outcome, std::chrono::steady_clock::now() - started});
}

asio::awaitable<Result<void>> TaskConsumer::handle(const Delivery& delivery) {
  auto started = std::chrono::steady_clock::now();
  store::TaskUpdate update;
  if (delivery.task_id.empty()) {
    log::warn("queue entry names no task; moved to the dead letter",
              {{"queue", options_.queue}, {"entry", delivery.entry_id}});
    update.status = store::TaskStatus::kFailed;
    update.error = "queue entry names no task";
    update.now = unixSeconds();
    co_return co_await queue_.deadLetter(delivery, update);
  }
  auto record = co_await store_.get(delivery.task_id);
  if (!record) co_return record.error();
  if (!*record || (*record)->status == store::TaskStatus::kSucceeded ||
      (*record)->status == store::TaskStatus::kFailed) {
    // Expired record, or a redelivery of a task whose outcome is already recorded (the
    // consumer died between the record write and the XACK): acknowledge only.
    Delivery ack_only = delivery;
    ack_only.task_id.clear();
    auto done = co_await queue_.finish(ack_only, update);
    if (done) report(delivery, TaskOutcome::kDuplicate, started);
    co_return done;
  }
  const store::TaskRecord& task = **record;
  update.attempts = task.attempts + 1;
  update.now = unixSeconds();

  const TaskHandler* handler = registry_.find(task.name);
  if (!handler) {
    log::error("unknown task name; moved to the dead letter",
               {{"queue", options_.queue}, {"task", task.id}, {"name", task.name}});
    update.status = store::TaskStatus::kFailed;
    update.error = "unknown task name '" + task.name + "'";
    auto done = co_await queue_.deadLetter(delivery, update);
    if (done) report(delivery, TaskOutcome::kUnknownTask, started);
    co_return done;
  }
  if (update.attempts > options_.retry.max_attempts) {
    // Only reachable through reclaims: every consumer that took it died while running it.
    update.status = store::TaskStatus::kFailed;
    update.error = "gave up after " + std::to_string(task.attempts) +
                   " attempts (consumers lost while running it)";
    auto done = co_await queue_.deadLetter(delivery, update);
    if (done) report(delivery, TaskOutcome::kFailed, started);
    co_return done;
  }

  update.status = store::TaskStatus::kRunning;
  auto marked = co_await queue_.update(task.id, update);
  if (!marked) co_return marked.error();

  TaskContext context{task.id, options_.queue, task.name, task.args, update.attempts};
  auto result = co_await runHandler(*handler, std::move(context), delivery);
  update.now = unixSeconds();
  if (result) {
    update.status = store::TaskStatus::kSucceeded;
    update.result = std::move(*result);
    update.error = "";
    auto done = co_await queue_.finish(delivery, update);
    if (done) report(delivery, TaskOutcome::kSucceeded, started);
    co_return done;
  }
  update.error = result.error().message();
  // A handler's non-retryable error (a refusal that another attempt cannot change: bad
  // arguments, a CA rejecting the identifier, a missing customer DNS record) fails at once.
  if (result.error().retryable() && options_.retry.shouldRetry(update.attempts)) {
    auto delay = options_.retry.delayAfter(update.attempts);
    update.status = store::TaskStatus::kRetrying;
    log::warn("task failed; retrying", {{"queue", options_.queue},
                                        {"task", task.id},
                                        {"name", task.name},
                                        {"attempt", update.attempts},
                                        {"retry_in_ms", delay.count()},
                                        {"error", *update.error}});
    auto done = co_await queue_.retryLater(delivery, update, unixMillis() + delay.count());
    if (done) report(delivery, TaskOutcome::kRetrying, started);
    co_return done;
  }
  log::error("task failed every attempt; moved to the dead letter", {{"queue", options_.queue},
                                                                     {"task", task.id},
                                                                     {"name", task.name},
                                                                     {"attempts", update.attempts},
                                                                     {"error", *update.error}});
  update.status = store::TaskStatus::kFailed;
  auto done = co_await queue_.deadLetter(delivery, update);
  if (done) report(delivery, TaskOutcome::kFailed, started);
  co_return done;
}

asio::awaitable<Result<nlohmann::json>> TaskConsumer::runHandler(const TaskHandler& handler,
                                                                 TaskContext context,
                                                                 const Delivery& delivery) {
  // Heartbeat: keeps the entry's idle time below the visibility timeout while the handler
  // runs, so no other consumer reclaims a task that is still making progress.
  auto finished = std::make_shared<bool>(false);
  auto heartbeat = std::make_shared<asio::steady_timer>(executor_);
  auto period = std::max(options_.visibility_timeout / 3, std::chrono::milliseconds(10));
  asio::co_spawn(
      executor_,
      [this, finished, heartbeat, period, delivery]() -> asio::awaitable<void> {
        while (!*finished) {
          heartbeat->expires_after(period);
          boost::system::error_code ec;
          co_await heartbeat->async_wait(asio::redirect_error(asio::use_awaitable, ec));
          if (*finished) break;
          (void)co_await queue_.touch(delivery);  // a failure only risks a duplicate run
        }
      },
      asio::detached);
  Result<nlohmann::json> result = internalError("handler did not run");
  try {
    result = co_await handler(std::move(context));
  } catch (const std::exception& e) {
    // No exception may escape into the io_context; a throwing handler is a failed attempt.
    result = internalError(std::string("handler threw: ") + e.what());
  }
  *finished = true;
  heartbeat->cancel();
  co_return result;
}

}  // namespace cirrus::tasks
