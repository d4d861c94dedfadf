// tokens, tokens/{id} (spec §9, §10): service bearer tokens, master-only. The plaintext is
// returned once by POST; Redis keeps only its SHA-256 and the last two characters.
#include <string>
#include <utility>

#include "api/credentials.h"
#include "api/responses.h"
#include "api/route_table.h"
#include "model/token.h"
#include "store/token_store.h"

namespace cirrus::api {

namespace asio = boost::asio;
using http::Response;
using http::status;

namespace {

// "cirrus_" + 256 random bits: the prefix lets secret scanners recognise a leaked token.
constexpr std::string_view kTokenPrefix = "cirrus_";

asio::awaitable<Response> listTokens(ApiContext& ctx, http::RequestContext&, const Principal*) {
  store::TokenStore tokens(ctx.redis);
  auto list = co_await tokens.list();
  if (!list) co_return errorResponse(list.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& t : *list) out.push_back(model::toJson(t));
  co_return http::jsonResponse(status::ok, out);
}

asio::awaitable<Response> createToken(ApiContext& ctx, http::RequestContext& rc,
                                      const Principal* who) {
  auto body = http::parseJsonBody(rc.request);
  if (!body) co_return body.error().toResponse();
  auto parsed = model::parseTokenCreate(*body);
  if (!parsed.ok()) co_return validationResponse(parsed.errors);
  std::string plaintext = std::string(kTokenPrefix) + randomSecret(32);
  model::Token token;
  token.id = randomHex(8);
  token.name = parsed.value.name;
  token.suffix = plaintext.substr(plaintext.size() - 2);
  token.role = parsed.value.role;
  token.created_at = unixNow();
  token.created_by = who->name;
  store::TokenStore tokens(ctx.redis);
  auto created = co_await tokens.create(token, sha256Hex(plaintext), who->audit());
  if (!created) co_return errorResponse(created.error(), "token");
  nlohmann::json out = model::toJson(token);
  out["token"] = plaintext;
  co_return http::jsonResponse(status::created, out);
}

asio::awaitable<Response> deleteToken(ApiContext& ctx, http::RequestContext& rc,
                                      const Principal* who) {
  std::string id(rc.param("id"));
  store::TokenStore tokens(ctx.redis);
  auto removed = co_await tokens.remove(id, who->audit());
  if (!removed) co_return errorResponse(removed.error(), "token '" + id + "'");
  co_return noContent();
}

}  // namespace

void addTokenRoutes(std::vector<RouteSpec>& routes) {
  routes.push_back({.method = http::verb::get,
                    .path = "/api/v1/tokens",
                    .operation_id = "listTokens",
                    .tag = "tokens",
                    .summary = "List service tokens (master token only)",
                    .access = Access::kMaster,
                    .responses = {{200, "Token[]", "Every token, oldest first"}},
                    .handler = listTokens});
  routes.push_back({.method = http::verb::post,
                    .path = "/api/v1/tokens",
                    .operation_id = "createToken",
                    .tag = "tokens",
                    .summary = "Create a service token; the plaintext is in this response only",
                    .access = Access::kMaster,
                    .request_schema = "TokenCreate",
                    .responses = {{201, "TokenCreated", "Created"}},
                    .handler = createToken});
  routes.push_back({.method = http::verb::delete_,
                    .path = "/api/v1/tokens/{id}",
                    .operation_id = "deleteToken",
                    .tag = "tokens",
                    .summary = "Revoke a service token (master token only)",
                    .access = Access::kMaster,
                    .responses = {{204, "", "Revoked"}, {404, "Problem", "No such token"}},
                    .handler = deleteToken});
}

}  // namespace cirrus::api
