// TaskQueue: the consumer side of one queue stream `cdn:tasks:{queue}` (spec §8) as Redis
// operations: the consumer group, reading new entries, reclaiming entries whose consumer went
// silent (XAUTOCLAIM after the visibility timeout), and the three ways a delivery ends —
// succeeded, retry later (a due-time zset `cdn:tasks:{queue}:delayed` moved back into the
// stream by any consumer), dead letter (`cdn:tasks:{queue}:dead`). Each ending updates the
// task record, acknowledges and deletes the entry in one MULTI/EXEC. No policy here.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/redis_client.h"
#include "core/result.h"
#include "store/task_store.h"

namespace cirrus::tasks {

/// The consumer group every worker joins, one per queue.
inline constexpr std::string_view kConsumerGroup = "cirrus-workers";

/// One delivered stream entry: which task it names.
struct Delivery {
  std::string entry_id;  // stream entry id, e.g. "1700000000000-0"
  std::string task_id;   // may be empty for a damaged entry
  std::string name;
};

/// Threading: as redis::Client; holds a reference to the client, which must outlive it.
/// Every call can fail with the client's errors; a missing group makes reads fail with a
/// redisReplyError starting with "NOGROUP" (Redis lost its data): call ensureGroup() again.
class TaskQueue {
 public:
  TaskQueue(redis::Client& client, std::string queue, std::string consumer);

  const std::string& queue() const { return queue_; }
  const std::string& consumer() const { return consumer_; }

  /// XGROUP CREATE ... 0 MKSTREAM: the group starts at the beginning of the stream, so tasks
  /// enqueued before any worker existed are delivered. An existing group (BUSYGROUP) is fine.
  boost::asio::awaitable<Result<void>> ensureGroup();

  /// XREADGROUP ... BLOCK block COUNT count STREAMS key >: new entries, or none after `block`.
  /// The client's command_timeout must exceed `block`.
  boost::asio::awaitable<Result<std::vector<Delivery>>> readNew(std::chrono::milliseconds block,
                                                                size_t count);

  /// XAUTOCLAIM: takes over up to `count` entries pending (delivered, never acknowledged) for
  /// longer than `min_idle` from any consumer of the group. Entries deleted meanwhile are
  /// dropped from the pending list by Redis and not returned.
  boost::asio::awaitable<Result<std::vector<Delivery>>> reclaim(std::chrono::milliseconds min_idle,
                                                                size_t count);

  /// XCLAIM ... JUSTID of an entry this consumer holds: resets its idle time, so a long
  /// handler is not reclaimed while it still runs (a heartbeat).
  boost::asio::awaitable<Result<void>> touch(const Delivery& delivery);

  /// Moves retries due at or before `now_ms` from the delayed zset into the stream (at most
  /// `limit`, one Lua script, so two consumers never move one retry twice). Returns how many.
  boost::asio::awaitable<Result<int64_t>> promoteDue(int64_t now_ms, size_t limit);

  /// The record update alone (e.g. status running before the handler starts).
  boost::asio::awaitable<Result<void>> update(std::string_view task_id,
                                              const store::TaskUpdate& update);

  /// The record update, then XACK and XDEL of the entry, in one MULTI/EXEC. A delivery with
  /// an empty task_id is only acknowledged and deleted.
  boost::asio::awaitable<Result<void>> finish(const Delivery& delivery,
                                              const store::TaskUpdate& update);

  /// finish() plus ZADD of the task to the delayed zset with score `due_ms`.
  boost::asio::awaitable<Result<void>> retryLater(const Delivery& delivery,
                                                  const store::TaskUpdate& update, int64_t due_ms);

  /// finish() plus XADD of {task, name, error, attempts, entry} to the dead-letter stream.
  /// An entry without a task id only goes to the dead letter (there is no record to update).
  boost::asio::awaitable<Result<void>> deadLetter(const Delivery& delivery,
                                                  const store::TaskUpdate& update);

  /// XLEN of the stream (entries not yet finished) and ZCARD of the delayed zset.
  boost::asio::awaitable<Result<int64_t>> depth();

 private:
  boost::asio::awaitable<Result<void>> commit(std::vector<redis::Command> commands);

  redis::Client& client_;
  std::string queue_;
  std::string consumer_;
  std::string stream_key_;
};

/// Delayed-zset member for a task: "{id} {name}" (ids are hex, names have no spaces).
std::string delayedMember(std::string_view task_id, std::string_view name);

}  // namespace cirrus::tasks
