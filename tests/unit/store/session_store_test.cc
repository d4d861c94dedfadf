// SessionStore against a real redis-server: sliding TTL, logout and ending all of a user's
// sessions through the per-user index.
#include "store/session_store.h"

#include <chrono>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace cirrus::store {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using namespace std::chrono_literals;

class SessionStoreTest : public test::StoreTest {
 protected:
  SessionStore store_{client_};
};

TEST_F(SessionStoreTest, CreateStoresTheSessionWithTtlAndIndexesItUnderTheUser) {
  ASSERT_TRUE(run(store_.create("abc123", "ann", 100s, test::kNow)));
  EXPECT_EQ(raw({"HGET", "cdn:session:abc123", "username"}).str(), "ann");
  EXPECT_EQ(raw({"HGET", "cdn:session:abc123", "created_at"}).str(), "1700000000");
  EXPECT_GT(ttl("cdn:session:abc123"), 90);
  EXPECT_LE(ttl("cdn:session:abc123"), 100);
  EXPECT_THAT(raw({"SMEMBERS", "cdn:user_sessions:ann"}).toStringVector().value(),
              ElementsAre("abc123"));
  EXPECT_GT(ttl("cdn:user_sessions:ann"), 90);
}

TEST_F(SessionStoreTest, TouchReturnsTheSessionAndSlidesItsTtlInOneRoundTrip) {
  ASSERT_TRUE(run(store_.create("abc123", "ann", 100s, test::kNow)));
  test::RedisMonitor monitor(server_);
  auto touched = run(store_.touch("abc123", 5000s));
  ASSERT_TRUE(touched) << touched.error().message();
  ASSERT_TRUE(touched->has_value());
  EXPECT_EQ(**touched, (Session{"ann", test::kNow}));
  auto lines = recorded(monitor);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front(), "SCRIPT");
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "SCRIPT"), 1) << "one round trip";
  EXPECT_GT(ttl("cdn:session:abc123"), 4900) << "TTL raised by the touch";
  EXPECT_GT(ttl("cdn:user_sessions:ann"), 4900) << "the index lives as long as its sessions";
}

TEST_F(SessionStoreTest, TouchOfAnUnknownOrExpiredSessionIsNullopt) {
  auto none = run(store_.touch("nope", 100s));
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  EXPECT_FALSE(exists("cdn:session:nope")) << "a touch never creates a session";
}

TEST_F(SessionStoreTest, RemoveEndsOneSessionAndDropsItFromTheIndex) {
  ASSERT_TRUE(run(store_.create("s1", "ann", 100s, test::kNow)));
  ASSERT_TRUE(run(store_.create("s2", "ann", 100s, test::kNow)));
  EXPECT_TRUE(run(store_.remove("s1")).value());
  EXPECT_FALSE(exists("cdn:session:s1"));
  EXPECT_THAT(raw({"SMEMBERS", "cdn:user_sessions:ann"}).toStringVector().value(),
              ElementsAre("s2"));
  EXPECT_FALSE(run(store_.remove("s1")).value());
  EXPECT_FALSE(run(store_.touch("s1", 100s))->has_value());
}

TEST_F(SessionStoreTest, RemoveAllForUserEndsEverySessionOfThatUserOnly) {
  ASSERT_TRUE(run(store_.create("s1", "ann", 100s, test::kNow)));
  ASSERT_TRUE(run(store_.create("s2", "ann", 100s, test::kNow)));
  ASSERT_TRUE(run(store_.create("s3", "bob", 100s, test::kNow)));
  EXPECT_EQ(run(store_.removeAllForUser("ann")).value(), 2);
  EXPECT_FALSE(exists("cdn:session:s1"));
  EXPECT_FALSE(exists("cdn:session:s2"));
  EXPECT_FALSE(exists("cdn:user_sessions:ann"));
  EXPECT_TRUE(run(store_.touch("s3", 100s))->has_value());
  EXPECT_EQ(run(store_.removeAllForUser("nobody")).value(), 0);
}

TEST_F(SessionStoreTest, ALoginPrunesIndexEntriesOfExpiredSessions) {
  ASSERT_TRUE(run(store_.create("old", "ann", 100s, test::kNow)));
  raw({"DEL", "cdn:session:old"});  // as if its TTL ran out
  ASSERT_TRUE(run(store_.create("new", "ann", 100s, test::kNow)));
  EXPECT_THAT(raw({"SMEMBERS", "cdn:user_sessions:ann"}).toStringVector().value(),
              UnorderedElementsAre("new"));
}

}  // namespace
}  // namespace cirrus::store
