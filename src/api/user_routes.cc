// users, users/{username} (spec §10): operator accounts. Passwords are hashed with argon2id
// off the event loop; a password change ends every session of that user.
#include <string>
#include <utility>

#include "api/responses.h"
#include "api/route_table.h"
#include "model/user.h"
#include "store/session_store.h"
#include "store/user_store.h"

namespace cirrus::api {

namespace asio = boost::asio;
using http::Response;
using http::status;

namespace {

std::string what(std::string_view username) {
  return "user '" + std::string(username) + "'";
}

asio::awaitable<Response> listUsers(ApiContext& ctx, http::RequestContext&, const Principal*) {
  store::UserStore users(ctx.redis);
  auto list = co_await users.list();
  if (!list) co_return errorResponse(list.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& u : *list) out.push_back(model::toJson(u));
  co_return http::jsonResponse(status::ok, out);
}

asio::awaitable<Response> createUser(ApiContext& ctx, http::RequestContext& rc,
                                     const Principal* who) {
  auto body = http::parseJsonBody(rc.request);
  if (!body) co_return body.error().toResponse();
  auto parsed = model::parseUserCreate(*body);
  if (!parsed.ok()) co_return validationResponse(parsed.errors);
  auto hash = co_await hashPasswordOffLoop(ctx, parsed.value.password);
  if (!hash) co_return errorResponse(internalError("argon2id hashing failed"));
  model::User user;
  user.username = parsed.value.username;
  user.password_hash = std::move(*hash);
  user.role = parsed.value.role;
  user.created_at = unixNow();
  store::UserStore users(ctx.redis);
  auto created = co_await users.create(user, who->audit());
  if (!created) co_return errorResponse(created.error(), what(user.username));
  co_return http::jsonResponse(status::created, model::toJson(user));
}

asio::awaitable<Response> getUser(ApiContext& ctx, http::RequestContext& rc, const Principal*) {
  std::string name(rc.param("username"));
  store::UserStore users(ctx.redis);
  auto user = co_await users.get(name);
  if (!user) co_return errorResponse(user.error());
  if (!*user) co_return errorResponse(notFound(name), what(name));
  co_return http::jsonResponse(status::ok, model::toJson(**user));
}

asio::awaitable<Response> patchUser(ApiContext& ctx, http::RequestContext& rc,
                                    const Principal* who) {
  std::string name(rc.param("username"));
  auto body = http::parseJsonBody(rc.request);
  if (!body) co_return body.error().toResponse();
  auto parsed = model::parseUserPatch(*body);
  if (!parsed.ok()) co_return validationResponse(parsed.errors);
  store::UserStore users(ctx.redis);
  auto current = co_await users.get(name);
  if (!current) co_return errorResponse(current.error());
  if (!*current) co_return errorResponse(notFound(name), what(name));
  model::User user = **current;
  if (parsed.value.role) user.role = *parsed.value.role;
  if (parsed.value.password) {
    auto hash = co_await hashPasswordOffLoop(ctx, *parsed.value.password);
    if (!hash) co_return errorResponse(internalError("argon2id hashing failed"));
    user.password_hash = std::move(*hash);
  }
  auto updated = co_await users.update(user, who->audit());
  if (!updated) co_return errorResponse(updated.error(), what(name));
  if (parsed.value.password) {
    // A new password ends every session of the user, the caller's included: whoever knew the
    // old password must not stay logged in.
    store::SessionStore sessions(ctx.redis);
    auto ended = co_await sessions.removeAllForUser(name);
    if (!ended) co_return errorResponse(ended.error());
  }
  co_return http::jsonResponse(status::ok, model::toJson(user));
}

asio::awaitable<Response> deleteUser(ApiContext& ctx, http::RequestContext& rc,
                                     const Principal* who) {
  std::string name(rc.param("username"));
  store::UserStore users(ctx.redis);
  auto removed = co_await users.remove(name, who->audit());
  if (!removed) co_return errorResponse(removed.error(), what(name));
  co_return noContent();
}

}  // namespace

void addUserRoutes(std::vector<RouteSpec>& routes) {
  routes.push_back({.method = http::verb::get,
                    .path = "/api/v1/users",
                    .operation_id = "listUsers",
                    .tag = "users",
                    .summary = "List users",
                    .access = Access::kAuthenticated,
                    .responses = {{200, "User[]", "Every user, sorted by username"}},
                    .handler = listUsers});
  routes.push_back({.method = http::verb::post,
                    .path = "/api/v1/users",
                    .operation_id = "createUser",
                    .tag = "users",
                    .summary = "Create a user",
                    .access = Access::kAdmin,
                    .request_schema = "UserCreate",
                    .responses = {{201, "User", "Created"}, {409, "Problem", "Username taken"}},
                    .handler = createUser});
  routes.push_back({.method = http::verb::get,
                    .path = "/api/v1/users/{username}",
                    .operation_id = "getUser",
                    .tag = "users",
                    .summary = "Get a user",
                    .access = Access::kAuthenticated,
                    .responses = {{200, "User", "The user"}, {404, "Problem", "No such user"}},
                    .handler = getUser});
  routes.push_back({.method = http::verb::patch,
                    .path = "/api/v1/users/{username}",
                    .operation_id = "updateUser",
                    .tag = "users",
                    .summary = "Change a user's role or password (ends the user's sessions)",
                    .access = Access::kAdmin,
                    .request_schema = "UserPatch",
                    .responses = {{200, "User", "Updated"}, {404, "Problem", "No such user"}},
                    .handler = patchUser});
  routes.push_back({.method = http::verb::delete_,
                    .path = "/api/v1/users/{username}",
                    .operation_id = "deleteUser",
                    .tag = "users",
                    .summary = "Delete a user and end its sessions",
                    .access = Access::kAdmin,
                    .responses = {{204, "", "Deleted"}, {404, "Problem", "No such user"}},
                    .handler = deleteUser});
}

}  // namespace cirrus::api
