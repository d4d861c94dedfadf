#include "store/serial_store.h"

#include <string>
#include <vector>

#include "model/hash_fields.h"
#include "store/keys.h"

namespace cirrus::store {

namespace {

// KEYS[1] the serial. ARGV[1] the candidate. A damaged value is an error rather than 0: a
// serial that went backwards would make every secondary ignore the zone (RFC 1982 §3.2).
const redis::Script kAdvance(R"lua(
local stored = redis.call('GET', KEYS[1])
local current = 0
if stored then
  current = tonumber(stored)
  if current == nil then return redis.error_reply('stored serial is not a number') end
end
local serial = current + 1
local candidate = tonumber(ARGV[1])
if candidate > serial then serial = candidate end
redis.call('SET', KEYS[1], string.format('%d', serial))
return serial
)lua");

}  // namespace

boost::asio::awaitable<Result<std::optional<int64_t>>> SerialStore::get() {
  redis::Command command{"GET", keys::dnsSerial()};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  if (reply->isNil()) co_return std::optional<int64_t>();
  auto value = model::parseHashInt(reply->str());
  if (!value || *value < 0)
    co_return storeProtocol("stored serial is not a number: " + reply->str());
  co_return std::optional<int64_t>(*value);
}

boost::asio::awaitable<Result<int64_t>> SerialStore::advance(int64_t candidate) {
  std::vector<std::string> script_keys{keys::dnsSerial()};
  std::vector<std::string> args{std::to_string(candidate)};
  auto reply = co_await client_.eval(kAdvance, std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  co_return reply->toInteger();
}

}  // namespace cirrus::store
