// TokenStore against a real redis-server: the record, the set and the hash lookup key are
// written and removed together, and the plaintext never reaches Redis.
#include "store/token_store.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace cirrus::store {
namespace {

using ::testing::ElementsAre;
using ::testing::StartsWith;

constexpr char kSha[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

model::Token makeToken(const std::string& id, int64_t created_at = test::kNow) {
  return {id, "ci deploy", "Xy", model::Role::kAdmin, created_at, "master"};
}

class TokenStoreTest : public test::StoreTest {
 protected:
  TokenStore store_{client_};
};

TEST_F(TokenStoreTest, CreateWritesRecordMemberAndLookupKeyInOneScript) {
  test::RedisMonitor monitor(server_);
  ASSERT_TRUE(run(store_.create(makeToken("t1"), kSha, audit("master"))));
  EXPECT_THAT(recorded(monitor),
              ElementsAre("SCRIPT", "EXISTS cdn:token:t1",
                          std::string("HSET cdn:token:t1 id t1 name ci deploy suffix Xy role admin "
                                      "created_at 1700000000 created_by master sha256 ") +
                              kSha,
                          "SADD cdn:tokens t1", std::string("SET cdn:token_hash:") + kSha + " t1",
                          StartsWith("XADD cdn:audit MAXLEN ~ 100000 * ts 1700000000 actor "
                                     "master method session action token.create target t1")));
  EXPECT_EQ(run(store_.count()).value(), 1);
}

TEST_F(TokenStoreTest, FindByHashReturnsTheTokenAndNothingForAnUnknownHash) {
  ASSERT_TRUE(run(store_.create(makeToken("t1"), kSha, audit())));
  auto found = run(store_.findByHash(kSha));
  ASSERT_TRUE(found) << found.error().message();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, makeToken("t1"));
  EXPECT_FALSE(run(store_.findByHash(std::string(64, '0')))->has_value());
}

TEST_F(TokenStoreTest, CreatingAnExistingIdIsAConflict) {
  ASSERT_TRUE(run(store_.create(makeToken("t1"), kSha, audit())));
  auto again = run(store_.create(makeToken("t1"), std::string(64, 'a'), audit()));
  ASSERT_FALSE(again);
  EXPECT_TRUE(isConflict(again.error()));
  EXPECT_FALSE(exists("cdn:token_hash:" + std::string(64, 'a')));
}

TEST_F(TokenStoreTest, RemoveDeletesRecordMemberAndLookupKey) {
  ASSERT_TRUE(run(store_.create(makeToken("t1"), kSha, audit())));
  test::RedisMonitor monitor(server_);
  ASSERT_TRUE(run(store_.remove("t1", audit("master"))));
  EXPECT_THAT(recorded(monitor),
              ElementsAre("SCRIPT", "EXISTS cdn:token:t1", "HGET cdn:token:t1 sha256",
                          std::string("DEL cdn:token_hash:") + kSha, "DEL cdn:token:t1",
                          "SREM cdn:tokens t1",
                          StartsWith("XADD cdn:audit MAXLEN ~ 100000 * ts 1700000000 actor "
                                     "master method session action token.delete target t1")));
  EXPECT_FALSE(exists(std::string("cdn:token_hash:") + kSha));
  EXPECT_FALSE(run(store_.findByHash(kSha))->has_value());
  EXPECT_EQ(run(store_.count()).value(), 0);
  auto again = run(store_.remove("t1", audit()));
  ASSERT_FALSE(again);
  EXPECT_TRUE(isNotFound(again.error()));
}

TEST_F(TokenStoreTest, ListIsOldestFirstAndNeverShowsTheHash) {
  ASSERT_TRUE(run(store_.create(makeToken("b", test::kNow), std::string(64, 'b'), audit())));
  ASSERT_TRUE(run(store_.create(makeToken("a", test::kNow + 5), std::string(64, 'a'), audit())));
  ASSERT_TRUE(run(store_.create(makeToken("c", test::kNow - 5), std::string(64, 'c'), audit())));
  auto tokens = run(store_.list());
  ASSERT_TRUE(tokens);
  ASSERT_EQ(tokens->size(), 3u);
  EXPECT_EQ((*tokens)[0].id, "c");
  EXPECT_EQ((*tokens)[1].id, "b");
  EXPECT_EQ((*tokens)[2].id, "a");
  for (const model::Token& t : *tokens) EXPECT_FALSE(model::toJson(t).contains("sha256"));
}

}  // namespace
}  // namespace cirrus::store
