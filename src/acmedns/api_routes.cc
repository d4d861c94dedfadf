#include "acmedns/api_routes.h"

#include <memory>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "acmedns/credentials.h"
#include "acmedns/request_validation.h"
#include "acmedns/update_check.h"
#include "core/log.h"

namespace cirrus::acmedns {

namespace asio = boost::asio;

namespace {

http::Response acmeJson(unsigned status, const nlohmann::ordered_json& body) {
  return http::makeResponse(static_cast<http::status>(status), body.dump(), http::kJsonContentType);
}

http::Response acmeError(unsigned status, std::string_view name) {
  nlohmann::ordered_json body;
  body["error"] = name;
  return acmeJson(status, body);
}

std::string headerValue(const http::Request& request, std::string_view name) {
  auto it = request.find(name);
  return it == request.end() ? std::string() : std::string(it->value());
}

bool isLoopback(const boost::asio::ip::address& a) {
  if (a.is_loopback()) return true;
  return a.is_v6() && a.to_v6().is_v4_mapped() &&
         boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6()).is_loopback();
}

asio::awaitable<http::Response> registerAccount(const std::shared_ptr<ApiDependencies>& deps,
                                                http::RequestContext& ctx) {
  RegisterRequest request;
  RegisterProblem problem = parseRegisterRequest(ctx.request.body(), request);
  if (problem != RegisterProblem::kNone) {
    deps->metrics.countRegistration(errorName(problem));
    co_return acmeError(400, errorName(problem));
  }
  store::AcmeDnsAccount account;
  std::string key = newKey();
  account.username = newUuid();
  account.salt = newSalt();
  account.password_hash = hashKey(account.salt, key);
  account.subdomain = newUuid();
  for (const AllowEntry& entry : request.allowfrom) account.allowfrom.push_back(entry.text);
  account.created_at = deps->unix_now();
  auto created = co_await deps->store.create(account);
  if (!created) {
    log::error("acme-dns registration failed", {{"error", created.error().message()}});
    deps->metrics.countRegistration("db_error");
    co_return acmeError(500, "db_error");
  }
  deps->metrics.countRegistration("created");
  log::info("acme-dns account registered",
            {{"username", account.username}, {"subdomain", account.subdomain}});
  nlohmann::ordered_json body;
  body["username"] = account.username;
  body["password"] = key;
  body["fulldomain"] = account.subdomain + "." + deps->zone;
  body["subdomain"] = account.subdomain;
  body["allowfrom"] = account.allowfrom;
  co_return acmeJson(201, body);
}

asio::awaitable<http::Response> updateTxt(const std::shared_ptr<ApiDependencies>& deps,
                                          http::RequestContext& ctx) {
  std::string key = headerValue(ctx.request, "X-Api-Key");
  auto username = canonicalUuid(headerValue(ctx.request, "X-Api-User"));
  UpdateRequest request = parseUpdateRequest(ctx.request.body());
  std::optional<store::AcmeDnsAccount> account;
  if (username && validKey(key)) {
    auto found = co_await deps->store.findUser(*username);
    if (!found) {
      log::error("acme-dns update: account lookup failed", {{"error", found.error().message()}});
      deps->metrics.countUpdate(outcomeName(UpdateOutcome::kStoreError));
      co_return acmeError(500, outcomeName(UpdateOutcome::kStoreError));
    }
    account = std::move(*found);
  }
  UpdateOutcome outcome = checkUpdate(account, key, ctx.remote.address(), request);
  if (outcome == UpdateOutcome::kOk) {
    auto pushed = co_await deps->store.pushTxt(request.subdomain, request.txt);
    if (!pushed) {
      log::error("acme-dns update: store write failed", {{"error", pushed.error().message()}});
      outcome = UpdateOutcome::kStoreError;
    }
  }
  deps->metrics.countUpdate(outcomeName(outcome));
  if (outcome != UpdateOutcome::kOk) {
    co_return acmeError(outcomeStatus(outcome), outcomeName(outcome));
  }
  nlohmann::ordered_json body;
  body["txt"] = request.txt;
  co_return acmeJson(200, body);
}

}  // namespace

http::Router makeApiRouter(ApiDependencies dependencies) {
  auto deps = std::make_shared<ApiDependencies>(std::move(dependencies));
  http::Router router;
  router.post("/register", [deps](http::RequestContext& ctx) -> asio::awaitable<http::Response> {
    co_return co_await registerAccount(deps, ctx);
  });
  router.post("/update", [deps](http::RequestContext& ctx) -> asio::awaitable<http::Response> {
    co_return co_await updateTxt(deps, ctx);
  });
  // acme-dns's health check: the process answers. Redis trouble shows on /update (db_error).
  router.get("/health", [](http::RequestContext&) -> asio::awaitable<http::Response> {
    co_return http::makeResponse(http::status::ok);
  });
  // Loopback only: this listener faces ACME clients, often on the public internet.
  router.get("/metrics", [deps](http::RequestContext& ctx) -> asio::awaitable<http::Response> {
    if (!isLoopback(ctx.remote.address())) co_return acmeError(403, "forbidden");
    co_return http::makeResponse(http::status::ok, deps->registry.render(), metrics::kContentType);
  });
  return router;
}

}  // namespace cirrus::acmedns
