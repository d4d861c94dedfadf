#include "store/acmedns_store.h"

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/keys.h"
#include "store/stored_values.h"
#include "store/write_unit.h"

namespace cirrus::store {

namespace {

// KEYS[1] account hash, KEYS[2] subdomain owner key. ARGV[1] username, ARGV[2..] the hash's
// field/value pairs. Returns 0, writing nothing, when either key exists.
const redis::Script kCreateAccount(R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('SET', KEYS[2], ARGV[1])
return 1
)lua");

Result<std::vector<std::string>> parseAllowFrom(const std::string& text) {
  if (text.empty()) return std::vector<std::string>();
  auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_array()) return storeProtocol("acme-dns allowfrom is not a JSON array");
  std::vector<std::string> out;
  for (const auto& item : json) {
    if (!item.is_string()) return storeProtocol("acme-dns allowfrom holds a non-string");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::string field(const model::HashMap& fields, std::string_view name) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string() : it->second;
}

}  // namespace

boost::asio::awaitable<Result<void>> AcmeDnsStore::create(const AcmeDnsAccount& account) {
  std::vector<std::string> args{account.username,
                                "username",
                                account.username,
                                "password_hash",
                                account.password_hash,
                                "salt",
                                account.salt,
                                "subdomain",
                                account.subdomain,
                                "allowfrom",
                                nlohmann::json(account.allowfrom).dump(),
                                "created_at",
                                std::to_string(account.created_at)};
  std::vector<std::string> script_keys{keys::acmeDnsUser(account.username),
                                       keys::acmeDnsSubdomain(account.subdomain)};
  auto reply = co_await client_.eval(kCreateAccount, std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  if (reply->integer() == 0) {
    co_return conflict("acme-dns account " + account.username + " or subdomain " +
                       account.subdomain + " exists");
  }
  co_return ok();
}

boost::asio::awaitable<Result<std::optional<AcmeDnsAccount>>> AcmeDnsStore::findUser(
    std::string_view username) {
  redis::Command command{"HGETALL", keys::acmeDnsUser(username)};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  auto fields = detail::toHashMap(*reply);
  if (!fields) co_return fields.error();
  if (fields->empty()) co_return std::optional<AcmeDnsAccount>();
  auto allowfrom = parseAllowFrom(field(*fields, "allowfrom"));
  if (!allowfrom) co_return allowfrom.error();
  AcmeDnsAccount account;
  account.username = field(*fields, "username");
  account.password_hash = field(*fields, "password_hash");
  account.salt = field(*fields, "salt");
  account.subdomain = field(*fields, "subdomain");
  account.allowfrom = std::move(*allowfrom);
  try {
    account.created_at = std::stoll(field(*fields, "created_at"));
  } catch (const std::exception&) {
    account.created_at = 0;  // informational only; a bad value must not lock the account out
  }
  co_return std::optional<AcmeDnsAccount>(std::move(account));
}

boost::asio::awaitable<Result<void>> AcmeDnsStore::pushTxt(std::string_view subdomain,
                                                           std::string_view value) {
  std::string key = keys::acmeDnsTxt(subdomain);
  std::vector<redis::Command> commands{{"LPUSH", key, std::string(value)},
                                       {"LTRIM", key, "0", std::to_string(kAcmeDnsTxtValues - 1)}};
  co_return co_await detail::transact(client_, std::move(commands));
}

boost::asio::awaitable<Result<AcmeDnsRecords>> AcmeDnsStore::records(std::string_view subdomain) {
  std::vector<redis::Command> commands{
      {"EXISTS", keys::acmeDnsSubdomain(subdomain)},
      {"LRANGE", keys::acmeDnsTxt(subdomain), "0", std::to_string(kAcmeDnsTxtValues - 1)}};
  auto replies = co_await client_.pipeline(std::move(commands));
  if (!replies) co_return replies.error();
  for (const redis::Reply& r : *replies) {
    if (r.isError()) co_return redisReplyError(r.str());
  }
  auto txt = (*replies)[1].toStringVector();
  if (!txt) co_return txt.error();
  AcmeDnsRecords records;
  records.registered = (*replies)[0].integer() == 1;
  records.txt = std::move(*txt);
  co_return records;
}

}  // namespace cirrus::store
