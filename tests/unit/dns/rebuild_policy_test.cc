#include "dns/rebuild_policy.h"

#include <gtest/gtest.h>

#include "dns/serial.h"
#include "dns/zone_builder.h"

namespace cirrus::dns {
namespace {

using std::chrono::milliseconds;
using TimePoint = Debouncer::TimePoint;

const TimePoint kT0 = TimePoint() + std::chrono::hours(1);

Zone zoneWith(std::vector<std::string> domains, uint32_t serial) {
  ZoneBuildInput in;
  in.base_domain = "cdn.test";
  in.serial = serial;
  in.domains = std::move(domains);
  in.nodes.push_back({"n1", "192.0.2.1", "", "", true, true});
  return std::move(*buildSteeringZone(in));
}

TEST(DebouncerTest, NothingIsPendingBeforeAChange) {
  Debouncer d;
  EXPECT_FALSE(d.deadline());
  EXPECT_FALSE(d.due(kT0));
}

TEST(DebouncerTest, OneChangeFiresAfterTheQuietPeriod) {
  Debouncer d({milliseconds(100), milliseconds(500)});
  EXPECT_EQ(d.onDirty(kT0), kT0 + milliseconds(100));
  EXPECT_FALSE(d.due(kT0 + milliseconds(99)));
  EXPECT_TRUE(d.due(kT0 + milliseconds(100)));
}

TEST(DebouncerTest, ABurstMovesTheDeadlineButNotPastTheMaximumDelay) {
  Debouncer d({milliseconds(100), milliseconds(500)});
  d.onDirty(kT0);
  EXPECT_EQ(d.onDirty(kT0 + milliseconds(80)), kT0 + milliseconds(180));
  // A change every 80 ms would postpone forever; the first change caps it at 500 ms.
  for (int i = 2; i < 10; ++i) d.onDirty(kT0 + milliseconds(80 * i));
  EXPECT_EQ(*d.deadline(), kT0 + milliseconds(500));
}

TEST(DebouncerTest, ChangesAfterFiringStartANewBurst) {
  Debouncer d({milliseconds(100), milliseconds(500)});
  d.onDirty(kT0);
  d.fired();
  EXPECT_FALSE(d.deadline());
  EXPECT_EQ(d.onDirty(kT0 + milliseconds(700)), kT0 + milliseconds(800));
}

TEST(RebuildOutcomeTest, FirstBuildHasNothingToCompareWith) {
  EXPECT_EQ(classifyRebuild(nullptr, zoneWith({"a.example"}, 1)), RebuildOutcome::kFirst);
}

TEST(RebuildOutcomeTest, SameContentWithAnotherSerialIsUnchanged) {
  Zone served = zoneWith({"a.example", "b.example"}, 100);
  Zone built = zoneWith({"b.example", "a.example"}, 0);
  EXPECT_EQ(classifyRebuild(&served, built), RebuildOutcome::kUnchanged);
}

TEST(RebuildOutcomeTest, AnAddedDomainIsAChange) {
  Zone served = zoneWith({"a.example"}, 100);
  Zone built = zoneWith({"a.example", "b.example"}, 100);
  EXPECT_EQ(classifyRebuild(&served, built), RebuildOutcome::kChanged);
}

TEST(SerialChoiceTest, FirstBuildAsksForUnixTime) {
  EXPECT_EQ(serialCandidate(std::nullopt, 1'700'000'000), 1'700'000'000);
}

TEST(SerialChoiceTest, CandidateIsAboveTheServedSerialEvenWhenTheClockIsBehind) {
  EXPECT_EQ(serialCandidate(1'800'000'000u, 1'700'000'000), 1'800'000'001);
  EXPECT_EQ(serialCandidate(1'600'000'000u, 1'700'000'000), 1'700'000'000);
}

TEST(SerialChoiceTest, UsesWhatTheStoreReturned) {
  EXPECT_EQ(chooseSerial(1'700'000'000u, 1'700'000'005, 1'700'000'000), 1'700'000'005u);
  EXPECT_EQ(chooseSerial(std::nullopt, 42, 1'700'000'000), 42u);
}

TEST(SerialChoiceTest, FallsBackWhenTheStoredSerialWouldGoBackwards) {
  // cdn:dns:serial was deleted: the store restarts low, the served zone must still grow.
  uint32_t s = chooseSerial(1'700'000'000u, 7, 1'600'000'000);
  EXPECT_TRUE(serialLess(1'700'000'000u, s));
  EXPECT_EQ(s, 1'700'000'001u);
}

}  // namespace
}  // namespace cirrus::dns
