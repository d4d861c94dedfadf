// TaskRegistry: task name -> handler (spec §8 names: "cname.node_health",
// "acme.issue_certificate", ...). A handler gets the task's id, arguments and attempt number
// and returns a JSON result or an Error; handlers must be idempotent (delivery is
// at-least-once). RetryPolicy: when a failed attempt is retried and after how long.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "core/result.h"

namespace cirrus::tasks {

struct TaskContext {
  std::string id;
  std::string queue;
  std::string name;
  nlohmann::json args;
  int64_t attempt = 1;  // 1 for the first delivery; a reclaimed delivery counts as an attempt
};

using TaskHandler = std::function<boost::asio::awaitable<Result<nlohmann::json>>(TaskContext)>;

class TaskRegistry {
 public:
  /// Replaces any handler already registered under `name`.
  void add(std::string name, TaskHandler handler) {
    handlers_[std::move(name)] = std::move(handler);
  }
  /// Null when no handler has this name.
  const TaskHandler* find(std::string_view name) const {
    auto it = handlers_.find(name);
    return it == handlers_.end() ? nullptr : &it->second;
  }

 private:
  std::map<std::string, TaskHandler, std::less<>> handlers_;
};

/// Exponential backoff with a bound on attempts: attempt n (1-based) that failed is retried
/// after base * 2^(n-1), capped at max_delay, while n < max_attempts.
struct RetryPolicy {
  int64_t max_attempts = 5;
  std::chrono::milliseconds base_delay{2'000};
  std::chrono::milliseconds max_delay{300'000};

  bool shouldRetry(int64_t failed_attempt) const { return failed_attempt < max_attempts; }
  std::chrono::milliseconds delayAfter(int64_t failed_attempt) const;
};

}  // namespace cirrus::tasks
