#include "store/stored_values.h"

#include <algorithm>
#include <utility>

namespace cirrus::store::detail {

Result<model::HashMap> toHashMap(const redis::Reply& reply) {
  auto map = reply.toMap();
  if (!map) return map.error();
  return model::HashMap(std::make_move_iterator(map->begin()), std::make_move_iterator(map->end()));
}

Result<std::vector<StreamEntry>> toStreamEntries(const redis::Reply& reply) {
  std::vector<StreamEntry> entries;
  if (reply.isNil()) return entries;
  if (!reply.isArray()) {
    return storeProtocol("stream reply is " + std::string(redis::toString(reply.type())));
  }
  entries.reserve(reply.elements().size());
  for (const redis::Reply& item : reply.elements()) {
    if (!item.isArray() || item.elements().size() != 2 || !item.elements()[0].isString()) {
      return storeProtocol("stream entry is not [id, fields]: " + item.debugString());
    }
    auto fields = toHashMap(item.elements()[1]);
    if (!fields) return fields.error();
    entries.push_back({item.elements()[0].str(), std::move(*fields)});
  }
  return entries;
}

boost::asio::awaitable<Result<std::vector<model::HashMap>>> readHashes(
    redis::Client& client, const std::vector<std::string>& keys) {
  std::vector<model::HashMap> maps;
  if (keys.empty()) co_return maps;
  std::vector<redis::Command> commands;
  commands.reserve(keys.size());
  for (const std::string& key : keys) commands.push_back({"HGETALL", key});
  auto replies = co_await client.pipeline(std::move(commands));
  if (!replies) co_return replies.error();
  maps.reserve(replies->size());
  for (const redis::Reply& reply : *replies) {
    if (reply.isError()) co_return redisReplyError(reply.str());
    auto map = toHashMap(reply);
    if (!map) co_return map.error();
    maps.push_back(std::move(*map));
  }
  co_return maps;
}

boost::asio::awaitable<Result<std::vector<std::string>>> readSortedMembers(redis::Client& client,
                                                                           std::string key) {
  redis::Command command{"SMEMBERS", std::move(key)};
  auto reply = co_await client.command(std::move(command));
  if (!reply) co_return reply.error();
  auto members = reply->toStringVector();
  if (!members) co_return members.error();
  std::sort(members->begin(), members->end());
  co_return std::move(*members);
}

}  // namespace cirrus::store::detail
