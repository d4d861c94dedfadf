// UserStore against a real redis-server: creates are exclusive, updates need the user, and a
// removal takes the user's sessions with it in the same script.
#include "store/user_store.h"

#include <chrono>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/session_store.h"
#include "store/store_fixture.h"

namespace cirrus::store {
namespace {

using ::testing::ElementsAre;
using ::testing::StartsWith;
using namespace std::chrono_literals;

constexpr char kHash[] = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA";

model::User makeUser(const std::string& name, model::Role role = model::Role::kAdmin) {
  return {name, kHash, role, test::kNow};
}

class UserStoreTest : public test::StoreTest {
 protected:
  UserStore store_{client_};
  SessionStore sessions_{client_};
};

TEST_F(UserStoreTest, CreateWritesHashMemberAndAuditInOneScript) {
  test::RedisMonitor monitor(server_);
  ASSERT_TRUE(run(store_.create(makeUser("admin"), audit("bootstrap"))));
  EXPECT_THAT(recorded(monitor),
              ElementsAre("SCRIPT", "EXISTS cdn:user:admin",
                          std::string("HSET cdn:user:admin username admin password_hash ") + kHash +
                              " role admin created_at 1700000000",
                          "SADD cdn:users admin",
                          StartsWith("XADD cdn:audit MAXLEN ~ 100000 * ts 1700000000 actor "
                                     "bootstrap method session action user.create target admin")));
  EXPECT_EQ(run(store_.get("admin"))->value(), makeUser("admin"));
  EXPECT_EQ(run(store_.count()).value(), 1);
}

TEST_F(UserStoreTest, CreatingAnExistingUserIsAConflict) {
  ASSERT_TRUE(run(store_.create(makeUser("admin"), audit())));
  auto again = run(store_.create(makeUser("admin", model::Role::kViewer), audit()));
  ASSERT_FALSE(again);
  EXPECT_TRUE(isConflict(again.error()));
  EXPECT_EQ(run(store_.get("admin"))->value().role, model::Role::kAdmin);
}

TEST_F(UserStoreTest, UpdateReplacesFieldsOfAnExistingUserOnly) {
  ASSERT_TRUE(run(store_.create(makeUser("ann"), audit())));
  model::User changed = makeUser("ann", model::Role::kViewer);
  changed.password_hash = "$argon2id$new";
  ASSERT_TRUE(run(store_.update(changed, audit())));
  EXPECT_EQ(run(store_.get("ann"))->value(), changed);
  auto missing = run(store_.update(makeUser("nobody"), audit()));
  ASSERT_FALSE(missing);
  EXPECT_TRUE(isNotFound(missing.error()));
  EXPECT_FALSE(exists("cdn:user:nobody"));
}

TEST_F(UserStoreTest, ListIsSortedByUsernameAndCountsMembers) {
  for (const char* name : {"zed", "ann", "Bob"}) {
    ASSERT_TRUE(run(store_.create(makeUser(name), audit())));
  }
  auto users = run(store_.list());
  ASSERT_TRUE(users);
  ASSERT_EQ(users->size(), 3u);
  EXPECT_EQ((*users)[0].username, "Bob");
  EXPECT_EQ((*users)[1].username, "ann");
  EXPECT_EQ((*users)[2].username, "zed");
  EXPECT_EQ(run(store_.count()).value(), 3);
}

TEST_F(UserStoreTest, RemoveDeletesTheUserAndEverySessionOfTheUserAtomically) {
  ASSERT_TRUE(run(store_.create(makeUser("ann"), audit())));
  ASSERT_TRUE(run(store_.create(makeUser("bob"), audit())));
  ASSERT_TRUE(run(sessions_.create("s1", "ann", 3600s, test::kNow)));
  ASSERT_TRUE(run(sessions_.create("s2", "ann", 3600s, test::kNow)));
  ASSERT_TRUE(run(sessions_.create("s3", "bob", 3600s, test::kNow)));
  test::RedisMonitor monitor(server_);
  ASSERT_TRUE(run(store_.remove("ann", audit())));
  auto lines = recorded(monitor);
  ASSERT_EQ(lines.size(), 8u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0], "SCRIPT");
  EXPECT_EQ(lines[1], "EXISTS cdn:user:ann");
  EXPECT_EQ(lines[2], "SMEMBERS cdn:user_sessions:ann");
  // Set order is Redis's; both sessions go.
  EXPECT_THAT((std::vector<std::string>{lines[3], lines[4]}),
              ::testing::UnorderedElementsAre("DEL cdn:session:s1", "DEL cdn:session:s2"));
  EXPECT_EQ(lines[5], "DEL cdn:user:ann cdn:user_sessions:ann");
  EXPECT_EQ(lines[6], "SREM cdn:users ann");
  EXPECT_THAT(lines[7], StartsWith("XADD cdn:audit MAXLEN ~ 100000 * ts 1700000000 actor alice "
                                   "method session action user.delete target ann"));
  EXPECT_FALSE(exists("cdn:session:s1"));
  EXPECT_FALSE(exists("cdn:session:s2"));
  EXPECT_TRUE(exists("cdn:session:s3")) << "another user's session survives";
  EXPECT_FALSE(run(store_.get("ann"))->has_value());
  auto again = run(store_.remove("ann", audit()));
  ASSERT_FALSE(again);
  EXPECT_TRUE(isNotFound(again.error()));
}

}  // namespace
}  // namespace cirrus::store
