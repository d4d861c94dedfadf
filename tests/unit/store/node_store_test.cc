// NodeStore against a real redis-server: the admin and health halves of a node hash are
// written separately, and a deleted node is never recreated by a late health update.
#include "store/node_store.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace cirrus::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::StartsWith;

model::Node makeNode(const std::string& id, const std::string& ipv4 = "192.0.2.1") {
  model::Node node;
  node.id = id;
  node.name = "Node " + id;
  node.ipv4 = ipv4;
  return node;
}

class NodeStoreTest : public test::StoreTest {
 protected:
  NodeStore store_{client_};
};

TEST_F(NodeStoreTest, CreateWritesAdminFieldsAndNewNodeHealthInOneScriptThenPublishes) {
  model::Node node = makeNode("n1");
  node.active = false;  // ignored: a new node starts active (spec §4)
  node.fails = 7;
  test::RedisMonitor monitor(server_);
  ASSERT_TRUE(run(store_.create(node, audit())));
  EXPECT_THAT(
      recorded(monitor),
      ElementsAre("SCRIPT", "EXISTS cdn:node:n1",
                  "HSET cdn:node:n1 id n1 name Node n1 ipv4 192.0.2.1 ipv6  site default enabled 1 "
                  "active 1 fails 0 succs 0 last_check 0 last_error ",
                  "SADD cdn:nodes n1",
                  StartsWith("XADD cdn:audit MAXLEN ~ 100000 * ts 1700000000 actor alice method "
                             "session action node.create target n1"),
                  "PUBLISH cdn:cname:dirty n1"));
  auto got = run(store_.get("n1"));
  ASSERT_TRUE(got && got->has_value());
  EXPECT_TRUE((*got)->active);
  EXPECT_EQ((*got)->fails, 0);
  EXPECT_EQ((*got)->ipv4, "192.0.2.1");
}

TEST_F(NodeStoreTest, CreatingAnExistingNodeIsAConflict) {
  ASSERT_TRUE(run(store_.create(makeNode("n1"), audit())));
  auto again = run(store_.create(makeNode("n1", "192.0.2.99"), audit()));
  ASSERT_FALSE(again);
  EXPECT_TRUE(isConflict(again.error()));
  EXPECT_EQ(raw({"HGET", "cdn:node:n1", "ipv4"}).str(), "192.0.2.1");
}

TEST_F(NodeStoreTest, PutReplacesAdminFieldsAndKeepsHealthFields) {
  ASSERT_TRUE(run(store_.create(makeNode("n1"), audit())));
  model::Node health = makeNode("n1");
  health.active = false;
  health.fails = 3;
  health.last_check = test::kNow;
  health.last_error = "connect refused";
  ASSERT_TRUE(run(store_.updateHealth(health)));

  model::Node edited = makeNode("n1", "192.0.2.2");
  edited.site = "eu";
  edited.enabled = false;
  test::RedisMonitor monitor(server_);
  ASSERT_TRUE(run(store_.put(edited, audit("bob"))));
  EXPECT_THAT(recorded(monitor),
              ElementsAre("SCRIPT", "EXISTS cdn:node:n1",
                          "HSET cdn:node:n1 id n1 name Node n1 ipv4 192.0.2.2 ipv6  site eu "
                          "enabled 0",
                          StartsWith("XADD cdn:audit MAXLEN ~ 100000 * ts 1700000000 actor bob "
                                     "method session action node.update target n1"),
                          "PUBLISH cdn:cname:dirty n1"));
  model::Node got = run(store_.get("n1")).value().value();
  EXPECT_EQ(got.ipv4, "192.0.2.2");
  EXPECT_EQ(got.site, "eu");
  EXPECT_FALSE(got.enabled);
  EXPECT_FALSE(got.active);
  EXPECT_EQ(got.fails, 3);
  EXPECT_EQ(got.last_error, "connect refused");
}

TEST_F(NodeStoreTest, PutOfAMissingNodeIsNotFoundAndCreatesNothing) {
  auto put = run(store_.put(makeNode("ghost"), audit()));
  ASSERT_FALSE(put);
  EXPECT_TRUE(isNotFound(put.error()));
  EXPECT_FALSE(exists("cdn:node:ghost"));
}

