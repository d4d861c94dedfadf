#include "tasks/leader_lease.h"

#include <utility>
#include <vector>

#include "store/keys.h"

namespace cirrus::tasks {

namespace {

// KEYS[1]: lease, KEYS[2]: fence. ARGV[1]: holder, ARGV[2]: ttl (ms). The token is drawn only
// when the lease is free, so tokens grow strictly with each leadership.
const redis::Script kAcquire(R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. token, 'PX', ARGV[2])
return token
)lua");

// KEYS[1]: lease. ARGV[1]: our value, ARGV[2]: ttl (ms). 1 when extended, 0 when not ours.
const redis::Script kRenew(R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
)lua");

// KEYS[1]: lease. ARGV[1]: our value.
const redis::Script kRelease(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
)lua");

}  // namespace

LeaderLease::LeaderLease(redis::Client& client, std::string holder, std::chrono::milliseconds ttl)
    : client_(client), holder_(std::move(holder)), ttl_(ttl) {}

std::string LeaderLease::value() const {
  return holder_ + ":" + std::to_string(token());
}

boost::asio::awaitable<Result<std::optional<int64_t>>> LeaderLease::tryAcquire() {
  std::vector<std::string> script_keys{store::keys::schedulerLease(),
                                       store::keys::schedulerFence()};
  std::vector<std::string> args{holder_, std::to_string(ttl_.count())};
  auto reply = co_await client_.eval(kAcquire, std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  if (reply->isNil()) co_return std::optional<int64_t>();
  token_ = reply->integer();
  co_return token_;
}

boost::asio::awaitable<Result<bool>> LeaderLease::renew() {
  if (!token_) co_return false;
  std::vector<std::string> script_keys{store::keys::schedulerLease()};
  std::vector<std::string> args{value(), std::to_string(ttl_.count())};
  auto reply = co_await client_.eval(kRenew, std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  if (reply->integer() != 1) token_.reset();
  co_return token_.has_value();
}

boost::asio::awaitable<Result<void>> LeaderLease::release() {
  if (!token_) co_return ok();
  std::vector<std::string> script_keys{store::keys::schedulerLease()};
  std::vector<std::string> args{value()};
  token_.reset();
  auto reply = co_await client_.eval(kRelease, std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  co_return ok();
}

}  // namespace cirrus::tasks
