// CronSchedule: every field form, next-fire across hour/day/month/year boundaries, the
// day-of-month / day-of-week "either" rule, and rejected input.
#include "core/cron.h"

#include <string>

#include <gtest/gtest.h>

#include "core/config.h"

namespace cirrus {
namespace {

// 2026-01-31 23:59:30 UTC, a Saturday.
constexpr int64_t kJan31Late = 1769903970;

int64_t next(std::string_view expression, int64_t after) {
  std::string error;
  auto schedule = CronSchedule::parse(expression, &error);
  EXPECT_TRUE(schedule) << expression << ": " << error;
  if (!schedule) return -1;
  auto fire = schedule->nextAfter(after);
  EXPECT_TRUE(fire) << expression;
  return fire.value_or(-1);
}

TEST(CronScheduleTest, EveryMinuteFiresAtTheNextWholeMinute) {
  EXPECT_EQ(next("* * * * *", 1700000000), 1700000040);  // 22:13:20 -> 22:14:00
  // Strictly after: an instant on a minute boundary yields the following minute.
  EXPECT_EQ(next("* * * * *", 1700000040), 1700000100);
}

TEST(CronScheduleTest, HourlyDefaultCrossesTheDayMonthAndYearBoundary) {
  // 2026-12-31 23:30:00 -> 2027-01-01 00:00:00.
  EXPECT_EQ(next("0 * * * *", 1798759800), 1798761600);
}

TEST(CronScheduleTest, StepsListsAndRangesSelectTheRightMinutes) {
  // 2023-11-14 22:13:20 UTC (Tuesday).
  EXPECT_EQ(next("*/15 * * * *", 1700000000), 1700000100);      // 22:15
  EXPECT_EQ(next("5,40-42 * * * *", 1700000000), 1700001600);   // 22:40
  EXPECT_EQ(next("10-50/20 * * * *", 1700000000), 1700001000);  // 22:30 (10, 30, 50)
  EXPECT_EQ(next("50/5 * * * *", 1700000000), 1700002200);      // 22:50 (50, 55)
  EXPECT_EQ(next("0 3 * * *", 1700000000), 1700017200);         // next day 03:00
}

TEST(CronScheduleTest, MonthBoundaryAndMonthNames) {
  // From 2026-01-31 23:59:30: the 1st of the month at 00:00 is 2026-02-01.
  EXPECT_EQ(next("0 0 1 * *", kJan31Late), 1769904000);
  // 31st of a month skips February and lands on 2026-03-31.
  EXPECT_EQ(next("0 12 31 * *", kJan31Late), 1774958400);
  EXPECT_EQ(next("0 0 1 MAR *", kJan31Late), 1772323200);  // 2026-03-01
}

TEST(CronScheduleTest, LeapDayIsFoundYearsAhead) {
  // 2026-01-31 -> 2028-02-29 00:00 UTC.
  EXPECT_EQ(next("0 0 29 2 *", kJan31Late), 1835395200);
}

TEST(CronScheduleTest, DayOfWeekAcceptsZeroAndSevenForSundayAndNames) {
  // Saturday 2026-01-31 late -> Sunday 2026-02-01 00:00.
  EXPECT_EQ(next("0 0 * * 0", kJan31Late), 1769904000);
  EXPECT_EQ(next("0 0 * * 7", kJan31Late), 1769904000);
  EXPECT_EQ(next("0 0 * * sun", kJan31Late), 1769904000);
  EXPECT_EQ(next("0 0 * * Mon-Fri", kJan31Late), 1769990400);  // Monday 2026-02-02
}

TEST(CronScheduleTest, RestrictedDayOfMonthAndDayOfWeekMatchEither) {
  // "the 15th, or any Monday": from Saturday 2026-01-31 the Monday 2026-02-02 comes first.
  EXPECT_EQ(next("0 0 15 * 1", kJan31Late), 1769990400);
  // With day-of-week `*`, only the 15th counts: 2026-02-15.
  EXPECT_EQ(next("0 0 15 * *", kJan31Late), 1771113600);
}

TEST(CronScheduleTest, RejectsMalformedExpressionsWithAReason) {
  for (const char* bad :
       {"", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * 32 * *",
        "* * * 13 *", "* * * * 8", "*/0 * * * *", "5-1 * * * *", "a * * * *", "1,,2 * * * *",
        "*/x * * * *", "@hourly", "0 0 30 2 *", "0 0 31 apr,jun *"}) {
    std::string error;
    EXPECT_FALSE(CronSchedule::parse(bad, &error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(CronScheduleTest, ToleratesExtraWhitespace) {
  EXPECT_EQ(next("  0\t0  * *  * ", kJan31Late), 1769904000);
}

TEST(CronScheduleTest, WorkerConfigRejectsABadRenewCronNamingTheVariable) {
  for (const char* bad : {"61 * * * *", "0 0 30 2 *", "*/0 * * * *"}) {
    config::ConfigReader reader(config::mapEnv({{"ACME_RENEW_CRON", bad}}));
    try {
      config::loadWorkerConfig(reader);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const config::ConfigError& e) {
      EXPECT_EQ(e.variable(), "ACME_RENEW_CRON");
      EXPECT_NE(e.reason().find(bad), std::string::npos) << e.reason();
    }
  }
  config::ConfigReader good(config::mapEnv({{"ACME_RENEW_CRON", "30 3 * * mon-fri"}}));
  EXPECT_EQ(config::loadWorkerConfig(good).acme_renew_cron, "30 3 * * mon-fri");
}

}  // namespace
}  // namespace cirrus
