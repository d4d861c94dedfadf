// TaskStore, producer side (spec §8): a task is a record `cdn:task:{id}` (kept for
// kTaskRecordTtl) plus an entry naming it in the queue stream `cdn:tasks:{queue}`, written in
// one MULTI/EXEC so a worker never reads an id without its record.
// TODO(lead): consumer groups, reclaim after the visibility timeout, retries with backoff and
// the dead-letter stream come with the worker issue (spec §8 "Tasks").
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "core/redis_client.h"
#include "core/result.h"

namespace cirrus::store {

/// How long a task record outlives its last write: long enough for GET tasks/{id} to answer
/// about any task of the past week.
inline constexpr std::chrono::seconds kTaskRecordTtl{7 * 24 * 3600};
/// Approximate bound of each queue stream (XADD MAXLEN ~); far above any real backlog.
inline constexpr size_t kTaskQueueMaxLength = 100000;

enum class TaskStatus { kQueued, kRunning, kRetrying, kSucceeded, kFailed };

std::string_view toString(TaskStatus status);  // "queued" / "running" / "retrying" / ...
std::optional<TaskStatus> parseTaskStatus(std::string_view text);

/// `cdn:task:{id}` as read back (spec §4 fields, plus `queue`).
struct TaskRecord {
  std::string id;
  std::string queue;
  std::string name;  // e.g. "acme.issue_certificate"
  nlohmann::json args = nlohmann::json::object();
  TaskStatus status = TaskStatus::kQueued;
  int64_t attempts = 0;
  nlohmann::json result;  // null until the task returns one
  std::string error;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool operator==(const TaskRecord&) const = default;
};

/// Threading: as redis::Client. Holds a reference: the client must outlive it. Every call can
/// fail with the client's errors (storeUnavailable, storeTimeout, ...).
class TaskStore {
 public:
  explicit TaskStore(redis::Client& client) : client_(client) {}

  /// Creates the record (status queued, attempts 0, created_at = updated_at = now) with a
  /// fresh random id and appends it to `queue` ("acme", "health"). Returns the id.
  boost::asio::awaitable<Result<std::string>> enqueue(std::string_view queue, std::string_view name,
                                                      const nlohmann::json& args, int64_t now);

  /// nullopt when the task does not exist or its record expired. An unknown status reads as
  /// failed (logged), so nothing reports a damaged record as success.
  boost::asio::awaitable<Result<std::optional<TaskRecord>>> get(std::string_view id);

 private:
  redis::Client& client_;
};

}  // namespace cirrus::store
