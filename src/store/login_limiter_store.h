// LoginLimiterStore: counts failed logins per scope ("ip", "user") and subject in Redis
// (`cdn:loginfail:{scope}:{who}`), so the login rate limit of spec §9 holds across any number
// of API replicas. A counter lives for one fixed window from its first failure.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "core/redis_client.h"
#include "core/result.h"

namespace cirrus::store {

/// Failures recorded in the current window and the seconds until the window ends (0 when no
/// failure is recorded).
struct LoginFailures {
  int64_t count = 0;
  int64_t retry_after_seconds = 0;
};

/// Threading: as redis::Client. Holds a reference: the client must outlive it. Every call can
/// fail with the client's errors (storeUnavailable, storeTimeout, ...). `who` is a client
/// address or a username; callers keep it bounded (usernames are validated first).
class LoginLimiterStore {
 public:
  explicit LoginLimiterStore(redis::Client& client) : client_(client) {}

  /// The current window's failures, in one round trip (GET + TTL pipelined).
  boost::asio::awaitable<Result<LoginFailures>> get(std::string_view scope, std::string_view who);

  /// Counts one failure; the first failure of a window starts it with length `window`.
  /// Returns the new count. Prereq: window >= 1 s.
  boost::asio::awaitable<Result<int64_t>> recordFailure(std::string_view scope,
                                                        std::string_view who,
                                                        std::chrono::seconds window);

  /// Forgets the failures (after a successful login of that user).
  boost::asio::awaitable<Result<void>> clear(std::string_view scope, std::string_view who);

 private:
  redis::Client& client_;
};

}  // namespace cirrus::store
