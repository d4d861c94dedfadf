// TaskConsumer against a real redis-server: a task enqueued by the producer is handled and
// recorded; failures retry with growing delays and end in the dead letter; unknown names go
// to the dead letter at once; an entry whose consumer died is reclaimed after the visibility
// timeout; the loop survives a Redis restart.
#include "tasks/task_consumer.h"

#include <chrono>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/sync_runner.h"
#include "store/store_fixture.h"
#include "store/task_store.h"
#include "tasks/task_queue.h"

namespace cirrus::tasks {
namespace {

using namespace std::chrono_literals;
using store::TaskStatus;

class TaskConsumerTest : public test::StoreTest {
 protected:
  ConsumerOptions options(std::string consumer = "c1") {
    ConsumerOptions o;
    o.queue = "health";
    o.consumer = std::move(consumer);
    o.block = 50ms;
    o.visibility_timeout = 300ms;
    o.retry.max_attempts = 3;
    o.retry.base_delay = 100ms;
    o.retry.max_delay = 1000ms;
    o.redis_backoff_max = 200ms;
    return o;
  }

  std::string enqueue(std::string name, nlohmann::json args = nlohmann::json::object()) {
    auto id = run(producer_.enqueue("health", name, args, test::kNow));
    EXPECT_TRUE(id) << id.error().message();
    return id ? *id : std::string();
  }

  store::TaskRecord record(const std::string& id) {
    auto task = run(producer_.get(id));
    EXPECT_TRUE(task && task->has_value());
    return task && *task ? **task : store::TaskRecord{};
  }

  // Polls until `done` holds or the limit passes.
  bool pollUntil(TaskConsumer& consumer, const std::function<bool()>& done,
                 std::chrono::milliseconds limit = 5000ms) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      auto polled = run(consumer.pollOnce());
      EXPECT_TRUE(polled) << polled.error().message();
      if (done()) return true;
    }
    return done();
  }

  std::vector<TaskReport> reports_;
  store::TaskStore producer_{client_};
  TaskRegistry registry_;
};

TEST_F(TaskConsumerTest, EnqueuedTaskIsHandledRecordedAndAcknowledged) {
  std::vector<TaskContext> seen;
  registry_.add("cname.node_health",
                [&](TaskContext c) -> boost::asio::awaitable<Result<nlohmann::json>> {
                  seen.push_back(c);
                  co_return nlohmann::json{{"probed", 2}};
                });
  std::string id = enqueue("cname.node_health", {{"x", 1}});
  TaskConsumer consumer(io_.get_executor(), server_.options(), options(), registry_,
                        [&](const TaskReport& r) { reports_.push_back(r); });
  ASSERT_TRUE(pollUntil(consumer, [&] { return !reports_.empty(); }));

  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].id, id);
  EXPECT_EQ(seen[0].args, (nlohmann::json{{"x", 1}}));
  EXPECT_EQ(seen[0].attempt, 1);
  auto task = record(id);
  EXPECT_EQ(task.status, TaskStatus::kSucceeded);
  EXPECT_EQ(task.attempts, 1);
  EXPECT_EQ(task.result, (nlohmann::json{{"probed", 2}}));
  EXPECT_GT(task.updated_at, test::kNow);
  EXPECT_GT(ttl("cdn:task:" + id), 600000);
  EXPECT_EQ(reports_[0].outcome, TaskOutcome::kSucceeded);
  // Acknowledged and removed: nothing pending, nothing left in the stream.
  EXPECT_EQ(raw({"XLEN", "cdn:tasks:health"}).integer(), 0);
  EXPECT_EQ(raw({"XPENDING", "cdn:tasks:health", "cirrus-workers"}).elements()[0].integer(), 0);
}

TEST_F(TaskConsumerTest, NonRetryableFailureGoesToTheDeadLetterWithoutRetry) {
  int runs = 0;
  registry_.add("cname.node_health",
                [&](TaskContext) -> boost::asio::awaitable<Result<nlohmann::json>> {
                  ++runs;
                  co_return badRequest("the customer CNAME is missing");
                });
  std::string id = enqueue("cname.node_health");
  TaskConsumer consumer(io_.get_executor(), server_.options(), options(), registry_,
                        [&](const TaskReport& r) { reports_.push_back(r); });

  ASSERT_TRUE(pollUntil(consumer, [&] { return !reports_.empty(); }));
  EXPECT_EQ(reports_[0].outcome, TaskOutcome::kFailed);
  auto failed = record(id);
  EXPECT_EQ(failed.status, TaskStatus::kFailed);
  EXPECT_EQ(failed.attempts, 1);
  EXPECT_THAT(failed.error, ::testing::HasSubstr("CNAME is missing"));
  EXPECT_EQ(raw({"ZCARD", "cdn:tasks:health:delayed"}).integer(), 0);
  EXPECT_EQ(raw({"XLEN", "cdn:tasks:health:dead"}).integer(), 1);
  pollUntil(
      consumer, [] { return false; }, 300ms);
  EXPECT_EQ(runs, 1);
}

