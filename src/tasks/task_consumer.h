// TaskConsumer: one queue's worker loop (spec §8). Joins the queue's consumer group, moves due
// retries back into the stream, reclaims entries whose consumer died (visibility timeout),
// reads new entries (XREADGROUP BLOCK on its own Redis connection) and runs each through the
// TaskRegistry: success -> succeeded; failure -> retrying with exponential backoff, then
// failed in the dead letter; unknown name -> failed in the dead letter at once. At-least-once:
// an entry is acknowledged only after its outcome is recorded.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/config.h"
#include "core/redis_client.h"
#include "core/result.h"
#include "store/task_store.h"
#include "tasks/task_queue.h"
#include "tasks/task_registry.h"

namespace cirrus::tasks {

struct ConsumerOptions {
  std::string queue;     // "health", "acme"
  std::string consumer;  // unique per process (e.g. host-pid-random): pending entries are its
  std::chrono::milliseconds block{1'000};  // XREADGROUP BLOCK; also bounds stop latency
  /// An entry delivered but not acknowledged for this long is taken over by another consumer.
  /// A running handler keeps its entry with a heartbeat every visibility_timeout / 3.
  std::chrono::milliseconds visibility_timeout{60'000};
  RetryPolicy retry;
  std::chrono::milliseconds redis_backoff_max{2'000};  // retry pace while Redis is down
};

/// What became of one delivery, for metrics and logs.
enum class TaskOutcome {
  kSucceeded,
  kRetrying,     // failed, scheduled again
  kFailed,       // failed every attempt: dead letter
  kUnknownTask,  // no handler: dead letter without retry
  kDuplicate,    // the record already says succeeded/failed (a redelivery): acknowledged only
};
std::string_view toString(TaskOutcome outcome);

struct TaskReport {
  std::string queue;
  std::string name;
  TaskOutcome outcome = TaskOutcome::kSucceeded;
  std::chrono::duration<double> duration{0};
};

/// Threading: every member is called on `executor`'s thread (one io_context thread). The
/// registry must outlive the consumer.
class TaskConsumer {
 public:
  TaskConsumer(boost::asio::any_io_executor executor, config::RedisOptions redis,
               ConsumerOptions options, const TaskRegistry& registry,
               std::function<void(const TaskReport&)> observer = {});
  ~TaskConsumer();
  TaskConsumer(const TaskConsumer&) = delete;
  TaskConsumer& operator=(const TaskConsumer&) = delete;

  /// Starts the loop. Redis errors are logged (once per outage) and retried with backoff; the
  /// loop never ends on its own.
  void start();

  /// Stops taking entries; `done` runs once the loop has exited, i.e. after the task in hand
  /// (if any) has finished and its outcome is recorded. Without a start(), done runs at once.
  void stop(std::function<void()> done);

  /// One pass of the loop (group, due retries, reclaim, read one batch); true when a delivery
  /// was handled. For tests that drive the consumer step by step.
  boost::asio::awaitable<Result<bool>> pollOnce();

  const ConsumerOptions& options() const { return options_; }

 private:
  boost::asio::awaitable<void> loop();
  boost::asio::awaitable<Result<void>> handle(const Delivery& delivery);
  boost::asio::awaitable<Result<nlohmann::json>> runHandler(const TaskHandler& handler,
                                                            TaskContext context,
                                                            const Delivery& delivery);
  void report(const Delivery& delivery, TaskOutcome outcome,
              std::chrono::steady_clock::time_point started);

  boost::asio::any_io_executor executor_;
  ConsumerOptions options_;
  const TaskRegistry& registry_;
  std::function<void(const TaskReport&)> observer_;
  std::unique_ptr<redis::Client> client_;
  store::TaskStore store_;
  TaskQueue queue_;
  boost::asio::steady_timer backoff_timer_;
  bool group_ready_ = false;
  bool running_ = false;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point last_reclaim_{};
  std::function<void()> on_stopped_;
};

/// A consumer name unique to this process: "{hostname}-{pid}-{4 random hex bytes}".
std::string uniqueConsumerName();

}  // namespace cirrus::tasks
