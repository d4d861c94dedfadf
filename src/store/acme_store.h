// AcmeStore: the ACME worker's state in Redis (spec §4): per-domain issuance status and
// acme-dns registration, the issuance lock (SET NX EX, released only by its holder), the
// in-flight task pointer, the ACME account and each domain's reused private key.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "core/redis_client.h"
#include "core/result.h"
#include "model/acme_status.h"

namespace cirrus::store {

/// `cdn:acmeacct:global`: the ACME account, shared by every worker.
struct AcmeAccount {
  std::string key;        // account private key PEM; never logged
  std::string kid;        // account URL (RFC 8555 §7.3)
  std::string directory;  // directory URL the account belongs to

  bool operator==(const AcmeAccount&) const = default;
};

/// Threading: as redis::Client. Holds a reference: the client must outlive it. Every call can
/// fail with the client's errors (storeUnavailable, storeTimeout, ...).
class AcmeStore {
 public:
  explicit AcmeStore(redis::Client& client) : client_(client) {}

  /// nullopt when the domain has no ACME state. Unreadable fields are logged; an unknown
  /// status reads as failed (model::acmeStatusFromHash).
  boost::asio::awaitable<Result<std::optional<model::AcmeStatus>>> getStatus(
      std::string_view domain);
  /// Writes every status field. notFound() when the domain does not exist (a deleted domain's
  /// state is not recreated by a late worker).
  boost::asio::awaitable<Result<void>> setStatus(std::string_view domain,
                                                 const model::AcmeStatus& status);

  /// Takes `cdn:acme:lock:{domain}` for `holder` (a unique id per attempt) for `ttl`
  /// (ACME_LOCK_TTL). Returns false when another holder has it. Prereq: ttl >= 1 s.
  boost::asio::awaitable<Result<bool>> tryLock(std::string_view domain, std::string_view holder,
                                               std::chrono::seconds ttl);
  /// Extends the lock to `ttl` from now if `holder` still has it; false when it does not
  /// (it expired, possibly taken by another holder).
  boost::asio::awaitable<Result<bool>> refreshLock(std::string_view domain, std::string_view holder,
                                                   std::chrono::seconds ttl);
  /// Releases the lock if `holder` has it; false (and nothing deleted) when it expired and is
  /// now another holder's, or is free.
  boost::asio::awaitable<Result<bool>> release(std::string_view domain, std::string_view holder);

  /// The id of the domain's in-flight issuance task, so a second request returns the same
  /// task instead of enqueueing another.
  boost::asio::awaitable<Result<std::optional<std::string>>> getTask(std::string_view domain);
  /// The pointer expires with the task record (kTaskRecordTtl).
  boost::asio::awaitable<Result<void>> setTask(std::string_view domain, std::string_view task_id);
  /// Clears the pointer if it still names `task_id`; false otherwise.
  boost::asio::awaitable<Result<bool>> clearTask(std::string_view domain, std::string_view task_id);

  /// nullopt when no account was registered yet.
  boost::asio::awaitable<Result<std::optional<AcmeAccount>>> getAccount();
  boost::asio::awaitable<Result<void>> putAccount(const AcmeAccount& account);

  /// The domain's certificate private key PEM, reused across renewals; never logged.
  boost::asio::awaitable<Result<std::optional<std::string>>> getCertKey(std::string_view domain);
  /// notFound() when the domain does not exist (domain removal deletes the key).
  boost::asio::awaitable<Result<void>> putCertKey(std::string_view domain, std::string_view pem);

 private:
  redis::Client& client_;
};

}  // namespace cirrus::store
