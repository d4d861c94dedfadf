// DomainStore: customer domain configurations (spec §4 `cdn:domains`, `cdn:dom:{domain}`).
// Each change is one atomic unit with its audit entry; after the commit it publishes
// `cdn:conf` (payload: the domain) and `cdn:cname:dirty`, so edges reload and DNS rebuilds.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/redis_client.h"
#include "core/result.h"
#include "model/domain_conf.h"
#include "store/audit_log.h"

namespace cirrus::store {

/// Domain arguments are normalised names (model::parseDomainConf output: lower-case A-label).
/// Threading: as redis::Client. Holds a reference: the client must outlive it.
/// Every call can fail with the client's errors (storeUnavailable, storeTimeout, ...).
class DomainStore {
 public:
  explicit DomainStore(redis::Client& client) : client_(client) {}

  /// Every managed domain, sorted.
  boost::asio::awaitable<Result<std::vector<std::string>>> list();

  /// The parsed configuration; nullopt when the domain does not exist. storeProtocol when the
  /// stored document is not a valid DomainConf (the context says why).
  boost::asio::awaitable<Result<std::optional<model::DomainConf>>> get(std::string_view domain);

  /// Exactly the stored `cdn:dom:{domain}` JSON, unparsed (the edge parses it itself).
  boost::asio::awaitable<Result<std::optional<std::string>>> getRaw(std::string_view domain);

  /// Stores a new domain. conflict() when it exists already; of any number of concurrent
  /// creates of one domain exactly one succeeds. Audit action "domain.create".
  boost::asio::awaitable<Result<void>> create(const model::DomainConf& conf,
                                              const AuditContext& audit);

  /// Stores `conf`, replacing any previous configuration (creates it when absent; idempotent).
  /// Audit action "domain.update".
  boost::asio::awaitable<Result<void>> put(const model::DomainConf& conf,
                                           const AuditContext& audit);

  /// Deletes the domain with its certificate, ACME status, ACME domain key and in-flight task
  /// pointer. notFound() when it does not exist. The issuance lock is left to expire, so a
  /// running issuance keeps its exclusion; its final writes fail once the domain is gone.
  /// Also publishes `cdn:certs`, so edges drop the certificate. Audit action "domain.delete".
  boost::asio::awaitable<Result<void>> remove(std::string_view domain, const AuditContext& audit);

 private:
  boost::asio::awaitable<void> announce(std::string_view domain, bool certificate_gone);

  redis::Client& client_;
};

}  // namespace cirrus::store
