// auth/login, auth/logout, auth/me (spec §9, §10): password login into a Redis session,
// with failed attempts rate limited per client address and per username across replicas.
#include <algorithm>
#include <string>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/credentials.h"
#include "api/responses.h"
#include "api/route_table.h"
#include "api/session_cookie.h"
#include "model/user.h"
#include "store/audit_log.h"
#include "store/login_limiter_store.h"
#include "store/session_store.h"
#include "store/user_store.h"

namespace cirrus::api {

namespace asio = boost::asio;
using http::field;
using http::Response;
using http::status;

namespace {

// Spec §9 leaves the numbers open: 5 failures per username and 20 per client address in a
// 15-minute window, then 429 until the window ends. A success does not reset the address
// counter (one valid account must not launder guesses against others).
constexpr int64_t kMaxFailuresPerUser = 5;
constexpr int64_t kMaxFailuresPerAddress = 20;
constexpr std::chrono::seconds kFailureWindow{15 * 60};
constexpr std::string_view kScopeAddress = "ip";
constexpr std::string_view kScopeUser = "user";

Response tooManyAttempts(int64_t retry_after) {
  Response res =
      http::problemResponse(status::too_many_requests, "too many failed logins; retry later");
  res.set(field::retry_after, std::to_string(std::max<int64_t>(retry_after, 1)));
  return res;
}

nlohmann::json principalJson(const Principal& who) {
  return {{"username", who.name},
          {"role", model::toString(who.role)},
          {"method", store::toString(who.method)}};
}

asio::awaitable<Response> login(ApiContext& ctx, http::RequestContext& rc, const Principal*) {
  // Documented choice: with ENABLE_PASSWORD_AUTH=false the route answers 404, as if password
  // login did not exist; bearer tokens keep working.
  if (!ctx.config.enable_password_auth) {
    co_return http::problemResponse(status::not_found, "password login is disabled");
  }
  auto body = http::parseJsonBody(rc.request);
  if (!body) co_return body.error().toResponse();
  auto parsed = model::parseLoginRequest(*body);
  if (!parsed.ok()) co_return validationResponse(parsed.errors);
  const auto& req = parsed.value;

  std::string address = rc.remote.address().to_string();
  store::LoginLimiterStore limiter(ctx.redis);
  auto by_address = co_await limiter.get(kScopeAddress, address);
  if (!by_address) co_return errorResponse(by_address.error());
  auto by_user = co_await limiter.get(kScopeUser, req.username);
  if (!by_user) co_return errorResponse(by_user.error());
  if (by_address->count >= kMaxFailuresPerAddress) {
    co_return tooManyAttempts(by_address->retry_after_seconds);
  }
  if (by_user->count >= kMaxFailuresPerUser)
    co_return tooManyAttempts(by_user->retry_after_seconds);

  store::UserStore users(ctx.redis);
  auto user = co_await users.get(req.username);
  if (!user) co_return errorResponse(user.error());
  // An unknown user costs one argon2 verification too, so timing does not reveal names.
  std::string phc = *user ? (*user)->password_hash : decoyPasswordHash();
  bool match = co_await verifyPasswordOffLoop(ctx, req.password, std::move(phc));
  if (!match || !*user) {
    auto a = co_await limiter.recordFailure(kScopeAddress, address, kFailureWindow);
    if (!a) co_return errorResponse(a.error());
    auto u = co_await limiter.recordFailure(kScopeUser, req.username, kFailureWindow);
    if (!u) co_return errorResponse(u.error());
    co_return http::problemResponse(status::unauthorized, "invalid credentials");
  }
  auto cleared = co_await limiter.clear(kScopeUser, req.username);
  if (!cleared) co_return errorResponse(cleared.error());

  std::string cookie = randomSecret(32);
  store::SessionStore sessions(ctx.redis);
  auto created =
      co_await sessions.create(sha256Hex(cookie), req.username,
                               std::chrono::seconds(ctx.config.session_ttl_seconds), unixNow());
  if (!created) co_return errorResponse(created.error());

  Principal who;
  who.name = (*user)->username;
  who.role = (*user)->role;
  who.method = store::AuthMethod::kSession;
  store::AuditLog audit(ctx.redis);
  auto logged = co_await audit.append(who.audit(), "session.create", who.name);
  if (!logged) co_return errorResponse(logged.error());

  Response res = http::jsonResponse(status::ok, principalJson(who));
  res.set(field::set_cookie, sessionSetCookie(ctx.config, cookie, ctx.config.session_ttl_seconds));
  co_return res;
}

asio::awaitable<Response> logout(ApiContext& ctx, http::RequestContext& rc, const Principal*) {
  auto cookie = findCookie(rc.request[field::cookie], ctx.config.session_cookie_name);
  if (cookie) {
    if (!csrfSafe(rc.request)) {
      co_return http::problemResponse(
          status::forbidden,
          "CSRF check failed: send Content-Type: application/json or an X-Requested-With header");
    }
    store::SessionStore sessions(ctx.redis);
    std::string hash = sha256Hex(*cookie);
    auto removed = co_await sessions.remove(hash);
    if (!removed) co_return errorResponse(removed.error());
  }
  Response res = noContent();
  res.set(field::set_cookie, sessionClearCookie(ctx.config));
  co_return res;
}

asio::awaitable<Response> me(ApiContext&, http::RequestContext&, const Principal* who) {
  co_return http::jsonResponse(status::ok, principalJson(*who));
}

}  // namespace

namespace {

// Runs fn() on the pool and resumes the calling coroutine on its own executor with the result.
// Only plain handlers cross threads. Every non-trivial object is a named variable before it
// meets co_await: GCC 12 copies temporaries of a co_await expression bitwise into the frame
// (a lambda or executor temporary there was destroyed twice).
template <class R, class Fn>
asio::awaitable<R> runOnPool(asio::thread_pool& pool, Fn fn) {
  auto ex = co_await asio::this_coro::executor;
  auto initiate = [&pool, ex](auto handler, Fn work) {
    asio::post(pool, [ex, work = std::move(work), handler = std::move(handler)]() mutable {
      R result = work();
      asio::post(ex, [handler = std::move(handler), result = std::move(result)]() mutable {
        std::move(handler)(std::move(result));
      });
    });
  };
  R result = co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(R)>(
      std::move(initiate), asio::use_awaitable, std::move(fn));
  co_return result;
}

}  // namespace

asio::awaitable<std::optional<std::string>> hashPasswordOffLoop(ApiContext& ctx,
                                                                std::string password) {
  auto work = [password = std::move(password)] { return hashPassword(password); };
  auto result = co_await runOnPool<std::optional<std::string>>(ctx.hashing_pool, std::move(work));
  co_return result;
}

asio::awaitable<bool> verifyPasswordOffLoop(ApiContext& ctx, std::string password,
                                            std::string phc) {
  auto work = [password = std::move(password), phc = std::move(phc)] {
    return verifyPassword(password, phc);
  };
  bool result = co_await runOnPool<bool>(ctx.hashing_pool, std::move(work));
  co_return result;
}

void addAuthRoutes(std::vector<RouteSpec>& routes) {
  routes.push_back({.method = http::verb::post,
                    .path = "/api/v1/auth/login",
                    .operation_id = "login",
                    .tag = "auth",
                    .summary = "Log in with username and password; sets the session cookie",
                    .access = Access::kPublic,
                    .request_schema = "LoginRequest",
                    .responses = {{200, "Me", "Logged in; Set-Cookie carries the session"},
                                  {401, "Problem", "Invalid credentials (one generic message)"},
                                  {404, "Problem", "Password login disabled"},
                                  {429, "Problem", "Too many failed logins; see Retry-After"}},
                    .handler = login});
  routes.push_back({.method = http::verb::post,
                    .path = "/api/v1/auth/logout",
                    .operation_id = "logout",
                    .tag = "auth",
                    .summary = "End the current session and clear the cookie",
                    .access = Access::kPublic,
                    .responses = {{204, "", "Logged out"}},
                    .handler = logout});
  routes.push_back({.method = http::verb::get,
                    .path = "/api/v1/auth/me",
                    .operation_id = "me",
                    .tag = "auth",
                    .summary = "The current principal",
                    .access = Access::kAuthenticated,
                    .responses = {{200, "Me", "The principal"}},
                    .handler = me});
}

}  // namespace cirrus::api
