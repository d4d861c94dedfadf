// TaskStore, producer side (spec §8): a task is a record `cdn:task:{id}` (kept for
// kTaskRecordTtl) plus an entry naming it in the queue stream `cdn:tasks:{queue}`, written in
// one MULTI/EXEC so a worker never reads an id without its record.
// The consumer side (groups, reclaim, retries, dead letter) lives in tasks/; it writes status
// changes with taskUpdateCommands() so the record format stays here. The scheduler enqueues
// with enqueuePeriodic(): the same record and entry, guarded by its lease and fencing token.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

/// A consumer's status change of a task record (tasks/): the fields it rewrites.
struct TaskUpdate {
  TaskStatus status = TaskStatus::kRunning;
  int64_t attempts = 0;
  std::optional<nlohmann::json> result;  // written when set (a succeeded task)
  std::optional<std::string> error;      // written when set ("" clears a previous error)
  int64_t now = 0;                       // updated_at
};

/// HSET of the changed fields and EXPIRE (the record lives kTaskRecordTtl after its last
/// write), for the caller to run inside its own MULTI/EXEC with the stream commands.
std::vector<redis::Command> taskUpdateCommands(std::string_view id, const TaskUpdate& update);

/// The scheduler's claim on one period of one periodic job (tasks/scheduler.h).
struct PeriodicSlot {
  std::string job;           // job name, e.g. "cname.node_health"
  int64_t period = 0;        // unix seconds at which the period starts
  std::string lease_holder;  // the lease value the leader wrote (holder:token)
  int64_t fence_token = 0;   // the token INCR gave the leader when it took the lease
};

enum class PeriodicOutcome {
  kEnqueued,      // the task was written; the job's marker now holds this period
  kAlreadyFired,  // this or a later period was already enqueued (by this or another leader)
  kStaleLease,    // the lease is no longer held with this token: a deposed leader; nothing written
};

struct PeriodicEnqueue {
  PeriodicOutcome outcome = PeriodicOutcome::kStaleLease;
  std::string id;  // the task id when kEnqueued
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

  /// enqueue(), atomically guarded (one Lua script): only while `slot.lease_holder` is the
  /// lease value and `slot.fence_token` the current fencing token, and only if the job's marker
  /// holds an earlier period than slot.period (the marker is then set to it). So a deposed
  /// leader never enqueues, and a leader change mid-period never fires the period twice.
  boost::asio::awaitable<Result<PeriodicEnqueue>> enqueuePeriodic(std::string_view queue,
                                                                  std::string_view name,
                                                                  const nlohmann::json& args,
                                                                  int64_t now,
                                                                  const PeriodicSlot& slot);

  /// nullopt when the task does not exist or its record expired. An unknown status reads as
  /// failed (logged), so nothing reports a damaged record as success.
  boost::asio::awaitable<Result<std::optional<TaskRecord>>> get(std::string_view id);

 private:
  redis::Client& client_;
};

}  // namespace cirrus::store