TEST_F(TaskConsumerTest, FailingTaskRetriesWithGrowingDelayThenGoesToTheDeadLetter) {
  std::vector<std::chrono::steady_clock::time_point> runs;
  registry_.add("cname.node_health",
                [&](TaskContext) -> boost::asio::awaitable<Result<nlohmann::json>> {
                  runs.push_back(std::chrono::steady_clock::now());
                  co_return upstreamUnavailable("probe refused");
                });
  std::string id = enqueue("cname.node_health");
  TaskConsumer consumer(io_.get_executor(), server_.options(), options(), registry_,
                        [&](const TaskReport& r) { reports_.push_back(r); });

  ASSERT_TRUE(pollUntil(consumer, [&] { return !reports_.empty(); }));
  auto retrying = record(id);
  EXPECT_EQ(retrying.status, TaskStatus::kRetrying);
  EXPECT_EQ(retrying.attempts, 1);
  EXPECT_THAT(retrying.error, ::testing::HasSubstr("probe refused"));
  EXPECT_EQ(raw({"ZCARD", "cdn:tasks:health:delayed"}).integer(), 1);

  ASSERT_TRUE(pollUntil(consumer, [&] { return reports_.size() == 3; }));
  ASSERT_EQ(runs.size(), 3u);
  auto first_gap = runs[1] - runs[0];
  auto second_gap = runs[2] - runs[1];
  EXPECT_GE(first_gap, 100ms);
  EXPECT_GE(second_gap, 200ms);
  EXPECT_GT(second_gap, first_gap);

  EXPECT_EQ(reports_[0].outcome, TaskOutcome::kRetrying);
  EXPECT_EQ(reports_[1].outcome, TaskOutcome::kRetrying);
  EXPECT_EQ(reports_[2].outcome, TaskOutcome::kFailed);
  auto failed = record(id);
  EXPECT_EQ(failed.status, TaskStatus::kFailed);
  EXPECT_EQ(failed.attempts, 3);
  auto dead = raw({"XRANGE", "cdn:tasks:health:dead", "-", "+"});
  ASSERT_EQ(dead.elements().size(), 1u);
  EXPECT_EQ(dead.elements()[0].elements()[1].elements()[1].str(), id);
  EXPECT_EQ(raw({"ZCARD", "cdn:tasks:health:delayed"}).integer(), 0);
  EXPECT_EQ(raw({"XLEN", "cdn:tasks:health"}).integer(), 0);

  // Bounded: no further run however long the consumer polls.
  pollUntil(
      consumer, [] { return false; }, 500ms);
  EXPECT_EQ(runs.size(), 3u);
}

TEST_F(TaskConsumerTest, UnknownTaskNameGoesToTheDeadLetterWithoutRetry) {
  std::string id = enqueue("no.such_task");
  TaskConsumer consumer(io_.get_executor(), server_.options(), options(), registry_,
                        [&](const TaskReport& r) { reports_.push_back(r); });
  ASSERT_TRUE(pollUntil(consumer, [&] { return !reports_.empty(); }));
  EXPECT_EQ(reports_[0].outcome, TaskOutcome::kUnknownTask);
  auto task = record(id);
  EXPECT_EQ(task.status, TaskStatus::kFailed);
  EXPECT_EQ(task.attempts, 1);
  EXPECT_THAT(task.error, ::testing::HasSubstr("unknown task name 'no.such_task'"));
  EXPECT_EQ(raw({"XLEN", "cdn:tasks:health:dead"}).integer(), 1);
  EXPECT_EQ(raw({"ZCARD", "cdn:tasks:health:delayed"}).integer(), 0);
}

