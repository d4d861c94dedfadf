// Scheduler and LeaderLease against a real redis-server: one leader among several schedulers,
// each period enqueued exactly once, takeover after the leader dies without a period fired
// twice, and a stale fencing token refused by the enqueue script.
#include "tasks/scheduler.h"

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/sync_runner.h"
#include "store/store_fixture.h"
#include "store/task_store.h"
#include "tasks/leader_lease.h"

namespace cirrus::tasks {
namespace {

using namespace std::chrono_literals;

PeriodicJob healthJob(std::chrono::seconds every) {
  PeriodicJob job;
  job.name = "cname.node_health";
  job.queue = "health";
  job.task_name = "cname.node_health";
  job.every = every;
  return job;
}

class SchedulerTest : public test::StoreTest {
 protected:
  std::unique_ptr<Scheduler> makeScheduler(const std::string& holder) {
    SchedulerOptions o;
    o.holder = holder;
    o.lease_ttl = 600ms;
    o.tick = 100ms;
    return std::make_unique<Scheduler>(
        io_.get_executor(), server_.options(), o, std::vector<PeriodicJob>{healthJob(1s)},
        [this, holder](bool leader) {
          if (leader) leaders_.push_back(holder);
        },
        [this, holder](const PeriodicJob&, int64_t period, const std::string&) {
          fired_.push_back({period, holder});
        });
  }

  void waitFor(std::chrono::milliseconds d) {
    runUntil(
        io_, [] { return false; }, d);
  }

