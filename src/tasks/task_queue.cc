#include "tasks/task_queue.h"

#include <utility>

#include "store/keys.h"

namespace cirrus::tasks {

namespace {

// The dead letter keeps the most recent failures for inspection; older ones are trimmed.
constexpr size_t kDeadLetterMaxLength = 10000;

// KEYS[1]: delayed zset, KEYS[2]: stream. ARGV[1]: now (ms), ARGV[2]: limit, ARGV[3]: stream
// max length. Each due member "{id} {name}" becomes a stream entry in the producer's format.
const redis::Script kPromoteDue(R"lua(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  local space = string.find(member, ' ', 1, true)
  local id = space and string.sub(member, 1, space - 1) or member
  local name = space and string.sub(member, space + 1) or ''
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'task', id, 'name', name)
  redis.call('ZREM', KEYS[1], member)
end
return #due
)lua");

std::string fieldOf(const redis::Reply& fields, std::string_view name) {
  const auto& items = fields.elements();
  for (size_t i = 0; i + 1 < items.size(); i += 2) {
    if (items[i].str() == name) return items[i + 1].str();
  }
  return {};
}

// [[id, [f, v, ...]], ...]; entries whose fields are nil (deleted) are skipped.
Result<std::vector<Delivery>> toDeliveries(const redis::Reply& entries) {
  std::vector<Delivery> out;
  if (entries.isNil()) return out;
  if (!entries.isArray()) return storeProtocol("stream entries: " + entries.debugString());
  for (const redis::Reply& entry : entries.elements()) {
    if (!entry.isArray() || entry.elements().size() != 2 || !entry.elements()[0].isString()) {
      return storeProtocol("stream entry is not [id, fields]: " + entry.debugString());
    }
    const redis::Reply& fields = entry.elements()[1];
    if (!fields.isArray()) continue;
    out.push_back({entry.elements()[0].str(), fieldOf(fields, "task"), fieldOf(fields, "name")});
  }
  return out;
}

}  // namespace

std::string delayedMember(std::string_view task_id, std::string_view name) {
  return std::string(task_id) + " " + std::string(name);
}

TaskQueue::TaskQueue(redis::Client& client, std::string queue, std::string consumer)
    : client_(client),
      queue_(std::move(queue)),
      consumer_(std::move(consumer)),
      stream_key_(store::keys::taskQueue(queue_)) {}

boost::asio::awaitable<Result<void>> TaskQueue::ensureGroup() {
  auto reply =
      co_await client_.command("XGROUP", "CREATE", stream_key_, kConsumerGroup, "0", "MKSTREAM");
  if (!reply && !reply.error().context().starts_with("BUSYGROUP")) co_return reply.error();
  co_return ok();
}

boost::asio::awaitable<Result<std::vector<Delivery>>> TaskQueue::readNew(
    std::chrono::milliseconds block, size_t count) {
  auto reply = co_await client_.command("XREADGROUP", "GROUP", kConsumerGroup, consumer_, "COUNT",
                                        std::to_string(count), "BLOCK",
                                        std::to_string(block.count()), "STREAMS", stream_key_, ">");
  if (!reply) co_return reply.error();
  // nil on timeout, else [[stream, entries]].
  if (reply->isNil()) co_return std::vector<Delivery>{};
  if (!reply->isArray() || reply->elements().empty() || !reply->elements()[0].isArray() ||
      reply->elements()[0].elements().size() != 2) {
    co_return storeProtocol("XREADGROUP reply: " + reply->debugString());
  }
  co_return toDeliveries(reply->elements()[0].elements()[1]);
}

boost::asio::awaitable<Result<std::vector<Delivery>>> TaskQueue::reclaim(
    std::chrono::milliseconds min_idle, size_t count) {
  auto reply = co_await client_.command("XAUTOCLAIM", stream_key_, kConsumerGroup, consumer_,
                                        std::to_string(min_idle.count()), "0-0", "COUNT",
                                        std::to_string(count));
  if (!reply) co_return reply.error();
  // [next start, entries, deleted ids] (Redis 7).
  if (!reply->isArray() || reply->elements().size() < 2) {
    co_return storeProtocol("XAUTOCLAIM reply: " + reply->debugString());
  }
  co_return toDeliveries(reply->elements()[1]);
}

