#include "store/cert_store.h"

#include <utility>
#include <vector>

#include "core/log.h"
#include "store/keys.h"
#include "store/stored_values.h"
#include "store/write_unit.h"

namespace cirrus::store {

namespace {

constexpr std::string_view kFullchainField = "fullchain";
constexpr std::string_view kKeyField = "key";

// The metadata field names, taken from the model so the two never drift apart.
std::vector<std::string> metaFieldNames() {
  std::vector<std::string> names;
  for (auto& [field, value] : model::toHash(model::CertificateMeta{})) names.push_back(field);
  return names;
}

model::CertificateMeta readMeta(std::string_view domain, const model::HashMap& fields) {
  auto parsed = model::certificateMetaFromHash(domain, fields);
  if (!parsed.ok()) {
    log::warn("stored certificate has invalid metadata; using defaults for it",
              {{"domain", domain}, {"errors", model::describe(parsed.errors)}});
  }
  return std::move(parsed.value);
}

}  // namespace

boost::asio::awaitable<Result<std::optional<model::CertificateMeta>>> CertStore::getMeta(
    std::string_view domain) {
  std::vector<std::string> names = metaFieldNames();
  redis::Command command{"HMGET", keys::cert(domain)};
  command.insert(command.end(), names.begin(), names.end());
  // EXISTS in the same pipeline: HMGET cannot tell an absent hash from absent fields.
  std::vector<redis::Command> commands{{"EXISTS", keys::cert(domain)}, std::move(command)};
  auto replies = co_await client_.pipeline(std::move(commands));
  if (!replies) co_return replies.error();
  for (const redis::Reply& reply : *replies) {
    if (reply.isError()) co_return redisReplyError(reply.str());
  }
  if ((*replies)[0].integer() == 0) co_return std::optional<model::CertificateMeta>();
  auto values = (*replies)[1].toOptionalStringVector();
  if (!values) co_return values.error();
  model::HashMap fields;
  for (size_t i = 0; i < names.size() && i < values->size(); ++i) {
    if ((*values)[i]) fields.emplace(names[i], std::move(*(*values)[i]));
  }
  co_return std::optional<model::CertificateMeta>(readMeta(domain, fields));
}

boost::asio::awaitable<Result<std::optional<StoredCertificate>>> CertStore::getFull(
    std::string_view domain) {
  redis::Command command{"HGETALL", keys::cert(domain)};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  auto fields = detail::toHashMap(*reply);
  if (!fields) co_return fields.error();
  auto chain = fields->find(kFullchainField);
  auto key = fields->find(kKeyField);
  if (chain == fields->end() || key == fields->end() || chain->second.empty() ||
      key->second.empty()) {
    co_return std::optional<StoredCertificate>();
  }
  StoredCertificate cert{readMeta(domain, *fields), std::move(chain->second),
                         std::move(key->second)};
  co_return std::optional<StoredCertificate>(std::move(cert));
}

boost::asio::awaitable<Result<void>> CertStore::put(std::string_view domain,
                                                    std::string_view fullchain,
                                                    std::string_view key,
                                                    const model::CertificateMeta& meta,
                                                    const std::optional<AuditContext>& audit) {
  std::string name(domain);
  model::HashFields fields{{std::string(kFullchainField), std::string(fullchain)},
                           {std::string(kKeyField), std::string(key)}};
  for (auto& field : model::toHash(meta)) fields.push_back(std::move(field));
  std::vector<redis::Command> commands{{"DEL", keys::cert(name)},
                                       detail::hsetCommand(keys::cert(name), fields)};
  if (audit) commands.push_back(auditCommand(*audit, "certificate.update", name));
  auto written = co_await detail::guardedWrite(client_, keys::domain(name),
                                               detail::Guard::kMustExist, std::move(commands));
  if (!written) co_return written.error();
  if (!*written) co_return notFound("domain " + name + " does not exist");
  std::vector<detail::Notice> notices{{keys::certsChannel(), name}};
  co_await detail::publishAfterCommit(client_, std::move(notices));
  co_return ok();
}

boost::asio::awaitable<Result<void>> CertStore::remove(std::string_view domain,
                                                       const AuditContext& audit) {
  std::string name(domain);
  std::vector<redis::Command> commands{{"DEL", keys::cert(name)},
                                       auditCommand(audit, "certificate.delete", name)};
  auto written = co_await detail::guardedWrite(client_, keys::cert(name), detail::Guard::kMustExist,
                                               std::move(commands));
  if (!written) co_return written.error();
  if (!*written) co_return notFound("domain " + name + " has no certificate");
  std::vector<detail::Notice> notices{{keys::certsChannel(), name}};
  co_await detail::publishAfterCommit(client_, std::move(notices));
  co_return ok();
}

}  // namespace cirrus::store
