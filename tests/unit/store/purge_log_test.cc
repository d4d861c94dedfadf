// PurgeLog against a real redis-server: log first, then publish (spec §6), and replay after
// the last id an edge saw.
#include "store/purge_log.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace cirrus::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

model::PurgeMessage pathPurge(const std::string& path) {
  return {"a.test", path, "", false};
}

class PurgeLogTest : public test::StoreTest {
 protected:
  PurgeLog log_{client_};
};

TEST_F(PurgeLogTest, AppendLogsBeforeItPublishesTheSeedPayload) {
  test::RedisMonitor monitor(server_);
  auto id = run(log_.append(pathPurge("/img/a.png")));
  ASSERT_TRUE(id) << id.error().message();
  const std::string payload = R"({"domain":"a.test","path":"/img/a.png"})";
  EXPECT_THAT(recorded(monitor),
              ElementsAre("XADD cdn:purge:log MAXLEN ~ 100000 * payload " + payload,
                          "PUBLISH cdn:purge " + payload));
  EXPECT_EQ(raw({"XLEN", "cdn:purge:log"}).integer(), 1);
  EXPECT_THAT(*id, ::testing::MatchesRegex("[0-9]+-[0-9]+"));
}

TEST_F(PurgeLogTest, TagAndSoftPurgesCarryTheirExtensions) {
  test::RedisMonitor monitor(server_);
  ASSERT_TRUE(run(log_.append({"a.test", "", "t1", true})));
  auto lines = recorded(monitor);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], R"(PUBLISH cdn:purge {"domain":"a.test","soft":true,"tag":"t1"})");
}

TEST_F(PurgeLogTest, ReadAfterReplaysInOrderFromJustAfterTheGivenId) {
  std::vector<std::string> ids;
  for (const char* path : {"/1", "/2", "/3", "/4"})
    ids.push_back(run(log_.append(pathPurge(path))).value());
  auto all = run(log_.readAfter("", 10));
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].message.path, "/1");
  EXPECT_TRUE((*all)[0].ok());
  auto after_second = run(log_.readAfter(ids[1], 10));
  ASSERT_TRUE(after_second);
  ASSERT_EQ(after_second->size(), 2u);
  EXPECT_EQ((*after_second)[0].id, ids[2]);
  EXPECT_EQ((*after_second)[0].message, pathPurge("/3"));
  EXPECT_EQ((*after_second)[1].message, pathPurge("/4"));
  auto limited = run(log_.readAfter(ids[0], 1));
  ASSERT_EQ(limited->size(), 1u);
  EXPECT_EQ((*limited)[0].id, ids[1]);
  EXPECT_THAT(run(log_.readAfter(ids[3], 10)).value(), IsEmpty());
  EXPECT_EQ(run(log_.lastId()).value(), ids[3]);
}

TEST_F(PurgeLogTest, AnEmptyLogHasLastIdZero) {
  EXPECT_EQ(run(log_.lastId()).value(), "0-0");
  EXPECT_THAT(run(log_.readAfter("0-0", 10)).value(), IsEmpty());
}

TEST_F(PurgeLogTest, AForeignEntryIsReturnedWithErrorsSoReplayCanSkipIt) {
  raw({"XADD", "cdn:purge:log", "*", "something", "else"});
  raw({"XADD", "cdn:purge:log", "*", "payload", "{broken"});
  ASSERT_TRUE(run(log_.append(pathPurge("/ok"))));
  auto entries = run(log_.readAfter("", 10));
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_FALSE((*entries)[0].ok());
  EXPECT_FALSE((*entries)[1].ok());
  EXPECT_TRUE((*entries)[2].ok());
  EXPECT_EQ((*entries)[2].message.path, "/ok");
}

TEST_F(PurgeLogTest, ABadReplayIdIsARedisReplyError) {
  auto r = run(log_.readAfter("not-an-id", 10));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kRedisReply);
}

}  // namespace
}  // namespace cirrus::store
