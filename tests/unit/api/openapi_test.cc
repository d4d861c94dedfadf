#include <set>
#include <string>

#include <gtest/gtest.h>

#include "api/route_table.h"

namespace cirrus::api {
namespace {

config::ApiConfig testConfig(bool test_endpoints) {
  config::ApiConfig c{};
  c.session_cookie_name = "cirrus_session";
  c.enable_test_endpoints = test_endpoints;
  return c;
}

TEST(OpenApiTest, DocumentsEveryRegisteredRouteOnce) {
  auto routes = buildRouteTable(testConfig(true));
  auto doc = buildOpenApi(routes);
  size_t operations = 0;
  for (const auto& [path, ops] : doc["paths"].items()) operations += ops.size();
  EXPECT_EQ(operations, routes.size());
  EXPECT_TRUE(doc["paths"].contains("/api/v1/domains/{domain}"));
  EXPECT_TRUE(doc["paths"].contains("/docs/{file}"));
  EXPECT_EQ(doc["openapi"], "3.1.0");
}

TEST(OpenApiTest, OperationIdsAreUnique) {
  std::set<std::string> ids;
  for (const auto& r : buildRouteTable(testConfig(true))) {
    EXPECT_TRUE(ids.insert(r.operation_id).second) << r.operation_id;
  }
}

TEST(OpenApiTest, TestEndpointsOnlyWhenEnabled) {
  auto off = buildOpenApi(buildRouteTable(testConfig(false)));
  EXPECT_FALSE(off["paths"].contains("/__test__/reset"));
  auto on = buildOpenApi(buildRouteTable(testConfig(true)));
  EXPECT_TRUE(on["paths"].contains("/__test__/reset"));
}

TEST(OpenApiTest, ProtectedRoutesDocumentAuthErrorsAndPublicOnesDoNot) {
  auto doc = buildOpenApi(buildRouteTable(testConfig(false)));
  const auto& create = doc["paths"]["/api/v1/domains"]["post"];
  EXPECT_TRUE(create["responses"].contains("401"));
  EXPECT_TRUE(create["responses"].contains("403"));
  EXPECT_TRUE(create["responses"].contains("422"));
  EXPECT_TRUE(create["responses"].contains("409"));
  const auto& health = doc["paths"]["/healthz"]["get"];
  EXPECT_FALSE(health["responses"].contains("401"));
  EXPECT_TRUE(health["security"].empty());
}

TEST(OpenApiTest, EveryReferencedSchemaExists) {
  auto doc = buildOpenApi(buildRouteTable(testConfig(true)));
  std::string text = doc.dump();
  const std::string marker = "#/components/schemas/";
  for (size_t pos = text.find(marker); pos != std::string::npos; pos = text.find(marker, pos + 1)) {
    size_t start = pos + marker.size();
    std::string name = text.substr(start, text.find('"', start) - start);
    EXPECT_TRUE(doc["components"]["schemas"].contains(name)) << name;
  }
}

}  // namespace
}  // namespace cirrus::api
