// nodes, nodes/{id} (spec §10): the edge node registry. The store publishes cdn:cname:dirty
// after every change so the DNS master rebuilds the steering zone.
#include <string>
#include <utility>

#include "api/responses.h"
#include "api/route_table.h"
#include "model/node.h"
#include "store/node_store.h"

namespace cirrus::api {

namespace asio = boost::asio;
using http::Response;
using http::status;

namespace {

std::string what(std::string_view id) {
  return "node '" + std::string(id) + "'";
}

asio::awaitable<Response> listNodes(ApiContext& ctx, http::RequestContext&, const Principal*) {
  store::NodeStore nodes(ctx.redis);
  auto list = co_await nodes.list();
  if (!list) co_return errorResponse(list.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& n : *list) out.push_back(model::toJson(n));
  co_return http::jsonResponse(status::ok, out);
}

asio::awaitable<Response> createNode(ApiContext& ctx, http::RequestContext& rc,
                                     const Principal* who) {
  auto body = http::parseJsonBody(rc.request);
  if (!body) co_return body.error().toResponse();
  auto parsed = model::parseNode(*body);
  if (!parsed.ok()) co_return validationResponse(parsed.errors);
  store::NodeStore nodes(ctx.redis);
  auto created = co_await nodes.create(parsed.value, who->audit());
  if (!created) co_return errorResponse(created.error(), what(parsed.value.id));
  co_return http::jsonResponse(status::created, model::toJson(parsed.value));
}

asio::awaitable<Response> getNode(ApiContext& ctx, http::RequestContext& rc, const Principal*) {
  std::string id(rc.param("id"));
  store::NodeStore nodes(ctx.redis);
  auto node = co_await nodes.get(id);
  if (!node) co_return errorResponse(node.error());
  if (!*node) co_return errorResponse(notFound(id), what(id));
  co_return http::jsonResponse(status::ok, model::toJson(**node));
}

asio::awaitable<Response> putNode(ApiContext& ctx, http::RequestContext& rc, const Principal* who) {
  std::string id(rc.param("id"));
  auto body = http::parseJsonBody(rc.request);
  if (!body) co_return body.error().toResponse();
  auto parsed = model::parseNode(*body, id);
  if (!parsed.ok()) co_return validationResponse(parsed.errors);
  store::NodeStore nodes(ctx.redis);
  auto stored = co_await nodes.put(parsed.value, who->audit());
  if (!stored) co_return errorResponse(stored.error(), what(id));
  auto node = co_await nodes.get(id);
  if (!node) co_return errorResponse(node.error());
  if (!*node) co_return errorResponse(notFound(id), what(id));
  co_return http::jsonResponse(status::ok, model::toJson(**node));
}

asio::awaitable<Response> patchNodeRoute(ApiContext& ctx, http::RequestContext& rc,
                                         const Principal* who) {
  std::string id(rc.param("id"));
  auto body = http::parseJsonBody(rc.request);
  if (!body) co_return body.error().toResponse();
  store::NodeStore nodes(ctx.redis);
  auto current = co_await nodes.get(id);
  if (!current) co_return errorResponse(current.error());
  if (!*current) co_return errorResponse(notFound(id), what(id));
  auto merged = model::patchNode(**current, *body);
  if (!merged.ok()) co_return validationResponse(merged.errors);
  auto stored = co_await nodes.put(merged.value, who->audit());
  if (!stored) co_return errorResponse(stored.error(), what(id));
  co_return http::jsonResponse(status::ok, model::toJson(merged.value));
}

asio::awaitable<Response> deleteNode(ApiContext& ctx, http::RequestContext& rc,
                                     const Principal* who) {
  std::string id(rc.param("id"));
  store::NodeStore nodes(ctx.redis);
  auto removed = co_await nodes.remove(id, who->audit());
  if (!removed) co_return errorResponse(removed.error(), what(id));
  co_return noContent();
}

}  // namespace

void addNodeRoutes(std::vector<RouteSpec>& routes) {
  routes.push_back({.method = http::verb::get,
                    .path = "/api/v1/nodes",
                    .operation_id = "listNodes",
                    .tag = "nodes",
                    .summary = "List edge nodes with their health",
                    .access = Access::kAuthenticated,
                    .responses = {{200, "Node[]", "Every node, sorted by id"}},
                    .handler = listNodes});
  routes.push_back({.method = http::verb::post,
                    .path = "/api/v1/nodes",
                    .operation_id = "createNode",
                    .tag = "nodes",
                    .summary = "Register an edge node",
                    .access = Access::kAdmin,
                    .request_schema = "NodeInput",
                    .responses = {{201, "Node", "Registered"}, {409, "Problem", "Id taken"}},
                    .handler = createNode});
  routes.push_back({.method = http::verb::get,
                    .path = "/api/v1/nodes/{id}",
                    .operation_id = "getNode",
                    .tag = "nodes",
                    .summary = "Get an edge node",
                    .access = Access::kAuthenticated,
                    .responses = {{200, "Node", "The node"}, {404, "Problem", "No such node"}},
                    .handler = getNode});
  routes.push_back({.method = http::verb::put,
                    .path = "/api/v1/nodes/{id}",
                    .operation_id = "replaceNode",
                    .tag = "nodes",
                    .summary = "Replace a node's admin fields (health fields are kept)",
                    .access = Access::kAdmin,
                    .request_schema = "NodeInput",
                    .responses = {{200, "Node", "Replaced"}, {404, "Problem", "No such node"}},
                    .handler = putNode});
  routes.push_back({.method = http::verb::patch,
                    .path = "/api/v1/nodes/{id}",
                    .operation_id = "updateNode",
                    .tag = "nodes",
                    .summary = "Change some admin fields of a node (null resets to default)",
                    .access = Access::kAdmin,
                    .request_schema = "NodePatch",
                    .responses = {{200, "Node", "Updated"}, {404, "Problem", "No such node"}},
                    .handler = patchNodeRoute});
  routes.push_back({.method = http::verb::delete_,
                    .path = "/api/v1/nodes/{id}",
                    .operation_id = "deleteNode",
                    .tag = "nodes",
                    .summary = "Remove an edge node",
                    .access = Access::kAdmin,
                    .responses = {{204, "", "Removed"}, {404, "Problem", "No such node"}},
                    .handler = deleteNode});
}

}  // namespace cirrus::api
