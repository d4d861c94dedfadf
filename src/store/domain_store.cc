#include "store/domain_store.h"

#include <utility>
#include <vector>

#include "store/keys.h"
#include "store/stored_values.h"
#include "store/write_unit.h"

namespace cirrus::store {

namespace {

std::string serialise(const model::DomainConf& conf) {
  return model::toJson(conf).dump();
}

}  // namespace

boost::asio::awaitable<Result<std::vector<std::string>>> DomainStore::list() {
  co_return co_await detail::readSortedMembers(client_, keys::domains());
}

boost::asio::awaitable<Result<std::optional<std::string>>> DomainStore::getRaw(
    std::string_view domain) {
  redis::Command command{"GET", keys::domain(domain)};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  co_return reply->toOptionalString();
}

boost::asio::awaitable<Result<std::optional<model::DomainConf>>> DomainStore::get(
    std::string_view domain) {
  auto raw = co_await getRaw(domain);
  if (!raw) co_return raw.error();
  if (!*raw) co_return std::optional<model::DomainConf>();
  auto json = nlohmann::json::parse(**raw, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    co_return storeProtocol("stored configuration of " + std::string(domain) + " is not JSON");
  }
  auto parsed = model::parseDomainConf(json, domain);
  if (!parsed.ok()) {
    co_return storeProtocol("stored configuration of " + std::string(domain) +
                            " is invalid: " + model::describe(parsed.errors));
  }
  co_return std::optional<model::DomainConf>(std::move(parsed.value));
}

boost::asio::awaitable<Result<void>> DomainStore::create(const model::DomainConf& conf,
                                                         const AuditContext& audit) {
  // SET NX cannot be combined with the SADD and XADD in MULTI (they would run even when the
  // SET did not), so the existence check and the writes are one script.
  std::vector<redis::Command> commands{{"SET", keys::domain(conf.domain), serialise(conf)},
                                       {"SADD", keys::domains(), conf.domain},
                                       auditCommand(audit, "domain.create", conf.domain)};
  auto written = co_await detail::guardedWrite(client_, keys::domain(conf.domain),
                                               detail::Guard::kMustBeAbsent, std::move(commands));
  if (!written) co_return written.error();
  if (!*written) co_return conflict("domain " + conf.domain + " already exists");
  co_await announce(conf.domain, false);
  co_return ok();
}

boost::asio::awaitable<Result<void>> DomainStore::put(const model::DomainConf& conf,
                                                      const AuditContext& audit) {
  std::vector<redis::Command> commands{{"SET", keys::domain(conf.domain), serialise(conf)},
                                       {"SADD", keys::domains(), conf.domain},
                                       auditCommand(audit, "domain.update", conf.domain)};
  auto done = co_await detail::transact(client_, std::move(commands));
  if (!done) co_return done.error();
  co_await announce(conf.domain, false);
  co_return ok();
}

boost::asio::awaitable<Result<void>> DomainStore::remove(std::string_view domain,
                                                         const AuditContext& audit) {
  std::string name(domain);
  std::vector<redis::Command> commands{
      {"DEL", keys::domain(name), keys::cert(name), keys::acme(name), keys::acmeCertKey(name),
       keys::acmeTask(name)},
      {"SREM", keys::domains(), name},
      auditCommand(audit, "domain.delete", name)};
  auto written = co_await detail::guardedWrite(client_, keys::domain(name),
                                               detail::Guard::kMustExist, std::move(commands));
  if (!written) co_return written.error();
  if (!*written) co_return notFound("domain " + name + " does not exist");
  co_await announce(name, true);
  co_return ok();
}

boost::asio::awaitable<void> DomainStore::announce(std::string_view domain, bool certificate_gone) {
  std::vector<detail::Notice> notices{{keys::confChannel(), std::string(domain)},
                                      {keys::cnameDirtyChannel(), std::string(domain)}};
  // Edges keep certificates in memory: cdn:certs lets them drop a deleted domain's key.
  if (certificate_gone) notices.emplace_back(keys::certsChannel(), std::string(domain));
  co_await detail::publishAfterCommit(client_, std::move(notices));
}

}  // namespace cirrus::store
