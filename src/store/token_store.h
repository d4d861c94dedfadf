// TokenStore: service (bearer) tokens (spec §4 `cdn:tokens`, `cdn:token:{id}`,
// `cdn:token_hash:{sha256hex}`, §9). Only the SHA-256 of a token reaches the store. The token
// hash also keeps that SHA-256 in a field the model never reads or renders (`sha256`), so
// removing a token removes its lookup key in the same script.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/redis_client.h"
#include "core/result.h"
#include "model/token.h"
#include "store/audit_log.h"

namespace cirrus::store {

/// Threading: as redis::Client. Holds a reference: the client must outlive it. Every call can
/// fail with the client's errors (storeUnavailable, storeTimeout, ...). `sha256hex` is the
/// lower-case hex SHA-256 of the plaintext token, computed by the API.
class TokenStore {
 public:
  explicit TokenStore(redis::Client& client) : client_(client) {}

  boost::asio::awaitable<Result<int64_t>> count();

  /// Every token, oldest first (created_at, then id). A set member whose hash is missing is
  /// skipped; an unreadable role reads as viewer.
  boost::asio::awaitable<Result<std::vector<model::Token>>> list();

  /// Stores the token record, its id in the set and the lookup key sha256hex -> id, atomically.
  /// token.id is chosen by the caller (random). conflict() when the id exists. Audit
  /// "token.create".
  boost::asio::awaitable<Result<void>> create(const model::Token& token, std::string_view sha256hex,
                                              const AuditContext& audit);

  /// The token whose secret hashes to `sha256hex`; nullopt when none (or it was removed).
  boost::asio::awaitable<Result<std::optional<model::Token>>> findByHash(
      std::string_view sha256hex);

  /// Deletes the token and its lookup key. notFound() when it does not exist. Audit
  /// "token.delete".
  boost::asio::awaitable<Result<void>> remove(std::string_view id, const AuditContext& audit);

 private:
  boost::asio::awaitable<Result<std::optional<model::Token>>> get(const std::string& id);

  redis::Client& client_;
};

}  // namespace cirrus::store
