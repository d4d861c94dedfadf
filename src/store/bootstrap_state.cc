#include "store/bootstrap_state.h"

#include "store/keys.h"

namespace cirrus::store {

boost::asio::awaitable<Result<bool>> bootstrapOpen(redis::Client& client) {
  redis::Command command{"EXISTS", keys::users(), keys::tokens()};
  auto reply = co_await client.command(std::move(command));
  if (!reply) co_return reply.error();
  co_return reply->integer() == 0;
}

}  // namespace cirrus::store
