#include "store/session_store.h"

#include <utility>
#include <vector>

#include "model/hash_fields.h"
#include "store/keys.h"
#include "store/stored_values.h"

namespace cirrus::store {

namespace {

constexpr std::string_view kUsernameField = "username";
constexpr std::string_view kCreatedAtField = "created_at";

// The scripts reach a session from the index (or the index from a session) by a key built
// from a prefix that keys.h spells and the caller passes in ARGV.

// KEYS[1] session hash, KEYS[2] the user's session index. ARGV[1] sha256hex, ARGV[2] ttl
// seconds, ARGV[3] session key prefix, ARGV[4..] the session's field/value pairs. Drops index
// members whose session has expired, so the index stays as small as the live sessions.
const redis::Script kCreate(R"lua(
for _, hash in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', ARGV[3] .. hash) == 0 then redis.call('SREM', KEYS[2], hash) end
end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
if redis.call('TTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
return 1
)lua");

// KEYS[1] session hash. ARGV[1] ttl seconds, ARGV[2] index key prefix, ARGV[3] the username
// field, ARGV[4] sha256hex. Returns the session's fields (nil when it does not exist) after
// extending its TTL and keeping the index alive at least as long.
const redis::Script kTouch(R"lua(
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return false end
redis.call('EXPIRE', KEYS[1], ARGV[1])
local user = redis.call('HGET', KEYS[1], ARGV[3])
if user then
  local index = ARGV[2] .. user
  redis.call('SADD', index, ARGV[4])
  if redis.call('TTL', index) < tonumber(ARGV[1]) then redis.call('EXPIRE', index, ARGV[1]) end
end
return fields
)lua");

// KEYS[1] session hash. ARGV[1] sha256hex, ARGV[2] index key prefix, ARGV[3] username field.
const redis::Script kRemove(R"lua(
local user = redis.call('HGET', KEYS[1], ARGV[3])
local removed = redis.call('DEL', KEYS[1])
if user then redis.call('SREM', ARGV[2] .. user, ARGV[1]) end
return removed
)lua");

// KEYS[1] the user's session index. ARGV[1] session key prefix.
const redis::Script kRemoveAll(R"lua(
local removed = 0
for _, hash in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  removed = removed + redis.call('DEL', ARGV[1] .. hash)
end
redis.call('DEL', KEYS[1])
return removed
)lua");

}  // namespace

boost::asio::awaitable<Result<void>> SessionStore::create(std::string_view sha256hex,
                                                          std::string_view username,
                                                          std::chrono::seconds ttl, int64_t now) {
  std::string hash(sha256hex);
  std::vector<std::string> script_keys{keys::session(hash), keys::userSessions(username)};
  std::vector<std::string> args{hash,
                                std::to_string(ttl.count()),
                                keys::session(""),
                                std::string(kUsernameField),
                                std::string(username),
                                std::string(kCreatedAtField),
                                std::to_string(now)};
  auto reply = co_await client_.eval(kCreate, std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  co_return ok();
}

boost::asio::awaitable<Result<std::optional<Session>>> SessionStore::touch(
    std::string_view sha256hex, std::chrono::seconds ttl) {
  std::string hash(sha256hex);
  std::vector<std::string> script_keys{keys::session(hash)};
  std::vector<std::string> args{std::to_string(ttl.count()), keys::userSessions(""),
                                std::string(kUsernameField), hash};
  auto reply = co_await client_.eval(kTouch, std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  auto fields = detail::toHashMap(*reply);
  if (!fields) co_return fields.error();
  if (fields->empty()) co_return std::optional<Session>();
  Session session;
  if (auto it = fields->find(kUsernameField); it != fields->end()) session.username = it->second;
  if (auto it = fields->find(kCreatedAtField); it != fields->end()) {
    session.created_at = model::parseHashTime(it->second).value_or(0);
  }
  // A session without a user cannot authenticate anyone.
  if (session.username.empty()) co_return std::optional<Session>();
  co_return std::optional<Session>(std::move(session));
}

boost::asio::awaitable<Result<bool>> SessionStore::remove(std::string_view sha256hex) {
  std::string hash(sha256hex);
  std::vector<std::string> script_keys{keys::session(hash)};
  std::vector<std::string> args{hash, keys::userSessions(""), std::string(kUsernameField)};
  auto reply = co_await client_.eval(kRemove, std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  co_return reply->integer() == 1;
}

boost::asio::awaitable<Result<int64_t>> SessionStore::removeAllForUser(std::string_view username) {
  std::vector<std::string> script_keys{keys::userSessions(username)};
  std::vector<std::string> args{keys::session("")};
  auto reply = co_await client_.eval(kRemoveAll, std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  co_return reply->integer();
}

}  // namespace cirrus::store
