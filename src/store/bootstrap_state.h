// Bootstrap state (spec §9): until the first user or service token exists, the API lets
// requests through without credentials so the first admin can be created.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "core/redis_client.h"
#include "core/result.h"

namespace cirrus::store {

/// True while `cdn:users` and `cdn:tokens` are both empty (Redis deletes an emptied set, so
/// one EXISTS of the two keys answers it in one round trip). Errors: the client's. The API
/// must treat an error as "closed": an outage never opens the door.
boost::asio::awaitable<Result<bool>> bootstrapOpen(redis::Client& client);

}  // namespace cirrus::store
