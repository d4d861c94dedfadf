#include "store/acme_store.h"

#include <utility>
#include <vector>

#include "core/log.h"
#include "store/keys.h"
#include "store/stored_values.h"
#include "store/task_store.h"
#include "store/write_unit.h"

namespace cirrus::store {

namespace {

// Compare-and-delete: KEYS[1] is deleted only while it holds ARGV[1]. Used for the lock (so a
// holder whose lock expired and was taken by another cannot release the other's lock) and
// for the task pointer.
const redis::Script kDeleteIfEquals(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua");

// Compare-and-expire: KEYS[1] gets a TTL of ARGV[2] seconds only while it holds ARGV[1].
const redis::Script kExpireIfEquals(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 0
)lua");

constexpr std::string_view kAccountKeyField = "key";
constexpr std::string_view kAccountKidField = "kid";
constexpr std::string_view kAccountDirectoryField = "directory";

std::string seconds(std::chrono::seconds ttl) {
  return std::to_string(ttl.count());
}

model::AcmeStatus readStatus(std::string_view domain, const model::HashMap& fields) {
  auto parsed = model::acmeStatusFromHash(fields);
  if (!parsed.ok()) {
    log::warn("stored ACME status has invalid fields",
              {{"domain", domain}, {"errors", model::describe(parsed.errors)}});
  }
  return std::move(parsed.value);
}

}  // namespace

boost::asio::awaitable<Result<std::optional<model::AcmeStatus>>> AcmeStore::getStatus(
    std::string_view domain) {
  redis::Command command{"HGETALL", keys::acme(domain)};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  auto fields = detail::toHashMap(*reply);
  if (!fields) co_return fields.error();
  if (fields->empty()) co_return std::optional<model::AcmeStatus>();
  co_return std::optional<model::AcmeStatus>(readStatus(domain, *fields));
}

boost::asio::awaitable<Result<void>> AcmeStore::setStatus(std::string_view domain,
                                                          const model::AcmeStatus& status) {
  std::vector<redis::Command> commands{
      detail::hsetCommand(keys::acme(domain), model::toHash(status))};
  auto written = co_await detail::guardedWrite(client_, keys::domain(domain),
                                               detail::Guard::kMustExist, std::move(commands));
  if (!written) co_return written.error();
  if (!*written) co_return notFound("domain " + std::string(domain) + " does not exist");
  co_return ok();
}

boost::asio::awaitable<Result<bool>> AcmeStore::tryLock(std::string_view domain,
                                                        std::string_view holder,
                                                        std::chrono::seconds ttl) {
  redis::Command command{"SET",       keys::acmeLock(domain), std::string(holder), "NX", "EX",
                         seconds(ttl)};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  co_return reply->isStatus("OK");
}

boost::asio::awaitable<Result<bool>> AcmeStore::refreshLock(std::string_view domain,
                                                            std::string_view holder,
                                                            std::chrono::seconds ttl) {
  std::vector<std::string> script_keys{keys::acmeLock(domain)};
  std::vector<std::string> args{std::string(holder), seconds(ttl)};
  auto reply = co_await client_.eval(kExpireIfEquals, std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  co_return reply->integer() == 1;
}

boost::asio::awaitable<Result<bool>> AcmeStore::release(std::string_view domain,
                                                        std::string_view holder) {
  std::vector<std::string> script_keys{keys::acmeLock(domain)};
  std::vector<std::string> args{std::string(holder)};
  auto reply = co_await client_.eval(kDeleteIfEquals, std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  co_return reply->integer() == 1;
}

boost::asio::awaitable<Result<std::optional<std::string>>> AcmeStore::getTask(
    std::string_view domain) {
  redis::Command command{"GET", keys::acmeTask(domain)};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  co_return reply->toOptionalString();
}

boost::asio::awaitable<Result<void>> AcmeStore::setTask(std::string_view domain,
                                                        std::string_view task_id) {
  // The pointer never outlives the task record it names.
  redis::Command command{"SET", keys::acmeTask(domain), std::string(task_id), "EX",
                         seconds(kTaskRecordTtl)};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  co_return ok();
}

boost::asio::awaitable<Result<bool>> AcmeStore::clearTask(std::string_view domain,
                                                          std::string_view task_id) {
  std::vector<std::string> script_keys{keys::acmeTask(domain)};
  std::vector<std::string> args{std::string(task_id)};
  auto reply = co_await client_.eval(kDeleteIfEquals, std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  co_return reply->integer() == 1;
}

boost::asio::awaitable<Result<std::optional<AcmeAccount>>> AcmeStore::getAccount() {
  redis::Command command{"HGETALL", keys::acmeAccount()};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  auto fields = detail::toHashMap(*reply);
  if (!fields) co_return fields.error();
  if (fields->empty()) co_return std::optional<AcmeAccount>();
  AcmeAccount account;
  if (auto it = fields->find(kAccountKeyField); it != fields->end()) account.key = it->second;
  if (auto it = fields->find(kAccountKidField); it != fields->end()) account.kid = it->second;
  if (auto it = fields->find(kAccountDirectoryField); it != fields->end()) {
    account.directory = it->second;
  }
  co_return std::optional<AcmeAccount>(std::move(account));
}

boost::asio::awaitable<Result<void>> AcmeStore::putAccount(const AcmeAccount& account) {
  model::HashFields fields{{std::string(kAccountKeyField), account.key},
                           {std::string(kAccountKidField), account.kid},
                           {std::string(kAccountDirectoryField), account.directory}};
  auto reply = co_await client_.command(detail::hsetCommand(keys::acmeAccount(), fields));
  if (!reply) co_return reply.error();
  co_return ok();
}

boost::asio::awaitable<Result<std::optional<std::string>>> AcmeStore::getCertKey(
    std::string_view domain) {
  redis::Command command{"GET", keys::acmeCertKey(domain)};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  co_return reply->toOptionalString();
}

boost::asio::awaitable<Result<void>> AcmeStore::putCertKey(std::string_view domain,
                                                           std::string_view pem) {
  std::vector<redis::Command> commands{{"SET", keys::acmeCertKey(domain), std::string(pem)}};
  auto written = co_await detail::guardedWrite(client_, keys::domain(domain),
                                               detail::Guard::kMustExist, std::move(commands));
  if (!written) co_return written.error();
  if (!*written) co_return notFound("domain " + std::string(domain) + " does not exist");
  co_return ok();
}

}  // namespace cirrus::store
