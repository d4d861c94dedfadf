#include "store/user_store.h"

#include <utility>
#include <vector>

#include "core/log.h"
#include "store/keys.h"
#include "store/stored_values.h"
#include "store/write_unit.h"

namespace cirrus::store {

namespace {

// KEYS[1] user hash, KEYS[2] users set, KEYS[3] the user's session index, KEYS[4] audit.
// ARGV[1] username, ARGV[2] the session key prefix (keys.h spells it; sessions are found
// through the index, so their keys cannot be declared in advance), ARGV[3..] the audit XADD
// arguments after its key. Returns 0 when the user does not exist.
const redis::Script kRemoveUser(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for _, hash in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  redis.call('DEL', ARGV[2] .. hash)
end
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('XADD', KEYS[4], unpack(ARGV, 3))
return 1
)lua");

model::User readUser(std::string_view username, const model::HashMap& fields) {
  auto parsed = model::userFromHash(username, fields);
  if (!parsed.ok()) {
    log::warn("stored user has invalid fields",
              {{"user", username}, {"errors", model::describe(parsed.errors)}});
  }
  return std::move(parsed.value);
}

}  // namespace

boost::asio::awaitable<Result<int64_t>> UserStore::count() {
  redis::Command command{"SCARD", keys::users()};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  co_return reply->toInteger();
}

boost::asio::awaitable<Result<std::vector<model::User>>> UserStore::list() {
  auto names = co_await detail::readSortedMembers(client_, keys::users());
  if (!names) co_return names.error();
  std::vector<std::string> user_keys;
  user_keys.reserve(names->size());
  for (const std::string& name : *names) user_keys.push_back(keys::user(name));
  auto hashes = co_await detail::readHashes(client_, user_keys);
  if (!hashes) co_return hashes.error();
  std::vector<model::User> users;
  users.reserve(names->size());
  for (size_t i = 0; i < names->size(); ++i) {
    if ((*hashes)[i].empty()) continue;
    users.push_back(readUser((*names)[i], (*hashes)[i]));
  }
  co_return users;
}

boost::asio::awaitable<Result<std::optional<model::User>>> UserStore::get(
    std::string_view username) {
  redis::Command command{"HGETALL", keys::user(username)};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  auto fields = detail::toHashMap(*reply);
  if (!fields) co_return fields.error();
  if (fields->empty()) co_return std::optional<model::User>();
  co_return std::optional<model::User>(readUser(username, *fields));
}

boost::asio::awaitable<Result<void>> UserStore::create(const model::User& user,
                                                       const AuditContext& audit) {
  std::vector<redis::Command> commands{
      detail::hsetCommand(keys::user(user.username), model::toHash(user)),
      {"SADD", keys::users(), user.username},
      auditCommand(audit, "user.create", user.username)};
  auto written = co_await detail::guardedWrite(client_, keys::user(user.username),
                                               detail::Guard::kMustBeAbsent, std::move(commands));
  if (!written) co_return written.error();
  if (!*written) co_return conflict("user " + user.username + " already exists");
  co_return ok();
}

boost::asio::awaitable<Result<void>> UserStore::update(const model::User& user,
                                                       const AuditContext& audit) {
  std::vector<redis::Command> commands{
      detail::hsetCommand(keys::user(user.username), model::toHash(user)),
      auditCommand(audit, "user.update", user.username)};
  auto written = co_await detail::guardedWrite(client_, keys::user(user.username),
                                               detail::Guard::kMustExist, std::move(commands));
  if (!written) co_return written.error();
  if (!*written) co_return notFound("user " + user.username + " does not exist");
  co_return ok();
}

boost::asio::awaitable<Result<void>> UserStore::remove(std::string_view username,
                                                       const AuditContext& audit) {
  std::string name(username);
  redis::Command xadd = auditCommand(audit, "user.delete", name);
  std::vector<std::string> args{name, keys::session("")};
  detail::appendArgs(args, xadd, 2);
  std::vector<std::string> script_keys{keys::user(name), keys::users(), keys::userSessions(name),
                                       keys::audit()};
  auto reply = co_await client_.eval(kRemoveUser, std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  if (reply->integer() == 0) co_return notFound("user " + name + " does not exist");
  co_return ok();
}

}  // namespace cirrus::store