boost::asio::awaitable<Result<void>> TaskQueue::touch(const Delivery& delivery) {
  auto reply = co_await client_.command("XCLAIM", stream_key_, kConsumerGroup, consumer_, "0",
                                        delivery.entry_id, "JUSTID");
  if (!reply) co_return reply.error();
  co_return ok();
}

boost::asio::awaitable<Result<int64_t>> TaskQueue::promoteDue(int64_t now_ms, size_t limit) {
  std::vector<std::string> script_keys{store::keys::taskDelayed(queue_), stream_key_};
  std::vector<std::string> args{std::to_string(now_ms), std::to_string(limit),
                                std::to_string(store::kTaskQueueMaxLength)};
  auto reply = co_await client_.eval(kPromoteDue, std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  co_return reply->integer();
}

boost::asio::awaitable<Result<void>> TaskQueue::commit(std::vector<redis::Command> commands) {
  auto replies = co_await client_.transaction(std::move(commands));
  if (!replies) co_return replies.error();
  for (const redis::Reply& reply : *replies) {
    if (reply.isError()) co_return redisReplyError(reply.str());
  }
  co_return ok();
}

boost::asio::awaitable<Result<void>> TaskQueue::update(std::string_view task_id,
                                                       const store::TaskUpdate& update) {
  co_return co_await commit(store::taskUpdateCommands(task_id, update));
}

boost::asio::awaitable<Result<void>> TaskQueue::finish(const Delivery& delivery,
                                                       const store::TaskUpdate& update) {
  std::vector<redis::Command> commands;
  if (!delivery.task_id.empty()) commands = store::taskUpdateCommands(delivery.task_id, update);
  commands.push_back({"XACK", stream_key_, std::string(kConsumerGroup), delivery.entry_id});
  commands.push_back({"XDEL", stream_key_, delivery.entry_id});
  co_return co_await commit(std::move(commands));
}

boost::asio::awaitable<Result<void>> TaskQueue::retryLater(const Delivery& delivery,
                                                           const store::TaskUpdate& update,
                                                           int64_t due_ms) {
  auto commands = store::taskUpdateCommands(delivery.task_id, update);
  commands.push_back({"ZADD", store::keys::taskDelayed(queue_), std::to_string(due_ms),
                      delayedMember(delivery.task_id, delivery.name)});
  commands.push_back({"XACK", stream_key_, std::string(kConsumerGroup), delivery.entry_id});
  commands.push_back({"XDEL", stream_key_, delivery.entry_id});
  co_return co_await commit(std::move(commands));
}

boost::asio::awaitable<Result<void>> TaskQueue::deadLetter(const Delivery& delivery,
                                                           const store::TaskUpdate& update) {
  std::vector<redis::Command> commands;
  if (!delivery.task_id.empty()) commands = store::taskUpdateCommands(delivery.task_id, update);
  commands.push_back({"XADD", store::keys::taskDeadLetter(queue_), "MAXLEN", "~",
                      std::to_string(kDeadLetterMaxLength), "*", "task", delivery.task_id, "name",
                      delivery.name, "error", update.error.value_or(""), "attempts",
                      std::to_string(update.attempts), "entry", delivery.entry_id});
  commands.push_back({"XACK", stream_key_, std::string(kConsumerGroup), delivery.entry_id});
  commands.push_back({"XDEL", stream_key_, delivery.entry_id});
  co_return co_await commit(std::move(commands));
}

boost::asio::awaitable<Result<int64_t>> TaskQueue::depth() {
  std::vector<redis::Command> commands{{"XLEN", stream_key_},
                                       {"ZCARD", store::keys::taskDelayed(queue_)}};
  auto replies = co_await client_.pipeline(std::move(commands));
  if (!replies) co_return replies.error();
  int64_t total = 0;
  for (const redis::Reply& reply : *replies) {
    if (reply.isError()) co_return redisReplyError(reply.str());
    total += reply.integer();
  }
  co_return total;
}

}  // namespace cirrus::tasks
