// AcmeDnsStore against a real redis-server: the account and its subdomain owner are written
// in one script and never hold the key; TXT values rotate in one MULTI keeping the two newest.
#include "store/acmedns_store.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace cirrus::store {
namespace {

using ::testing::ElementsAre;

AcmeDnsAccount makeAccount(std::string username = "8d1c4f5e-0000-4000-8000-000000000001",
                           std::string subdomain = "0f4b1e3c-9a2d-4c4e-8b1a-1234567890ab") {
  return {std::move(username),  std::string(64, 'h'),      std::string(32, 's'),
          std::move(subdomain), {"10.0.0.0/8", "::1/128"}, test::kNow};
}

class AcmeDnsStoreTest : public test::StoreTest {
 protected:
  AcmeDnsStore store_{client_};
};

TEST_F(AcmeDnsStoreTest, CreateWritesAccountAndSubdomainOwnerInOneScript) {
  test::RedisMonitor monitor(server_);
  auto account = makeAccount();
  ASSERT_TRUE(run(store_.create(account)));
  EXPECT_THAT(
      recorded(monitor),
      ElementsAre("SCRIPT", "EXISTS cdn:acmedns:user:" + account.username,
                  "EXISTS cdn:acmedns:subdomain:" + account.subdomain,
                  "HSET cdn:acmedns:user:" + account.username + " username " + account.username +
                      " password_hash " + account.password_hash + " salt " + account.salt +
                      " subdomain " + account.subdomain +
                      R"( allowfrom ["10.0.0.0/8","::1/128"] created_at 1700000000)",
                  "SET cdn:acmedns:subdomain:" + account.subdomain + " " + account.username));
  auto found = run(store_.findUser(account.username));
  ASSERT_TRUE(found) << found.error().message();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, account);
}

TEST_F(AcmeDnsStoreTest, TakenUsernameOrSubdomainIsAConflictAndWritesNothing) {
  ASSERT_TRUE(run(store_.create(makeAccount())));
  auto same_subdomain = run(store_.create(makeAccount("8d1c4f5e-0000-4000-8000-000000000002")));
  ASSERT_FALSE(same_subdomain);
  EXPECT_TRUE(isConflict(same_subdomain.error()));
  EXPECT_FALSE(exists("cdn:acmedns:user:8d1c4f5e-0000-4000-8000-000000000002"));
  auto same_user = run(store_.create(
      makeAccount("8d1c4f5e-0000-4000-8000-000000000001", "0f4b1e3c-9a2d-4c4e-8b1a-0000000000ff")));
  ASSERT_FALSE(same_user);
  EXPECT_TRUE(isConflict(same_user.error()));
  EXPECT_FALSE(exists("cdn:acmedns:subdomain:0f4b1e3c-9a2d-4c4e-8b1a-0000000000ff"));
}

TEST_F(AcmeDnsStoreTest, UnknownUserIsNullopt) {
  auto found = run(store_.findUser("8d1c4f5e-0000-4000-8000-00000000ffff"));
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->has_value());
}

TEST_F(AcmeDnsStoreTest, PushTxtKeepsTheTwoNewestInOneTransaction) {
  const std::string sub = "0f4b1e3c-9a2d-4c4e-8b1a-1234567890ab";
  ASSERT_TRUE(run(store_.pushTxt(sub, "one")));
  ASSERT_TRUE(run(store_.pushTxt(sub, "two")));
  test::RedisMonitor monitor(server_);
  ASSERT_TRUE(run(store_.pushTxt(sub, "three")));
  EXPECT_THAT(recorded(monitor), ElementsAre("MULTI", "LPUSH cdn:acmedns:txt:" + sub + " three",
                                             "LTRIM cdn:acmedns:txt:" + sub + " 0 1", "EXEC"));
  auto records = run(store_.records(sub));
  ASSERT_TRUE(records);
  EXPECT_FALSE(records->registered);
  EXPECT_THAT(records->txt, ElementsAre("three", "two"));
}

TEST_F(AcmeDnsStoreTest, RecordsReportRegistrationWithoutValues) {
  auto account = makeAccount();
  ASSERT_TRUE(run(store_.create(account)));
  auto records = run(store_.records(account.subdomain));
  ASSERT_TRUE(records);
  EXPECT_TRUE(records->registered);
  EXPECT_TRUE(records->txt.empty());
}

TEST_F(AcmeDnsStoreTest, CorruptAllowFromIsAProtocolError) {
  auto account = makeAccount();
  ASSERT_TRUE(run(store_.create(account)));
  raw({"HSET", "cdn:acmedns:user:" + account.username, "allowfrom", "{"});
  auto found = run(store_.findUser(account.username));
  ASSERT_FALSE(found);
  EXPECT_TRUE(isStoreError(found.error()));
  EXPECT_EQ(found.error().code(), ErrorCode::kProtocol);
}

}  // namespace
}  // namespace cirrus::store
