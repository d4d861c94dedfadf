// UserStore: operators who log in with a password (spec §4 `cdn:users`, `cdn:user:{name}`).
// Removing a user also ends every session of that user (the per-user session index
// `cdn:user_sessions:{name}`, see SessionStore), in the same script as the delete.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/redis_client.h"
#include "core/result.h"
#include "model/user.h"
#include "store/audit_log.h"

namespace cirrus::store {

/// Threading: as redis::Client. Holds a reference: the client must outlive it. Every call can
/// fail with the client's errors (storeUnavailable, storeTimeout, ...). Usernames are valid
/// (model::isValidUsername) and case-sensitive.
class UserStore {
 public:
  explicit UserStore(redis::Client& client) : client_(client) {}

  boost::asio::awaitable<Result<int64_t>> count();

  /// Every user, sorted by username, password hashes included (the API never renders them).
  /// A set member whose hash is missing is skipped; an unreadable role reads as viewer.
  boost::asio::awaitable<Result<std::vector<model::User>>> list();

  /// nullopt when the user does not exist.
  boost::asio::awaitable<Result<std::optional<model::User>>> get(std::string_view username);

  /// Stores a new user (user.password_hash is the argon2id PHC string). conflict() when the
  /// username exists; concurrent creates of one name yield exactly one success. Audit
  /// "user.create".
  boost::asio::awaitable<Result<void>> create(const model::User& user, const AuditContext& audit);

  /// Replaces every field of an existing user. notFound() when it does not exist. Ending the
  /// user's other sessions after a password change is the caller's decision
  /// (SessionStore::removeAllForUser). Audit "user.update".
  boost::asio::awaitable<Result<void>> update(const model::User& user, const AuditContext& audit);

  /// Deletes the user and all of its sessions atomically. notFound() when it does not exist.
  /// Audit "user.delete".
  boost::asio::awaitable<Result<void>> remove(std::string_view username, const AuditContext& audit);

 private:
  redis::Client& client_;
};

}  // namespace cirrus::store
