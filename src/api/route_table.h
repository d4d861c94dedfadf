// The API's one route table: every route the server answers is a RouteSpec here, and both
// the Router registration and the OpenAPI document are built from this list, so the two can
// never drift (GET /openapi.json documents exactly what is served).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "api/api_context.h"
#include "http/router.h"

namespace cirrus::api {

/// A route handler: runs after authentication and authorisation; `who` is null for kPublic
/// routes.
using ApiHandler = std::function<boost::asio::awaitable<http::Response>(
    ApiContext&, http::RequestContext&, const Principal* who)>;

/// One documented response of a route: status and the component schema of its body
/// ("" = no body; "Foo[]" = an array of Foo; "Problem"/"ValidationProblem" for errors).
struct ResponseDoc {
  int status = 200;
  std::string schema;
  std::string description;
  std::string content_type = "application/json";
};

struct QueryDoc {
  std::string name;
  std::string type;  // "string" / "integer"
  std::string description;
};

struct RouteSpec {
  http::verb method = http::verb::get;
  std::string path;  // router template, also the OpenAPI path ("{name...}" documented as {name})
  std::string operation_id;
  std::string tag;
  std::string summary;
  Access access = Access::kAuthenticated;
  std::string request_schema;          // component name of the JSON body; "" = none
  std::vector<ResponseDoc> responses;  // success responses first; common errors are added
  std::vector<QueryDoc> query;
  bool hidden = false;  // registered but left out of the document (only /__test__ routes)
  ApiHandler handler;
};

// Each group adds its routes (one file per group).
void addAuthRoutes(std::vector<RouteSpec>& routes);
void addUserRoutes(std::vector<RouteSpec>& routes);
void addTokenRoutes(std::vector<RouteSpec>& routes);
void addNodeRoutes(std::vector<RouteSpec>& routes);
void addDomainRoutes(std::vector<RouteSpec>& routes);
void addDomainExtraRoutes(std::vector<RouteSpec>& routes);  // cname, purge, acme, certificate
void addOpsRoutes(std::vector<RouteSpec>& routes);          // tasks, audit
/// /healthz, /metrics, /openapi.json, /docs, static files, /__test__/* (when enabled).
void addServiceRoutes(std::vector<RouteSpec>& routes, const config::ApiConfig& config);

/// Every route of the process for this configuration, in registration order.
std::vector<RouteSpec> buildRouteTable(const config::ApiConfig& config);

/// The OpenAPI 3.1 document of `routes` (public routes and error responses included).
nlohmann::json buildOpenApi(const std::vector<RouteSpec>& routes);

/// The {domain} path parameter in its canonical form (model::normalizeDomain); on a malformed
/// name, the 422 to answer (loc ["path", "domain"]).
struct PathDomain {
  std::string domain;
  std::optional<http::Response> failure;
};
PathDomain pathDomain(const http::RequestContext& rc);

/// CSRF guard (spec §9): a cookie-authenticated mutating request must carry
/// Content-Type: application/json (not sendable cross-site by a plain form) or an
/// X-Requested-With header (which a cross-site request cannot set without a CORS preflight).
bool csrfSafe(const http::Request& request);

/// Registers every route on `router`, each wrapped in authentication + authorisation
/// (auth_guard.cc), and the API middleware (CORS, /api/* never falling back to static files).
void registerRoutes(http::Router& router, ApiContext& ctx, std::vector<RouteSpec> routes);

}  // namespace cirrus::api
