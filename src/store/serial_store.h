// SerialStore: the SOA serial of the steering zone (spec §4 `cdn:dns:serial`, §7). It only
// grows, across restarts and across DNS masters sharing one Redis: each advance stores
// max(previous + 1, candidate) atomically, where the caller's candidate is the unix time.
#pragma once

#include <cstdint>
#include <optional>

#include <boost/asio/awaitable.hpp>

#include "core/redis_client.h"
#include "core/result.h"

namespace cirrus::store {

/// Threading: as redis::Client. Holds a reference: the client must outlive it.
class SerialStore {
 public:
  explicit SerialStore(redis::Client& client) : client_(client) {}

  /// The last serial stored; nullopt before the first advance. storeProtocol when the key
  /// holds something that is not a non-negative integer.
  boost::asio::awaitable<Result<std::optional<int64_t>>> get();

  /// Stores and returns max(current + 1, candidate) (current 0 when unset), in one script, so
  /// two concurrent advances get two different serials. Unix time fits RFC 1982's 32-bit
  /// serial until 2106. redisReplyError when the key holds something that is not a number.
  boost::asio::awaitable<Result<int64_t>> advance(int64_t candidate);

 private:
  redis::Client& client_;
};

}  // namespace cirrus::store