  std::vector<std::string> leaders_;
  std::vector<std::pair<int64_t, std::string>> fired_;
};

TEST_F(SchedulerTest, OneLeaderFiresEachPeriodOnceAndTheOtherTakesOverWhenItDies) {
  auto a = makeScheduler("a");
  auto b = makeScheduler("b");
  a->start();
  b->start();
  waitFor(3500ms);
  ASSERT_EQ(leaders_.size(), 1u);
  EXPECT_NE(a->leader(), b->leader());
  Scheduler& first = a->leader() ? *a : *b;
  Scheduler& second = a->leader() ? *b : *a;
  const std::string first_name = leaders_[0];
  int64_t first_token = first.fenceToken();

  first.abandonForTest();  // dies holding the lease
  waitFor(3500ms);
  EXPECT_TRUE(second.leader());
  EXPECT_GT(second.fenceToken(), first_token);
  ASSERT_EQ(leaders_.size(), 2u);
  EXPECT_NE(leaders_[1], first_name);

  bool stopped = false;
  second.stop([&] { stopped = true; });
  EXPECT_TRUE(runUntil(
      io_, [&] { return stopped; }, 5s));
  EXPECT_FALSE(exists("cdn:scheduler:lease"));  // released on a graceful stop

  // Every period fired once, by whoever led at the time, and none was skipped.
  std::map<int64_t, int> per_period;
  for (const auto& [period, holder] : fired_) ++per_period[period];
  ASSERT_GE(per_period.size(), 6u);
  int64_t expected = per_period.begin()->first;
  for (const auto& [period, count] : per_period) {
    EXPECT_EQ(count, 1) << "period " << period;
    EXPECT_EQ(period, expected) << "a period was skipped";
    expected = period + 1;
  }
  std::set<std::string> firers;
  for (const auto& [period, holder] : fired_) firers.insert(holder);
  EXPECT_EQ(firers.size(), 2u);
  // The queue holds exactly one task per fired period.
  EXPECT_EQ(raw({"XLEN", "cdn:tasks:health"}).integer(), static_cast<int64_t>(fired_.size()));
  EXPECT_EQ(raw({"GET", "cdn:scheduler:fired:cname.node_health"}).str(),
            std::to_string(per_period.rbegin()->first));
}

TEST_F(SchedulerTest, NewLeaderDoesNotRefireThePeriodItsPredecessorFired) {
  auto a = makeScheduler("a");
  ASSERT_TRUE(run(a->tickOnce(test::kNow)));
  ASSERT_TRUE(a->leader());
  ASSERT_EQ(fired_.size(), 1u);
  // a dies; its lease expires; b leads within the same period.
  a->abandonForTest();
  waitFor(700ms);
  auto b = makeScheduler("b");
  ASSERT_TRUE(run(b->tickOnce(test::kNow)));
  ASSERT_TRUE(b->leader());
  EXPECT_EQ(fired_.size(), 1u);
  ASSERT_TRUE(run(b->tickOnce(test::kNow + 1)));
  EXPECT_EQ(fired_.size(), 2u);
  EXPECT_EQ(fired_[1], (std::pair<int64_t, std::string>{test::kNow + 1, "b"}));
}

TEST_F(SchedulerTest, StaleFencingTokenIsRefusedAtomically) {
  redis::Client other(io_.get_executor(), server_.options());
  LeaderLease old_lease(client_, "old", 300ms);
  auto token = run(old_lease.tryAcquire());
  ASSERT_TRUE(token && *token);
  std::string old_value = old_lease.value();
  int64_t old_token = **token;

  waitFor(400ms);  // expires while "old" is paused
  LeaderLease new_lease(other, "new", 10s);
  auto newer = run(new_lease.tryAcquire());
  ASSERT_TRUE(newer && *newer);
  EXPECT_GT(**newer, old_token);
  auto renewed = run(old_lease.renew());
  ASSERT_TRUE(renewed);
  EXPECT_FALSE(*renewed);

  store::TaskStore tasks(client_);
  store::PeriodicSlot stale{"cname.node_health", test::kNow, old_value, old_token};
  auto refused = run(tasks.enqueuePeriodic("health", "cname.node_health", nlohmann::json::object(),
                                           test::kNow, stale));
  ASSERT_TRUE(refused) << refused.error().message();
  EXPECT_EQ(refused->outcome, store::PeriodicOutcome::kStaleLease);
  EXPECT_FALSE(exists("cdn:tasks:health"));
  EXPECT_FALSE(exists("cdn:scheduler:fired:cname.node_health"));

  // Right holder, wrong token (e.g. the fence was bumped by hand): refused too.
  store::PeriodicSlot wrong_token{"cname.node_health", test::kNow, new_lease.value(), old_token};
  auto refused_again = run(tasks.enqueuePeriodic(
      "health", "cname.node_health", nlohmann::json::object(), test::kNow, wrong_token));
  ASSERT_TRUE(refused_again);
  EXPECT_EQ(refused_again->outcome, store::PeriodicOutcome::kStaleLease);

  store::PeriodicSlot current{"cname.node_health", test::kNow, new_lease.value(), **newer};
  auto accepted = run(tasks.enqueuePeriodic("health", "cname.node_health", nlohmann::json::object(),
                                            test::kNow, current));
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->outcome, store::PeriodicOutcome::kEnqueued);
  auto again = run(tasks.enqueuePeriodic("health", "cname.node_health", nlohmann::json::object(),
                                         test::kNow, current));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->outcome, store::PeriodicOutcome::kAlreadyFired);
  EXPECT_EQ(raw({"XLEN", "cdn:tasks:health"}).integer(), 1);
  auto record = run(tasks.get(accepted->id));
  ASSERT_TRUE(record && record->has_value());
  EXPECT_EQ((*record)->name, "cname.node_health");
  EXPECT_EQ((*record)->queue, "health");
  EXPECT_EQ((*record)->status, store::TaskStatus::kQueued);
}

TEST(DuePeriodTest, IntervalJobsUseTheStartOfTheCurrentPeriod) {
  auto job = healthJob(10s);
  EXPECT_EQ(duePeriod(job, 1700000005, 10), 1700000000);
  EXPECT_EQ(duePeriod(job, 1700000010, 10), 1700000010);
}

TEST(DuePeriodTest, CronJobsAreDueForTheLatestFireTimeWithinTheLookback) {
  PeriodicJob job;
  job.name = "acme.scan_and_renew";
  job.cron = CronSchedule::parse("0 * * * *");
  ASSERT_TRUE(job.cron);
  // 1700002800 = 23:00:00 UTC.
  EXPECT_EQ(duePeriod(job, 1700002800, 15), 1700002800);
  EXPECT_EQ(duePeriod(job, 1700002810, 15), 1700002800);
  EXPECT_EQ(duePeriod(job, 1700002830, 15), std::nullopt);  // missed long ago: skipped
  EXPECT_EQ(duePeriod(job, 1700002790, 15), std::nullopt);
}

}  // namespace
}  // namespace cirrus::tasks
