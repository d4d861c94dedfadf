// Reading what Redis holds back into model shapes: hash replies into model::HashMap, stream
// replies into entries, and several hashes fetched in one pipeline. Internal to store/.
#pragma once

#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/redis_client.h"
#include "core/result.h"
#include "model/hash_fields.h"

namespace cirrus::store::detail {

/// HGETALL's reply as a HashMap; nil or an empty array is an empty map (the key is absent).
Result<model::HashMap> toHashMap(const redis::Reply& reply);

/// One stream entry as XRANGE/XREVRANGE return it.
struct StreamEntry {
  std::string id;
  model::HashMap fields;
};

/// XRANGE / XREVRANGE reply; storeProtocol when it is not [[id, [f, v, ...]], ...].
Result<std::vector<StreamEntry>> toStreamEntries(const redis::Reply& reply);

/// HGETALL of every key in one pipeline; the maps come back in the order of `keys` (empty for
/// a key that does not exist).
boost::asio::awaitable<Result<std::vector<model::HashMap>>> readHashes(
    redis::Client& client, const std::vector<std::string>& keys);

/// SMEMBERS of a set, sorted.
boost::asio::awaitable<Result<std::vector<std::string>>> readSortedMembers(redis::Client& client,
                                                                           std::string key);

}  // namespace cirrus::store::detail
