// LeaderLease: the periodic scheduler's leader lease `cdn:scheduler:lease` (spec §8). Taking
// it is SET NX PX plus INCR of `cdn:scheduler:fence` in one script, so every leadership has a
// fencing token larger than all before it; the lease value is "{holder}:{token}". Writes made
// as leader (TaskStore::enqueuePeriodic) check value and token atomically, so a leader that
// was deposed while paused cannot act on stale belief.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/redis_client.h"
#include "core/result.h"

namespace cirrus::tasks {

/// Threading: as redis::Client; holds a reference to the client, which must outlive it.
class LeaderLease {
 public:
  LeaderLease(redis::Client& client, std::string holder, std::chrono::milliseconds ttl);

  /// Takes the lease if nobody holds it; returns the new fencing token, or nullopt when
  /// another holder (or an earlier leadership of this holder) has it.
  boost::asio::awaitable<Result<std::optional<int64_t>>> tryAcquire();

  /// Extends the lease by ttl while its value is still ours; false when it expired or was
  /// taken (leadership lost: stop acting as leader).
  boost::asio::awaitable<Result<bool>> renew();

  /// Deletes the lease if it is still ours, so another process takes over at once.
  boost::asio::awaitable<Result<void>> release();

  /// True between a successful tryAcquire() and a renew() that returns false / release().
  bool held() const { return token_.has_value(); }
  /// The fencing token of the current leadership (0 when not held).
  int64_t token() const { return token_.value_or(0); }
  /// The lease value of the current leadership, "{holder}:{token}".
  std::string value() const;
  const std::string& holder() const { return holder_; }
  /// Forgets the leadership locally without touching Redis (e.g. it could not be renewed in
  /// time).
  void forget() { token_.reset(); }

 private:
  redis::Client& client_;
  std::string holder_;
  std::chrono::milliseconds ttl_;
  std::optional<int64_t> token_;
};

}  // namespace cirrus::tasks
