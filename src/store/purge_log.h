// Purge log (spec §6): a purge is appended to the `cdn:purge:log` stream first, then announced
// on `cdn:purge`; an edge that was disconnected replays the stream from the last entry it saw,
// so no purge is lost. The stream is trimmed to about kPurgeLogMaxLength entries.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/redis_client.h"
#include "core/result.h"
#include "model/field_error.h"
#include "model/purge.h"

namespace cirrus::store {

/// Approximate bound of the purge log (XADD MAXLEN ~). An edge disconnected for longer than
/// this many purges cannot replay them all and must treat its cache as stale.
inline constexpr size_t kPurgeLogMaxLength = 100000;

/// One replayed purge. The entry holds the exact pub/sub payload (field `payload`); when it
/// does not parse (a damaged or foreign entry), errors says why and message must not be used.
struct PurgeLogEntry {
  std::string id;  // stream id: pass the last one back to readAfter()
  model::PurgeMessage message;
  model::FieldErrors errors;

  bool ok() const { return errors.empty(); }
};

/// Threading: as redis::Client. Holds a reference: the client must outlive it. Every call can
/// fail with the client's errors (storeUnavailable, storeTimeout, ...).
class PurgeLog {
 public:
  explicit PurgeLog(redis::Client& client) : client_(client) {}

  /// XADD to the log, then PUBLISH the seed payload (model::toJson) on `cdn:purge`. Returns the
  /// entry id. When the XADD fails nothing is published; when only the PUBLISH fails the purge
  /// is still logged (edges replay it) and the id is returned. Prereq: `message` is valid.
  boost::asio::awaitable<Result<std::string>> append(const model::PurgeMessage& message);

  /// Up to `count` entries after `last_id` (exclusive), oldest first; from the start of the
  /// log when last_id is empty. redisReplyError when last_id is not a stream id.
  boost::asio::awaitable<Result<std::vector<PurgeLogEntry>>> readAfter(std::string_view last_id,
                                                                       size_t count);

  /// The id of the newest entry, "0-0" when the log is empty: where an edge that starts with
  /// an empty cache begins replaying from.
  boost::asio::awaitable<Result<std::string>> lastId();

 private:
  redis::Client& client_;
};

}  // namespace cirrus::store
