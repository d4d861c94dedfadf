#include "store/purge_log.h"

#include <utility>

#include <nlohmann/json.hpp>

#include "core/log.h"
#include "store/keys.h"
#include "store/stored_values.h"

namespace cirrus::store {

namespace {

constexpr std::string_view kPayloadField = "payload";

PurgeLogEntry entryFromStream(detail::StreamEntry&& stored) {
  PurgeLogEntry entry;
  entry.id = std::move(stored.id);
  auto payload = stored.fields.find(kPayloadField);
  if (payload == stored.fields.end()) {
    entry.errors.push_back(model::FieldError::missing({std::string(kPayloadField)}));
    return entry;
  }
  auto json = nlohmann::json::parse(payload->second, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    entry.errors.push_back(
        model::FieldError::valueError({std::string(kPayloadField)}, "payload is not JSON"));
    return entry;
  }
  auto parsed = model::parsePurgeMessage(json, model::PurgeMessageSource::kBus);
  entry.message = std::move(parsed.value);
  entry.errors = std::move(parsed.errors);
  return entry;
}

void logUnpublished(const std::string& id, const Error& error) {
  log::warn("purge logged but not published; edges apply it when they replay the log",
            {{"id", id}, {"error", error.message()}});
}

}  // namespace

boost::asio::awaitable<Result<std::string>> PurgeLog::append(const model::PurgeMessage& message) {
  std::string payload = model::toJson(message).dump();
  redis::Command xadd{
      "XADD", keys::purgeLog(),           "MAXLEN", "~", std::to_string(kPurgeLogMaxLength),
      "*",    std::string(kPayloadField), payload};
  auto id = co_await client_.command(std::move(xadd));
  if (!id) co_return id.error();
  // Spec §6: only a logged purge is announced, so a replaying edge never misses one it was
  // told about.
  redis::Command publish{"PUBLISH", keys::purgeChannel(), std::move(payload)};
  auto published = co_await client_.command(std::move(publish));
  if (!published) logUnpublished(id->str(), published.error());
  co_return id->str();
}

boost::asio::awaitable<Result<std::vector<PurgeLogEntry>>> PurgeLog::readAfter(
    std::string_view last_id, size_t count) {
  std::vector<PurgeLogEntry> entries;
  if (count == 0) co_return entries;
  // "(" makes the start exclusive (Redis >= 6.2).
  std::string start = last_id.empty() ? "-" : "(" + std::string(last_id);
  redis::Command command{"XRANGE", keys::purgeLog(), std::move(start),
                         "+",      "COUNT",          std::to_string(count)};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  auto stored = detail::toStreamEntries(*reply);
  if (!stored) co_return stored.error();
  entries.reserve(stored->size());
  for (detail::StreamEntry& s : *stored) entries.push_back(entryFromStream(std::move(s)));
  co_return entries;
}

boost::asio::awaitable<Result<std::string>> PurgeLog::lastId() {
  redis::Command command{"XREVRANGE", keys::purgeLog(), "+", "-", "COUNT", "1"};
  auto reply = co_await client_.command(std::move(command));
  if (!reply) co_return reply.error();
  auto stored = detail::toStreamEntries(*reply);
  if (!stored) co_return stored.error();
  if (stored->empty()) co_return std::string("0-0");
  co_return std::move(stored->front().id);
}

}  // namespace cirrus::store