TEST_F(NodeStoreTest, HealthUpdatePublishesOnlyWhenActiveFlips) {
  ASSERT_TRUE(run(store_.create(makeNode("n1"), audit())));
  test::RedisMonitor monitor(server_);
  model::Node probe = makeNode("n1");
  probe.succs = 1;
  auto unchanged = run(store_.updateHealth(probe));
  ASSERT_TRUE(unchanged);
  EXPECT_FALSE(*unchanged);
  probe.active = false;
  probe.succs = 0;
  probe.fails = 3;
  auto down = run(store_.updateHealth(probe));
  ASSERT_TRUE(down);
  EXPECT_TRUE(*down);
  EXPECT_THAT(recorded(monitor),
              ElementsAre("SCRIPT", "EXISTS cdn:node:n1", "HGET cdn:node:n1 active",
                          "HSET cdn:node:n1 active 1 fails 0 succs 1 last_check 0 last_error ",
                          "SCRIPT", "EXISTS cdn:node:n1", "HGET cdn:node:n1 active",
                          "HSET cdn:node:n1 active 0 fails 3 succs 0 last_check 0 last_error ",
                          "PUBLISH cdn:cname:dirty n1"));
  // Admin fields were not touched by the health writes.
  EXPECT_EQ(raw({"HGET", "cdn:node:n1", "name"}).str(), "Node n1");
}

TEST_F(NodeStoreTest, HealthUpdateNeverResurrectsADeletedNode) {
  ASSERT_TRUE(run(store_.create(makeNode("n1"), audit())));
  ASSERT_TRUE(run(store_.remove("n1", audit())));
  model::Node probe = makeNode("n1");
  probe.active = false;
  auto late = run(store_.updateHealth(probe));
  ASSERT_FALSE(late);
  EXPECT_TRUE(isNotFound(late.error()));
  EXPECT_FALSE(exists("cdn:node:n1"));
}

TEST_F(NodeStoreTest, RemoveDeletesHashAndMemberAndAudits) {
  ASSERT_TRUE(run(store_.create(makeNode("n1"), audit())));
  test::RedisMonitor monitor(server_);
  ASSERT_TRUE(run(store_.remove("n1", audit())));
  EXPECT_THAT(recorded(monitor),
              ElementsAre("SCRIPT", "EXISTS cdn:node:n1", "DEL cdn:node:n1", "SREM cdn:nodes n1",
                          StartsWith("XADD cdn:audit MAXLEN ~ 100000 * ts 1700000000 actor alice "
                                     "method session action node.delete target n1"),
                          "PUBLISH cdn:cname:dirty n1"));
  EXPECT_FALSE(run(store_.get("n1"))->has_value());
  auto again = run(store_.remove("n1", audit()));
  ASSERT_FALSE(again);
  EXPECT_TRUE(isNotFound(again.error()));
}

TEST_F(NodeStoreTest, ListIsSortedSkipsDanglingMembersAndReadsSeedHashes) {
  ASSERT_TRUE(run(store_.create(makeNode("n2"), audit())));
  ASSERT_TRUE(run(store_.create(makeNode("n1"), audit())));
  raw({"SADD", "cdn:nodes", "ghost"});  // member without a hash
  // A seed-era hash: no id, no site, "true" booleans, a bad counter.
  raw({"SADD", "cdn:nodes", "n0"});
  raw({"HSET", "cdn:node:n0", "ipv4", "192.0.2.7", "enabled", "true", "active", "false", "fails",
       "many"});
  auto nodes = run(store_.list());
  ASSERT_TRUE(nodes) << nodes.error().message();
  ASSERT_EQ(nodes->size(), 3u);
  EXPECT_EQ((*nodes)[0].id, "n0");
  EXPECT_EQ((*nodes)[0].site, "default");
  EXPECT_FALSE((*nodes)[0].active);
  EXPECT_EQ((*nodes)[0].fails, 0);
  EXPECT_EQ((*nodes)[1].id, "n1");
  EXPECT_EQ((*nodes)[2].id, "n2");
}

TEST_F(NodeStoreTest, AnEmptyFleetListsNothing) {
  auto nodes = run(store_.list());
  ASSERT_TRUE(nodes);
  EXPECT_THAT(*nodes, IsEmpty());
}

}  // namespace
}  // namespace cirrus::store
