#include "store/write_unit.h"

#include "core/log.h"

namespace cirrus::store::detail {

namespace {

// KEYS[1]: the guard key. ARGV[1]: "1" = run only if it exists, "0" = only if it is absent.
// ARGV[2..]: the commands, each as its argument count followed by its arguments.
const redis::Script kGuardedWrite(R"lua(
local exists = redis.call('EXISTS', KEYS[1]) == 1
if exists ~= (ARGV[1] == '1') then return 0 end
local i = 2
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  redis.call(unpack(ARGV, i + 1, i + n))
  i = i + n + 1
end
return 1
)lua");

void logUnannounced(const Error& error) {
  log::warn("change stored but not announced; subscribers catch up when they reconnect",
            {{"error", error.message()}});
}

}  // namespace

boost::asio::awaitable<Result<bool>> guardedWrite(redis::Client& client, std::string guard_key,
                                                  Guard guard,
                                                  std::vector<redis::Command> commands) {
  std::vector<std::string> args;
  args.push_back(guard == Guard::kMustExist ? "1" : "0");
  for (const redis::Command& command : commands) {
    args.push_back(std::to_string(command.size()));
    appendArgs(args, command, 0);
  }
  std::vector<std::string> script_keys{std::move(guard_key)};
  auto reply = co_await client.eval(kGuardedWrite, std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  co_return reply->integer() == 1;
}

boost::asio::awaitable<Result<void>> transact(redis::Client& client,
                                              std::vector<redis::Command> commands) {
  std::vector<std::string> names;
  names.reserve(commands.size());
  for (const redis::Command& command : commands) names.push_back(command.front());
  auto replies = co_await client.transaction(std::move(commands));
  if (!replies) co_return replies.error();
  for (size_t i = 0; i < replies->size() && i < names.size(); ++i) {
    const redis::Reply& reply = (*replies)[i];
    if (reply.isError()) co_return redisReplyError(names[i] + ": " + reply.str());
  }
  co_return ok();
}

boost::asio::awaitable<void> publishAfterCommit(redis::Client& client,
                                                std::vector<Notice> notices) {
  if (notices.empty()) co_return;
  std::vector<redis::Command> commands;
  commands.reserve(notices.size());
  for (auto& [channel, payload] : notices) {
    commands.push_back({"PUBLISH", std::move(channel), std::move(payload)});
  }
  auto replies = co_await client.pipeline(std::move(commands));
  if (!replies) logUnannounced(replies.error());
}

redis::Command hsetCommand(std::string key, const model::HashFields& fields) {
  redis::Command command;
  command.reserve(2 + 2 * fields.size());
  command.push_back("HSET");
  command.push_back(std::move(key));
  for (const auto& [field, value] : fields) {
    command.push_back(field);
    command.push_back(value);
  }
  return command;
}

void appendArgs(std::vector<std::string>& out, const redis::Command& command, size_t from) {
  for (size_t i = from; i < command.size(); ++i) out.push_back(command[i]);
}

}  // namespace cirrus::store::detail
