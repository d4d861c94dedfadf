// SessionStore: login sessions (spec §4 `cdn:session:{sha256hex}`, §9), keyed by the SHA-256
// of the cookie so a Redis dump reveals no usable cookie. The TTL slides: every use extends
// it. A per-user index (`cdn:user_sessions:{username}`) lets all of a user's sessions end at
// once; it is pruned of expired sessions on each login and expires with the last session.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "core/redis_client.h"
#include "core/result.h"

namespace cirrus::store {

struct Session {
  std::string username;
  int64_t created_at = 0;  // unix seconds

  bool operator==(const Session&) const = default;
};

/// Threading: as redis::Client. Holds a reference: the client must outlive it. Every call can
/// fail with the client's errors (storeUnavailable, storeTimeout, ...). `sha256hex` is the
/// lower-case hex SHA-256 of the cookie value, computed by the API; the cookie itself never
/// reaches the store. Prereq: ttl >= 1 s (SESSION_TTL_SECONDS).
class SessionStore {
 public:
  explicit SessionStore(redis::Client& client) : client_(client) {}

  /// Stores a session for `username` expiring after `ttl`, and indexes it under the user.
  boost::asio::awaitable<Result<void>> create(std::string_view sha256hex, std::string_view username,
                                              std::chrono::seconds ttl, int64_t now);

  /// Reads the session and extends its TTL to `ttl` in one round trip (sliding expiry, spec
  /// §9); nullopt when it does not exist or has expired.
  boost::asio::awaitable<Result<std::optional<Session>>> touch(std::string_view sha256hex,
                                                               std::chrono::seconds ttl);

  /// Ends one session (logout). Returns false when it did not exist.
  boost::asio::awaitable<Result<bool>> remove(std::string_view sha256hex);

  /// Ends every session of `username`. Returns how many existed.
  boost::asio::awaitable<Result<int64_t>> removeAllForUser(std::string_view username);

 private:
  redis::Client& client_;
};

}  // namespace cirrus::store
