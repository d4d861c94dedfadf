#include "store/token_store.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/log.h"
#include "store/keys.h"
#include "store/stored_values.h"
#include "store/write_unit.h"

namespace cirrus::store {

namespace {

// Field of cdn:token:{id} holding the SHA-256 of the secret (the reverse of the lookup key).
constexpr std::string_view kSha256Field = "sha256";

// KEYS[1] token hash, KEYS[2] tokens set, KEYS[3] audit. ARGV[1] id, ARGV[2] the lookup key
// prefix (keys.h spells it), ARGV[3] the sha256 field, ARGV[4..] the audit XADD arguments
// after its key. Returns 0 when the token does not exist.
const redis::Script kRemoveToken(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local sha = redis.call('HGET', KEYS[1], ARGV[3])
if sha then redis.call('DEL', ARGV[2] .. sha) end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('XADD', KEYS[3], unpack(ARGV, 4))
return 1
)lua");

model::Token readToken(std::string_view id, const model::HashMap& fields) {
  auto parsed = model::tokenFromHash(id, fields);
  if (!parsed.ok()) {
    log::warn("stored token has invalid fields",
              {{"token", id}, {"errors", model::describe(parsed.errors)}});
  }
  return std::move(parsed.value);
}

}  // namespace

boost::asio::awaitable<Result<int64_t>> TokenStore::count() {
  redis::Command command{"SCARD", keys::tokens()};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  co_return reply->toInteger();
}

boost::asio::awaitable<Result<std::vector<model::Token>>> TokenStore::list() {
  auto ids = co_await detail::readSortedMembers(client_, keys::tokens());
  if (!ids) co_return ids.error();
  std::vector<std::string> token_keys;
  token_keys.reserve(ids->size());
  for (const std::string& id : *ids) token_keys.push_back(keys::token(id));
  auto hashes = co_await detail::readHashes(client_, token_keys);
  if (!hashes) co_return hashes.error();
  std::vector<model::Token> tokens;
  tokens.reserve(ids->size());
  for (size_t i = 0; i < ids->size(); ++i) {
    if ((*hashes)[i].empty()) continue;
    tokens.push_back(readToken((*ids)[i], (*hashes)[i]));
  }
  std::stable_sort(tokens.begin(), tokens.end(), [](const model::Token& a, const model::Token& b) {
    return a.created_at < b.created_at;
  });
  co_return tokens;
}

boost::asio::awaitable<Result<void>> TokenStore::create(const model::Token& token,
                                                        std::string_view sha256hex,
                                                        const AuditContext& audit) {
  model::HashFields fields = model::toHash(token);
  fields.emplace_back(kSha256Field, sha256hex);
  std::vector<redis::Command> commands{detail::hsetCommand(keys::token(token.id), fields),
                                       {"SADD", keys::tokens(), token.id},
                                       {"SET", keys::tokenHash(sha256hex), token.id},
                                       auditCommand(audit, "token.create", token.id)};
  auto written = co_await detail::guardedWrite(client_, keys::token(token.id),
                                               detail::Guard::kMustBeAbsent, std::move(commands));
  if (!written) co_return written.error();
  if (!*written) co_return conflict("token " + token.id + " already exists");
  co_return ok();
}

boost::asio::awaitable<Result<std::optional<model::Token>>> TokenStore::findByHash(
    std::string_view sha256hex) {
  redis::Command command{"GET", keys::tokenHash(sha256hex)};
  auto id = co_await client_.command(std::move(command));
  if (!id) co_return id.error();
  if (id->isNil()) co_return std::optional<model::Token>();
  co_return co_await get(id->str());
}

boost::asio::awaitable<Result<std::optional<model::Token>>> TokenStore::get(const std::string& id) {
  redis::Command command{"HGETALL", keys::token(id)};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  auto fields = detail::toHashMap(*reply);
  if (!fields) co_return fields.error();
  if (fields->empty()) co_return std::optional<model::Token>();
  co_return std::optional<model::Token>(readToken(id, *fields));
}

boost::asio::awaitable<Result<void>> TokenStore::remove(std::string_view id,
                                                        const AuditContext& audit) {
  std::string token_id(id);
  redis::Command xadd = auditCommand(audit, "token.delete", token_id);
  std::vector<std::string> args{token_id, keys::tokenHash(""), std::string(kSha256Field)};
  detail::appendArgs(args, xadd, 2);
  std::vector<std::string> script_keys{keys::token(token_id), keys::tokens(), keys::audit()};
  auto reply = co_await client_.eval(kRemoveToken, std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  if (reply->integer() == 0) co_return notFound("token " + token_id + " does not exist");
  co_return ok();
}

}  // namespace cirrus::store
