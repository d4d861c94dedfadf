// bootstrapOpen against a real redis-server: open only while no user and no token exists.
#include "store/bootstrap_state.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store_fixture.h"
#include "store/token_store.h"
#include "store/user_store.h"

namespace cirrus::store {
namespace {

using ::testing::ElementsAre;

class BootstrapStateTest : public test::StoreTest {
 protected:
  bool open() { return run(bootstrapOpen(client_)).value(); }

  UserStore users_{client_};
  TokenStore tokens_{client_};
};

TEST_F(BootstrapStateTest, IsAnsweredByOneCommand) {
  test::RedisMonitor monitor(server_);
  EXPECT_TRUE(open());
  EXPECT_THAT(recorded(monitor), ElementsAre("EXISTS cdn:users cdn:tokens"));
}

TEST_F(BootstrapStateTest, ClosesWithTheFirstUserAndReopensWhenTheLastOneGoes) {
  EXPECT_TRUE(open());
  ASSERT_TRUE(run(users_.create({"admin", "$argon2id$h", model::Role::kAdmin, test::kNow},
                                audit("bootstrap"))));
  EXPECT_FALSE(open());
  ASSERT_TRUE(run(users_.remove("admin", audit("admin"))));
  EXPECT_TRUE(open());
}

TEST_F(BootstrapStateTest, ATokenAloneClosesIt) {
  ASSERT_TRUE(run(tokens_.create({"t1", "ci", "Xy", model::Role::kViewer, test::kNow, "master"},
                                 std::string(64, 'f'), audit("master"))));
  EXPECT_FALSE(open());
  ASSERT_TRUE(run(tokens_.remove("t1", audit("master"))));
  EXPECT_TRUE(open());
}

}  // namespace
}  // namespace cirrus::store
