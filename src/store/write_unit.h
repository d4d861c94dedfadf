// How a repository change reaches Redis: one atomic unit (MULTI/EXEC, or one Lua script when
// the change depends on what is stored), then the pub/sub notifications, published only after
// the commit. Internal to store/; repositories build their commands and call these.
//
// Throughout store/, commands are built in their own statement before `co_await`: GCC 12
// rejects a braced list inside a co_await expression ("array used as initializer").
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/redis_client.h"
#include "core/result.h"
#include "model/hash_fields.h"

namespace cirrus::store::detail {

/// Whether a guarded write requires its guard key to exist or to be absent.
enum class Guard { kMustExist, kMustBeAbsent };

/// Runs `commands` atomically, in order, only if `guard_key` exists (kMustExist) or is absent
/// (kMustBeAbsent), as one Lua script: the check and the writes cannot interleave with another
/// client. Returns true when the commands ran, false when the guard failed (nothing was
/// written). Errors: the client's (storeUnavailable, storeTimeout); redisReplyError when a
/// command fails inside the script (writes before it stay applied, as with MULTI/EXEC).
/// The keys the commands touch are not declared to the script: Cirrus runs on one Redis,
/// never a cluster (docs/redis-schema.md).
boost::asio::awaitable<Result<bool>> guardedWrite(redis::Client& client, std::string guard_key,
                                                  Guard guard,
                                                  std::vector<redis::Command> commands);

/// MULTI, commands, EXEC; a command that failed at run time (WRONGTYPE) becomes
/// redisReplyError naming it, so a committed-but-broken write is never reported as success.
boost::asio::awaitable<Result<void>> transact(redis::Client& client,
                                              std::vector<redis::Command> commands);

/// One pub/sub notification: channel and payload.
using Notice = std::pair<std::string, std::string>;

/// PUBLISHes each notice in order, in one pipeline, after the change was committed. A failure
/// is logged, not returned: the change is stored, pub/sub is at-most-once anyway (spec §4),
/// and every subscriber re-reads the state after it reconnects.
boost::asio::awaitable<void> publishAfterCommit(redis::Client& client, std::vector<Notice> notices);

/// {"HSET", key, f1, v1, f2, v2, ...}.
redis::Command hsetCommand(std::string key, const model::HashFields& fields);

/// Appends the arguments of `command` from index `from` to `out` (splicing a command built
/// elsewhere, e.g. the audit XADD, into a script's ARGV).
void appendArgs(std::vector<std::string>& out, const redis::Command& command, size_t from);

}  // namespace cirrus::store::detail
