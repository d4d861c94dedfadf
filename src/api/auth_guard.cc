// Authentication and authorisation around every route (spec §9), the CSRF guard, CORS, and
// the rule that /api/* never falls back to the admin UI's index.html.
#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/algorithm/string/predicate.hpp>

#include "api/credentials.h"
#include "api/responses.h"
#include "api/route_table.h"
#include "api/session_cookie.h"
#include "core/log.h"
#include "store/bootstrap_state.h"
#include "store/session_store.h"
#include "store/token_store.h"
#include "store/user_store.h"

namespace cirrus::api {

namespace asio = boost::asio;
using http::field;
using http::Response;
using http::status;

int64_t unixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

store::AuditContext Principal::audit() const {
  store::AuditContext c;
  c.actor = name;
  c.method = method;
  c.at = unixNow();
  return c;
}

namespace {

constexpr std::string_view kStaticTemplate = "/{path...}";

struct AuthResult {
  std::optional<Principal> principal;
  std::optional<Response> failure;
  std::string cookie;  // the raw session cookie, re-sent so its Max-Age slides with the TTL
};

Response unauthorized(std::string detail) {
  Response res = http::problemResponse(status::unauthorized, std::move(detail));
  res.set(field::www_authenticate, "Bearer");
  return res;
}

AuthResult fail(Response res) {
  AuthResult r;
  r.failure = std::move(res);
  return r;
}

AuthResult succeed(Principal p) {
  AuthResult r;
  r.principal = std::move(p);
  return r;
}

// Decides the principal, in order: bearer (master, then service token), session cookie,
// bootstrap. Credentials that are present but wrong never fall through to bootstrap.
asio::awaitable<AuthResult> authenticate(ApiContext& ctx, http::RequestContext& rc) {
  std::string_view authorization = rc.request[field::authorization];
  if (!authorization.empty()) {
    if (!boost::algorithm::istarts_with(authorization, "bearer ")) {
      co_return fail(unauthorized("unsupported authorization scheme; use Bearer"));
    }
    std::string_view token = authorization.substr(7);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    if (token.empty()) co_return fail(unauthorized("invalid credentials"));
    if (!ctx.config.master_api_token.empty() && secretsEqual(token, ctx.config.master_api_token)) {
      Principal p;
      p.name = "master";
      p.role = model::Role::kAdmin;
      p.master = true;
      p.method = store::AuthMethod::kMaster;
      co_return succeed(std::move(p));
    }
    store::TokenStore tokens(ctx.redis);
    auto found = co_await tokens.findByHash(sha256Hex(token));
    if (!found) co_return fail(errorResponse(found.error()));
    if (!*found) co_return fail(unauthorized("invalid credentials"));
    Principal p;
    p.name = (*found)->id;
    p.role = (*found)->role;
    p.method = store::AuthMethod::kToken;
    co_return succeed(std::move(p));
  }

  auto cookie = findCookie(rc.request[field::cookie], ctx.config.session_cookie_name);
  if (cookie) {
    std::string hash = sha256Hex(*cookie);
    store::SessionStore sessions(ctx.redis);
    auto session =
        co_await sessions.touch(hash, std::chrono::seconds(ctx.config.session_ttl_seconds));
    if (!session) co_return fail(errorResponse(session.error()));
    if (!*session) co_return fail(unauthorized("session expired or logged out"));
    store::UserStore users(ctx.redis);
    auto user = co_await users.get((*session)->username);
    if (!user) co_return fail(errorResponse(user.error()));
    if (!*user) co_return fail(unauthorized("session expired or logged out"));
    Principal p;
    p.name = (*user)->username;
    p.role = (*user)->role;
    p.method = store::AuthMethod::kSession;
    p.session_hash = std::move(hash);
    AuthResult r = succeed(std::move(p));
    r.cookie = std::move(*cookie);
    co_return r;
  }

  // An outage never opens the door: an error here is a 503, not bootstrap.
  auto open = co_await store::bootstrapOpen(ctx.redis);
  if (!open) co_return fail(errorResponse(open.error()));
  if (!*open) co_return fail(unauthorized("not authenticated"));
  Principal p;
  p.name = "bootstrap";
  p.role = model::Role::kAdmin;
  p.method = store::AuthMethod::kBootstrap;
  co_return succeed(std::move(p));
}

bool isMutating(http::verb v) {
  return v != http::verb::get && v != http::verb::head && v != http::verb::options;
}

http::Handler guard(ApiContext& ctx, Access access, ApiHandler handler) {
  return [&ctx, access,
          handler = std::move(handler)](http::RequestContext& rc) -> asio::awaitable<Response> {
    if (access == Access::kPublic) co_return co_await handler(ctx, rc, nullptr);
    AuthResult auth = co_await authenticate(ctx, rc);
    if (!auth.principal) co_return std::move(*auth.failure);
    const Principal& who = *auth.principal;
    if (isMutating(rc.request.method()) && who.method == store::AuthMethod::kSession &&
        !csrfSafe(rc.request)) {
      co_return http::problemResponse(
          status::forbidden,
          "CSRF check failed: send Content-Type: application/json or an X-Requested-With header");
    }
    if (access == Access::kMaster && !who.master) {
      co_return http::problemResponse(status::forbidden, "requires the master token");
    }
    if (access == Access::kAdmin && !who.canWrite()) {
      co_return http::problemResponse(status::forbidden, "read-only role");
    }
    Response res = co_await handler(ctx, rc, &who);
    if (!auth.cookie.empty() && res.find(field::set_cookie) == res.end()) {
      res.set(field::set_cookie,
              sessionSetCookie(ctx.config, auth.cookie, ctx.config.session_ttl_seconds));
    }
    co_return res;
  };
}

bool originAllowed(const config::ApiConfig& config, std::string_view origin) {
  for (const auto& o : config.allow_origins) {
    if (o == "*" || boost::algorithm::iequals(o, origin)) return true;
  }
  return false;
}

bool wildcardOrigins(const config::ApiConfig& config) {
  for (const auto& o : config.allow_origins) {
    if (o == "*") return true;
  }
  return false;
}

// CORS (Fetch standard §3.2): an allowed Origin is echoed with credentials; "*" alone allows
// any origin without credentials (a cookie must not be usable from every site).
void addCorsHeaders(const config::ApiConfig& config, std::string_view origin, Response& res) {
  if (wildcardOrigins(config) &&
      std::none_of(config.allow_origins.begin(), config.allow_origins.end(),
                   [&](const std::string& o) { return boost::algorithm::iequals(o, origin); })) {
    res.set(field::access_control_allow_origin, "*");
    return;
  }
  res.set(field::access_control_allow_origin, origin);
  res.set(field::access_control_allow_credentials, "true");
  res.set(field::vary, "Origin");
}

http::Middleware corsMiddleware(const config::ApiConfig& config) {
  return [&config](http::RequestContext& rc, http::Next next) -> asio::awaitable<Response> {
    std::string origin(rc.request[field::origin]);
    if (origin.empty() || !originAllowed(config, origin)) co_return co_await next(rc);
    bool preflight = rc.request.method() == http::verb::options &&
                     !rc.request[field::access_control_request_method].empty();
    if (preflight) {
      Response res = noContent();
      addCorsHeaders(config, origin, res);
      res.set(field::access_control_allow_methods, "GET, HEAD, POST, PUT, PATCH, DELETE");
      res.set(field::access_control_allow_headers, "Authorization, Content-Type, X-Requested-With");
      res.set(field::access_control_max_age, "600");
      co_return res;
    }
    Response res = co_await next(rc);
    addCorsHeaders(config, origin, res);
    co_return res;
  };
}

bool neverFallsBack(std::string_view path) {
  return path == "/api" || path.starts_with("/api/") || path == "/__test__" ||
         path.starts_with("/__test__/");
}

}  // namespace

bool csrfSafe(const http::Request& request) {
  return http::isJsonContentType(request[field::content_type]) ||
         request.find("X-Requested-With") != request.end();
}

void registerRoutes(http::Router& router, ApiContext& ctx, std::vector<RouteSpec> routes) {
  if (!ctx.config.allow_origins.empty()) router.use(corsMiddleware(ctx.config));
  // API paths answer 404 when no API route matches, never the SPA's index.html (and never
  // a 405 caused by the static GET route).
  router.use([](http::RequestContext& rc, http::Next next) -> asio::awaitable<Response> {
    if (rc.route == kStaticTemplate && neverFallsBack(rc.path)) {
      rc.route.clear();
      co_return http::problemResponse(status::not_found, "Not Found");
    }
    co_return co_await next(rc);
  });
  for (auto& spec : routes) {
    router.add(spec.method, spec.path, guard(ctx, spec.access, std::move(spec.handler)));
  }
}

}  // namespace cirrus::api
