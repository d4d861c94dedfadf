#include "store/task_store.h"

#include <array>
#include <utility>
#include <vector>

#include <openssl/rand.h>

#include "core/log.h"
#include "model/hash_fields.h"
#include "store/keys.h"
#include "store/stored_values.h"
#include "store/write_unit.h"

namespace cirrus::store {

namespace {

constexpr std::array<std::pair<std::string_view, TaskStatus>, 5> kStatuses = {{
    {"queued", TaskStatus::kQueued},
    {"running", TaskStatus::kRunning},
    {"retrying", TaskStatus::kRetrying},
    {"succeeded", TaskStatus::kSucceeded},
    {"failed", TaskStatus::kFailed},
}};

// 128 random bits as 32 hex digits: unguessable, so a task id in a URL reveals nothing about
// other tasks. An OpenSSL failure is an internal error, never a predictable id.
Result<std::string> newTaskId() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return internalError("RAND_bytes failed while making a task id");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(2 * bytes.size());
  for (unsigned char b : bytes) {
    id.push_back(kHex[b >> 4]);
    id.push_back(kHex[b & 0xf]);
  }
  return id;
}

std::string fieldOr(const model::HashMap& fields, std::string_view key) {
  auto it = fields.find(key);
  return it == fields.end() ? std::string() : it->second;
}

nlohmann::json jsonField(const model::HashMap& fields, std::string_view key,
                         nlohmann::json fallback) {
  std::string text = fieldOr(fields, key);
  if (text.empty()) return fallback;
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? nlohmann::json(text) : parsed;
}

std::string dumpJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string_view toString(TaskStatus status) {
  for (const auto& [name, value] : kStatuses) {
    if (value == status) return name;
  }
  return "failed";
}

std::optional<TaskStatus> parseTaskStatus(std::string_view text) {
  for (const auto& [name, value] : kStatuses) {
    if (name == text) return value;
  }
  return std::nullopt;
}

namespace {

TaskStatus readStatus(std::string_view id, const std::string& text) {
  if (auto parsed = parseTaskStatus(text)) return *parsed;
  log::warn("stored task has an unknown status; reading it as failed",
            {{"task", id}, {"status", text}});
  return TaskStatus::kFailed;
}

}  // namespace

boost::asio::awaitable<Result<std::string>> TaskStore::enqueue(std::string_view queue,
                                                               std::string_view name,
                                                               const nlohmann::json& args,
                                                               int64_t now) {
  auto id = newTaskId();
  if (!id) co_return id.error();
  std::string key = keys::task(*id);
  std::string at = std::to_string(now);
  model::HashFields fields{{"queue", std::string(queue)},
                           {"name", std::string(name)},
                           {"args", dumpJson(args)},
                           {"status", std::string(toString(TaskStatus::kQueued))},
                           {"attempts", "0"},
                           {"created_at", at},
                           {"updated_at", at}};
  std::vector<redis::Command> commands{
      detail::hsetCommand(key, fields),
      {"EXPIRE", key, std::to_string(kTaskRecordTtl.count())},
      {"XADD", keys::taskQueue(queue), "MAXLEN", "~", std::to_string(kTaskQueueMaxLength), "*",
       "task", *id, "name", std::string(name)}};
  auto done = co_await detail::transact(client_, std::move(commands));
  if (!done) co_return done.error();
  co_return std::move(*id);
}

std::vector<redis::Command> taskUpdateCommands(std::string_view id, const TaskUpdate& update) {
  std::string key = keys::task(id);
  model::HashFields fields{{"status", std::string(toString(update.status))},
                           {"attempts", std::to_string(update.attempts)},
                           {"updated_at", std::to_string(update.now)}};
  if (update.result) fields.emplace_back("result", dumpJson(*update.result));
  if (update.error) fields.emplace_back("error", *update.error);
  return {detail::hsetCommand(key, fields),
          {"EXPIRE", key, std::to_string(kTaskRecordTtl.count())}};
}

namespace {

// KEYS: lease, fence, job marker, task record, queue stream.
// ARGV: lease value, fence token, period, stream max length, record TTL (s), task id, task
// name, then the record's field/value pairs. Returns 1 enqueued, 0 already fired, -1 stale.
const redis::Script kEnqueuePeriodic(R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if tonumber(redis.call('GET', KEYS[2]) or '-1') ~= tonumber(ARGV[2]) then return -1 end
local last = tonumber(redis.call('GET', KEYS[3]) or '-1')
if last >= tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[3], ARGV[3])
redis.call('HSET', KEYS[4], unpack(ARGV, 8))
redis.call('EXPIRE', KEYS[4], ARGV[5])
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[4], '*', 'task', ARGV[6], 'name', ARGV[7])
return 1
)lua");

}  // namespace

boost::asio::awaitable<Result<PeriodicEnqueue>> TaskStore::enqueuePeriodic(
    std::string_view queue, std::string_view name, const nlohmann::json& args, int64_t now,
    const PeriodicSlot& slot) {
  auto id = newTaskId();
  if (!id) co_return id.error();
  std::string at = std::to_string(now);
  std::vector<std::string> script_keys{keys::schedulerLease(), keys::schedulerFence(),
                                       keys::schedulerFired(slot.job), keys::task(*id),
                                       keys::taskQueue(queue)};
  std::vector<std::string> args_list{slot.lease_holder,
                                     std::to_string(slot.fence_token),
                                     std::to_string(slot.period),
                                     std::to_string(kTaskQueueMaxLength),
                                     std::to_string(kTaskRecordTtl.count()),
                                     *id,
                                     std::string(name),
                                     "queue",
                                     std::string(queue),
                                     "name",
                                     std::string(name),
                                     "args",
                                     dumpJson(args),
                                     "status",
                                     std::string(toString(TaskStatus::kQueued)),
                                     "attempts",
                                     "0",
                                     "created_at",
                                     at,
                                     "updated_at",
                                     at};
  auto reply =
      co_await client_.eval(kEnqueuePeriodic, std::move(script_keys), std::move(args_list));
  if (!reply) co_return reply.error();
  PeriodicEnqueue out;
  switch (reply->integer()) {
    case 1:
      out.outcome = PeriodicOutcome::kEnqueued;
      out.id = std::move(*id);
      break;
    case 0:
      out.outcome = PeriodicOutcome::kAlreadyFired;
      break;
    default:
      out.outcome = PeriodicOutcome::kStaleLease;
      break;
  }
  co_return out;
}

boost::asio::awaitable<Result<std::optional<TaskRecord>>> TaskStore::get(std::string_view id) {
  redis::Command command{"HGETALL", keys::task(id)};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  auto fields = detail::toHashMap(*reply);
  if (!fields) co_return fields.error();
  if (fields->empty()) co_return std::optional<TaskRecord>();
  TaskRecord task;
  task.id = std::string(id);
  task.queue = fieldOr(*fields, "queue");
  task.name = fieldOr(*fields, "name");
  task.args = jsonField(*fields, "args", nlohmann::json::object());
  task.status = readStatus(id, fieldOr(*fields, "status"));
  task.attempts = model::parseHashInt(fieldOr(*fields, "attempts")).value_or(0);
  task.result = jsonField(*fields, "result", nullptr);
  task.error = fieldOr(*fields, "error");
  task.created_at = model::parseHashTime(fieldOr(*fields, "created_at")).value_or(0);
  task.updated_at = model::parseHashTime(fieldOr(*fields, "updated_at")).value_or(0);
  co_return std::optional<TaskRecord>(std::move(task));
}

}  // namespace cirrus::store
