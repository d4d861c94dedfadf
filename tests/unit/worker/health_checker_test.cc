// NodeHealthChecker against a real redis-server and a real /healthz listener: the probed
// nodes' health fields are written, `active` flips after the thresholds, `cdn:cname:dirty` is
// published only on a flip, and a disabled node is never probed.
#include "worker/health_checker.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http/router.h"
#include "http/server.h"
#include "store/node_store.h"
#include "store/store_fixture.h"

namespace cirrus::worker {
namespace {

using namespace std::chrono_literals;

class HealthCheckerTest : public test::StoreTest {
 protected:
  HealthCheckerTest() {
    http::Router router;
    router.get("/healthz", [this](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
      co_return http::makeResponse(healthy_ ? http::status::ok : http::status::service_unavailable,
                                   "x\n");
    });
    http::ServerOptions options;
    options.listen = Endpoint{"127.0.0.1", 0};
    server_http_ = std::make_unique<http::Server>(io_, std::move(options), std::move(router));
    auto started = server_http_->start();
    EXPECT_TRUE(started);
    port_ = server_http_->boundEndpoint().port();
  }
  ~HealthCheckerTest() override {
    bool stopped = false;
    server_http_->stop([&] { stopped = true; });
    runUntil(
        io_, [&] { return stopped; }, 5s);
  }

  void addNode(std::string id, std::string ipv4, bool enabled = true) {
    model::Node node;
    node.id = std::move(id);
    node.ipv4 = std::move(ipv4);
    node.enabled = enabled;
    auto created = run(nodes_.create(node, audit()));
    ASSERT_TRUE(created) << created.error().message();
  }

  model::Node node(const std::string& id) {
    auto n = run(nodes_.get(id));
    EXPECT_TRUE(n && n->has_value());
    return n && *n ? **n : model::Node{};
  }

  NodeHealthChecker checker() {
    HealthCheckOptions options;
    options.port = port_;
    options.timeout = 500ms;
    options.thresholds = {2, 2};
    return NodeHealthChecker(io_.get_executor(), client_, http_client_, options, &metrics_);
  }

  static size_t publishes(const std::vector<std::string>& commands) {
    return static_cast<size_t>(std::count_if(commands.begin(), commands.end(), [](const auto& c) {
      return c.starts_with("PUBLISH cdn:cname:dirty");
    }));
  }

  bool healthy_ = true;
  uint16_t port_ = 0;
  std::unique_ptr<http::Server> server_http_;
  http::Client http_client_{io_.get_executor()};
  store::NodeStore nodes_{client_};
  metrics::Registry registry_;
  WorkerMetrics metrics_{registry_};
};

TEST_F(HealthCheckerTest, WritesHealthFieldsAndFlipsAfterTheThresholds) {
  addNode("up", "127.0.0.1");
  addNode("gone", "127.0.0.2");  // nothing listens there: connection refused
  addNode("off", "127.0.0.3", /*enabled=*/false);
  auto c = checker();

  test::RedisMonitor monitor(server_);
  auto first = run(c.run());
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ((*first)["probed"], 2);
  EXPECT_EQ((*first)["changed"], nlohmann::json::array());
  EXPECT_EQ(publishes(recorded(monitor)), 0u);
  auto gone = node("gone");
  EXPECT_TRUE(gone.active);  // one failure is not enough
  EXPECT_EQ(gone.fails, 1);
  EXPECT_GT(gone.last_check, 0);
  EXPECT_FALSE(gone.last_error.empty());
  auto up = node("up");
  EXPECT_EQ(up.succs, 1);
  EXPECT_EQ(up.fails, 0);
  EXPECT_EQ(up.last_error, "");
  EXPECT_EQ(node("off").last_check, 0);  // never probed

  test::RedisMonitor second_monitor(server_);
  auto second = run(c.run());
  ASSERT_TRUE(second);
  EXPECT_EQ((*second)["changed"], nlohmann::json::array({"gone"}));
  EXPECT_EQ((*second)["down"], 1);
  EXPECT_FALSE(node("gone").active);
  EXPECT_EQ(publishes(recorded(second_monitor)), 1u);

  // Still failing: no new flip, no publish.
  test::RedisMonitor third_monitor(server_);
  ASSERT_TRUE(run(c.run()));
  EXPECT_EQ(publishes(recorded(third_monitor)), 0u);
  EXPECT_EQ(node("gone").fails, 3);
  EXPECT_THAT(registry_.render(),
              ::testing::HasSubstr("cirrus_worker_node_transitions_total{to=\"down\"} 1"));
}

TEST_F(HealthCheckerTest, Non2xxIsAFailureAndRecoveryNeedsTheSuccessThreshold) {
  addNode("a", "127.0.0.1");
  auto c = checker();
  healthy_ = false;
  ASSERT_TRUE(run(c.run()));
  ASSERT_TRUE(run(c.run()));
  auto down = node("a");
  EXPECT_FALSE(down.active);
  EXPECT_THAT(down.last_error, ::testing::HasSubstr("503"));

  healthy_ = true;
  auto once = run(c.run());
  ASSERT_TRUE(once);
  EXPECT_FALSE(node("a").active);
  EXPECT_EQ(node("a").succs, 1);
  auto twice = run(c.run());
  ASSERT_TRUE(twice);
  EXPECT_TRUE(node("a").active);
  EXPECT_EQ((*twice)["changed"], nlohmann::json::array({"a"}));
}

}  // namespace
}  // namespace cirrus::worker
