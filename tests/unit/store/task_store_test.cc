// TaskStore (producer side) against a real redis-server: an enqueue writes the record and
// the queue entry in one transaction.
#include "store/task_store.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace cirrus::store {
namespace {

using ::testing::ElementsAre;
using ::testing::MatchesRegex;

class TaskStoreTest : public test::StoreTest {
 protected:
  TaskStore store_{client_};
};

TEST_F(TaskStoreTest, EnqueueWritesRecordWithTtlAndQueueEntryInOneTransaction) {
  test::RedisMonitor monitor(server_);
  auto id =
      run(store_.enqueue("acme", "acme.issue_certificate", {{"domain", "a.test"}}, test::kNow));
  ASSERT_TRUE(id) << id.error().message();
  EXPECT_THAT(*id, MatchesRegex("[0-9a-f]{32}"));
  EXPECT_THAT(
      recorded(monitor),
      ElementsAre(
          "MULTI",
          "HSET cdn:task:" + *id +
              " queue acme name acme.issue_certificate args {\"domain\":\"a.test\"} "
              "status queued attempts 0 created_at 1700000000 updated_at "
              "1700000000",
          "EXPIRE cdn:task:" + *id + " 604800",
          "XADD cdn:tasks:acme MAXLEN ~ 100000 * task " + *id + " name acme.issue_certificate",
          "EXEC"));
  EXPECT_GT(ttl("cdn:task:" + *id), 600000);
  EXPECT_EQ(raw({"XLEN", "cdn:tasks:acme"}).integer(), 1);
}

TEST_F(TaskStoreTest, GetReadsTheRecordBack) {
  auto id =
      run(store_.enqueue("health", "cname.node_health", nlohmann::json::object(), test::kNow));
  ASSERT_TRUE(id);
  auto task = run(store_.get(*id));
  ASSERT_TRUE(task) << task.error().message();
  ASSERT_TRUE(task->has_value());
  EXPECT_EQ((*task)->id, *id);
  EXPECT_EQ((*task)->queue, "health");
  EXPECT_EQ((*task)->name, "cname.node_health");
  EXPECT_EQ((*task)->args, nlohmann::json::object());
  EXPECT_EQ((*task)->status, TaskStatus::kQueued);
  EXPECT_EQ((*task)->attempts, 0);
  EXPECT_TRUE((*task)->result.is_null());
  EXPECT_EQ((*task)->created_at, test::kNow);
  EXPECT_EQ((*task)->updated_at, test::kNow);
  EXPECT_FALSE(run(store_.get("0123456789abcdef0123456789abcdef"))->has_value());
}

TEST_F(TaskStoreTest, EveryEnqueueGetsItsOwnId) {
  auto a = run(store_.enqueue("acme", "acme.scan_and_renew", {}, test::kNow));
  auto b = run(store_.enqueue("acme", "acme.scan_and_renew", {}, test::kNow));
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(raw({"XLEN", "cdn:tasks:acme"}).integer(), 2);
}

TEST_F(TaskStoreTest, WorkerWrittenFieldsAndAnUnknownStatusReadSafely) {
  raw({"HSET", "cdn:task:t1", "name", "x", "status", "succeeded", "attempts", "2", "result",
       R"({"serial":5})"});
  raw({"HSET", "cdn:task:t2", "name", "x", "status", "exploded", "error", "boom"});
  auto done = run(store_.get("t1")).value().value();
  EXPECT_EQ(done.status, TaskStatus::kSucceeded);
  EXPECT_EQ(done.attempts, 2);
  EXPECT_EQ(done.result, (nlohmann::json{{"serial", 5}}));
  auto odd = run(store_.get("t2")).value().value();
  EXPECT_EQ(odd.status, TaskStatus::kFailed);
  EXPECT_EQ(odd.error, "boom");
}

TEST(TaskStatusTest, NamesRoundTrip) {
  for (TaskStatus s : {TaskStatus::kQueued, TaskStatus::kRunning, TaskStatus::kRetrying,
                       TaskStatus::kSucceeded, TaskStatus::kFailed}) {
    EXPECT_EQ(parseTaskStatus(toString(s)), s);
  }
  EXPECT_FALSE(parseTaskStatus("done").has_value());
}

}  // namespace
}  // namespace cirrus::store