TEST_F(TaskConsumerTest, TaskOfADeadConsumerIsReclaimedAfterTheVisibilityTimeout) {
  int runs = 0;
  registry_.add("cname.node_health",
                [&](TaskContext c) -> boost::asio::awaitable<Result<nlohmann::json>> {
                  ++runs;
                  co_return nlohmann::json{{"attempt", c.attempt}};
                });
  std::string id = enqueue("cname.node_health");
  // "dead" takes the entry and never acknowledges it, as a process killed mid-task.
  {
    redis::Client dead_client(io_.get_executor(), server_.options());
    TaskQueue dead(dead_client, "health", "dead");
    ASSERT_TRUE(run(dead.ensureGroup()));
    auto taken = run(dead.readNew(50ms, 1));
    ASSERT_TRUE(taken);
    ASSERT_EQ(taken->size(), 1u);
    store::TaskUpdate running{TaskStatus::kRunning, 1, std::nullopt, std::nullopt, test::kNow};
    ASSERT_TRUE(run(dead.update(id, running)));
  }
  TaskConsumer consumer(io_.get_executor(), server_.options(), options("c2"), registry_,
                        [&](const TaskReport& r) { reports_.push_back(r); });
  auto started = std::chrono::steady_clock::now();
  // Not before the visibility timeout...
  pollUntil(
      consumer, [&] { return runs > 0; }, 150ms);
  EXPECT_EQ(runs, 0);
  // ...but after it.
  ASSERT_TRUE(pollUntil(consumer, [&] { return runs > 0; }));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 300ms);
  auto task = record(id);
  EXPECT_EQ(task.status, TaskStatus::kSucceeded);
  EXPECT_EQ(task.attempts, 2);  // the lost run counts as an attempt
  EXPECT_EQ(task.result, (nlohmann::json{{"attempt", 2}}));
  EXPECT_EQ(raw({"XPENDING", "cdn:tasks:health", "cirrus-workers"}).elements()[0].integer(), 0);
}

TEST_F(TaskConsumerTest, LongHandlerKeepsItsEntryWithAHeartbeat) {
  boost::asio::steady_timer wait(io_);
  int runs = 0;
  registry_.add(
      "cname.node_health", [&](TaskContext) -> boost::asio::awaitable<Result<nlohmann::json>> {
        ++runs;
        wait.expires_after(900ms);  // three visibility timeouts
        boost::system::error_code ec;
        co_await wait.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        co_return nlohmann::json();
      });
  enqueue("cname.node_health");
  TaskConsumer consumer(io_.get_executor(), server_.options(), options("c1"), registry_,
                        [&](const TaskReport& r) { reports_.push_back(r); });
  // A second consumer polls while the first one's handler runs: it must not reclaim.
  TaskConsumer other(io_.get_executor(), server_.options(), options("c2"), registry_,
                     [&](const TaskReport& r) { reports_.push_back(r); });
  consumer.start();
  other.start();
  EXPECT_TRUE(runUntil(
      io_, [&] { return !reports_.empty(); }, 5s));
  runUntil(
      io_, [] { return false; }, 400ms);
  EXPECT_EQ(runs, 1);
  bool stopped = false;
  int pending = 2;
  consumer.stop([&] { stopped = --pending == 0; });
  other.stop([&] { stopped = --pending == 0; });
  EXPECT_TRUE(runUntil(
      io_, [&] { return stopped; }, 5s));
}

TEST_F(TaskConsumerTest, LoopSurvivesARedisRestartAndResumes) {
  int runs = 0;
  registry_.add("cname.node_health",
                [&](TaskContext) -> boost::asio::awaitable<Result<nlohmann::json>> {
                  ++runs;
                  co_return nlohmann::json();
                });
  TaskConsumer consumer(io_.get_executor(), server_.options(), options(), registry_);
  consumer.start();
  runUntil(
      io_, [] { return false; }, 200ms);
  server_.kill();
  runUntil(
      io_, [] { return false; }, 500ms);
  server_.start();  // empty: the group is gone and must be recreated
  // The producer's client reconnects lazily, after its own backoff.
  bool enqueued = runUntil(
      io_,
      [&] {
        return static_cast<bool>(run(producer_.enqueue("health", "cname.node_health",
                                                       nlohmann::json::object(), test::kNow)));
      },
      10s);
  ASSERT_TRUE(enqueued);
  EXPECT_TRUE(runUntil(
      io_, [&] { return runs == 1; }, 10s));
  bool stopped = false;
  consumer.stop([&] { stopped = true; });
  EXPECT_TRUE(runUntil(
      io_, [&] { return stopped; }, 5s));
}

TEST(RetryPolicyTest, DelayDoublesUpToTheCapAndAttemptsAreBounded) {
  RetryPolicy policy{4, 1000ms, 5000ms};
  EXPECT_EQ(policy.delayAfter(1), 1000ms);
  EXPECT_EQ(policy.delayAfter(2), 2000ms);
  EXPECT_EQ(policy.delayAfter(3), 4000ms);
  EXPECT_EQ(policy.delayAfter(4), 5000ms);
  EXPECT_EQ(policy.delayAfter(1000), 5000ms);
  EXPECT_TRUE(policy.shouldRetry(3));
  EXPECT_FALSE(policy.shouldRetry(4));
}

}  // namespace
}  // namespace cirrus::tasks
