// Node health hysteresis as a pure function: thresholds in both directions, counters reset
// by the opposite result, and the probe URL of v4, v6-only and address-less nodes.
#include "worker/node_health.h"

#include <gtest/gtest.h>

namespace cirrus::worker {
namespace {

constexpr HealthThresholds kThresholds{3, 2};
const ProbeResult kOk{true, ""};
const ProbeResult kRefused{false, "connect refused"};

TEST(NodeHealthTest, ActiveNodeGoesDownOnlyAfterTheFailThreshold) {
  model::Node node;
  EXPECT_EQ(applyProbe(node, kRefused, kThresholds, 100), HealthTransition::kPending);
  EXPECT_EQ(applyProbe(node, kRefused, kThresholds, 101), HealthTransition::kPending);
  EXPECT_TRUE(node.active);
  EXPECT_EQ(applyProbe(node, kRefused, kThresholds, 102), HealthTransition::kChanged);
  EXPECT_FALSE(node.active);
  EXPECT_EQ(node.fails, 3);
  EXPECT_EQ(node.succs, 0);
  EXPECT_EQ(node.last_check, 102);
  EXPECT_EQ(node.last_error, "connect refused");
  // Further failures keep it down without another transition.
  EXPECT_EQ(applyProbe(node, kRefused, kThresholds, 103), HealthTransition::kUnchanged);
  EXPECT_EQ(node.fails, 4);
}

TEST(NodeHealthTest, OneSuccessResetsTheFailStreak) {
  model::Node node;
  applyProbe(node, kRefused, kThresholds, 100);
  applyProbe(node, kRefused, kThresholds, 101);
  EXPECT_EQ(applyProbe(node, kOk, kThresholds, 102), HealthTransition::kUnchanged);
  EXPECT_EQ(node.fails, 0);
  EXPECT_EQ(node.succs, 1);
  EXPECT_EQ(node.last_error, "");
  applyProbe(node, kRefused, kThresholds, 103);
  applyProbe(node, kRefused, kThresholds, 104);
  EXPECT_TRUE(node.active);  // 2 consecutive, not 4 in total
}

TEST(NodeHealthTest, InactiveNodeComesBackOnlyAfterTheSuccessThreshold) {
  model::Node node;
  node.active = false;
  node.fails = 5;
  EXPECT_EQ(applyProbe(node, kOk, kThresholds, 200), HealthTransition::kPending);
  EXPECT_FALSE(node.active);
  EXPECT_EQ(node.fails, 0);
  // A failure in between restarts the count.
  EXPECT_EQ(applyProbe(node, kRefused, kThresholds, 201), HealthTransition::kUnchanged);
  EXPECT_EQ(applyProbe(node, kOk, kThresholds, 202), HealthTransition::kPending);
  EXPECT_EQ(applyProbe(node, kOk, kThresholds, 203), HealthTransition::kChanged);
  EXPECT_TRUE(node.active);
  EXPECT_EQ(node.succs, 2);
}

TEST(NodeHealthTest, ThresholdOfOneFlipsAtOnce) {
  model::Node node;
  EXPECT_EQ(applyProbe(node, kRefused, {1, 1}, 1), HealthTransition::kChanged);
  EXPECT_EQ(applyProbe(node, kOk, {1, 1}, 2), HealthTransition::kChanged);
}

TEST(NodeHealthTest, FailureWithoutReasonStillRecordsAnError) {
  model::Node node;
  applyProbe(node, ProbeResult{false, ""}, kThresholds, 1);
  EXPECT_FALSE(node.last_error.empty());
}

TEST(NodeHealthTest, ProbeUrlPrefersIpv4AndBracketsIpv6) {
  model::Node node;
  node.ipv4 = "192.0.2.1";
  node.ipv6 = "2001:db8::1";
  EXPECT_EQ(probeUrl(node, 9145), "http://192.0.2.1:9145/healthz");
  node.ipv4.clear();
  EXPECT_EQ(probeUrl(node, 9145), "http://[2001:db8::1]:9145/healthz");
  node.ipv6.clear();
  EXPECT_EQ(probeUrl(node, 9145), std::nullopt);
}

}  // namespace
}  // namespace cirrus::worker
