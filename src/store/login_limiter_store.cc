#include "store/login_limiter_store.h"

#include <string>
#include <utility>
#include <vector>

#include "store/keys.h"

namespace cirrus::store {

boost::asio::awaitable<Result<LoginFailures>> LoginLimiterStore::get(std::string_view scope,
                                                                     std::string_view who) {
  std::string key = keys::loginFailures(scope, who);
  std::vector<redis::Command> commands{{"GET", key}, {"TTL", key}};
  auto replies = co_await client_.pipeline(std::move(commands));
  if (!replies) co_return replies.error();
  LoginFailures out;
  const auto& r = *replies;
  if (r.size() != 2) co_return storeProtocol("login failures: unexpected pipeline reply");
  if (!r[0].isNil()) {
    auto count = r[0].toInteger();
    if (!count) co_return count.error();
    out.count = *count;
  }
  // TTL is -2 for a missing key and -1 for one without expiry (never written by this store).
  out.retry_after_seconds = r[1].integer() > 0 ? r[1].integer() : 0;
  co_return out;
}

boost::asio::awaitable<Result<int64_t>> LoginLimiterStore::recordFailure(
    std::string_view scope, std::string_view who, std::chrono::seconds window) {
  std::string key = keys::loginFailures(scope, who);
  // EXPIRE NX (Redis 7) starts the window on the first failure only, so failures cannot keep
  // extending it; in one MULTI so a counter never lives without a TTL.
  std::vector<redis::Command> commands{{"INCR", key},
                                       {"EXPIRE", key, std::to_string(window.count()), "NX"}};
  auto replies = co_await client_.transaction(std::move(commands));
  if (!replies) co_return replies.error();
  if (replies->empty()) co_return storeProtocol("login failures: empty EXEC reply");
  co_return (*replies)[0].toInteger();
}

boost::asio::awaitable<Result<void>> LoginLimiterStore::clear(std::string_view scope,
                                                              std::string_view who) {
  auto reply = co_await client_.command("DEL", keys::loginFailures(scope, who));
  if (!reply) co_return reply.error();
  co_return ok();
}

}  // namespace cirrus::store
