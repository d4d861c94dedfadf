// Audit log: who changed what, when (spec §4 `cdn:audit`). Every repository write that an API
// call makes appends its entry inside the same atomic unit as the change (auditCommand()), so
// the log never records a change that did not happen, nor misses one that did. The stream is
// trimmed to about kAuditMaxLength entries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "core/redis_client.h"
#include "core/result.h"

namespace cirrus::store {

/// Approximate bound of the audit stream (XADD MAXLEN ~): about 100 days of 1,000 changes a
/// day; older entries are trimmed by Redis.
inline constexpr size_t kAuditMaxLength = 100000;

/// How the principal authenticated (spec §10 auth/me `method`).
enum class AuthMethod { kSession, kToken, kMaster, kBootstrap };

std::string_view toString(AuthMethod method);  // "session" / "token" / "master" / "bootstrap"
std::optional<AuthMethod> parseAuthMethod(std::string_view text);

/// Who makes a change, how they authenticated and when; repositories add the action and the
/// target. `details` is recorded verbatim (an object; keep secrets out of it).
struct AuditContext {
  std::string actor;  // username, token id, "master" or "bootstrap"
  AuthMethod method = AuthMethod::kSession;
  int64_t at = 0;  // unix seconds; also the updated_at/created_at of what the change writes
  nlohmann::json details = nlohmann::json::object();
};

/// One stored entry, as read back. Fields are what was written, so an entry from a newer
/// writer is shown as it is.
struct AuditEntry {
  std::string id;  // stream id, e.g. "1700000000000-0"
  int64_t ts = 0;  // unix seconds
  std::string actor;
  std::string method;
  std::string action;  // "<entity>.<verb>": domain.create, node.update, token.delete ...
  std::string target;  // the entity's name or id
  nlohmann::json details = nlohmann::json::object();

  bool operator==(const AuditEntry&) const = default;
};

/// XADD cdn:audit MAXLEN ~ kAuditMaxLength * ts actor method action target details — for a
/// repository to put inside its MULTI/EXEC or Lua script.
redis::Command auditCommand(const AuditContext& context, std::string_view action,
                            std::string_view target);

/// Threading: as redis::Client (one executor). Holds a reference: the client must outlive it.
class AuditLog {
 public:
  explicit AuditLog(redis::Client& client) : client_(client) {}

  /// Appends one entry on its own, for actions that change nothing else in Redis (a purge
  /// request, a login). Returns the entry id.
  boost::asio::awaitable<Result<std::string>> append(const AuditContext& context,
                                                     std::string_view action,
                                                     std::string_view target);

  /// Newest first: up to `count` entries older than `before_id` (exclusive), or the newest
  /// when before_id is nullopt. Pass the last id of a page to get the next one. An entry
  /// whose details are not JSON is returned with details as the raw string.
  /// redisReplyError when before_id is not a stream id ("1700000000000-0").
  boost::asio::awaitable<Result<std::vector<AuditEntry>>> page(std::optional<std::string> before_id,
                                                               size_t count);

 private:
  redis::Client& client_;
};

}  // namespace cirrus::store
