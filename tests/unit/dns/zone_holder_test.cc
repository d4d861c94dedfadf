#include "dns/zone_holder.h"

#include <gtest/gtest.h>

#include "dns/zone_builder.h"

namespace cirrus::dns {
namespace {

ZoneSharedPtr makeZone(std::vector<std::string> domains, uint32_t serial) {
  ZoneBuildInput in;
  in.base_domain = "cdn.test";
  in.serial = serial;
  in.domains = std::move(domains);
  in.nodes.push_back({"n1", "192.0.2.1", "", "", true, true});
  return std::make_shared<const Zone>(std::move(*buildSteeringZone(in)));
}

std::vector<std::string> domains(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("d" + std::to_string(i) + ".example");
  return out;
}

TEST(ZoneHolderTest, ServesNothingBeforeTheFirstPublish) {
  ZoneHolder holder;
  EXPECT_EQ(holder.current(), nullptr);
}

TEST(ZoneHolderTest, ReadersKeepTheirSnapshotAcrossASwap) {
  ZoneHolder holder;
  holder.publish(makeZone(domains(2), 1));
  ZoneSharedPtr reader = holder.current();
  holder.publish(makeZone(domains(3), 2));
  EXPECT_EQ(reader->serial(), 1u);
  EXPECT_EQ(holder.current()->serial(), 2u);
}

TEST(ZoneHolderTest, EachSerialChangeIsJournaledForIxfr) {
  ZoneHolder holder;
  holder.publish(makeZone(domains(20), 101));
  EXPECT_EQ(holder.journalSize(), 0u);
  holder.publish(makeZone(domains(21), 102));
  holder.publish(makeZone(domains(22), 103));
  EXPECT_EQ(holder.journalSize(), 2u);
  auto from_first = holder.ixfr(101);
  EXPECT_EQ(from_first.plan.kind, IxfrKind::kIncremental);
  EXPECT_EQ(from_first.zone->serial(), 103u);
  EXPECT_EQ(holder.ixfr(103).plan.kind, IxfrKind::kUpToDate);
  EXPECT_EQ(holder.ixfr(50).plan.kind, IxfrKind::kFullZone);  // older than the history
}

TEST(ZoneHolderTest, RepublishingTheSameSerialAddsNoDiff) {
  ZoneHolder holder;
  holder.publish(makeZone(domains(5), 9));
  holder.publish(makeZone(domains(5), 9));
  EXPECT_EQ(holder.journalSize(), 0u);
}

}  // namespace
}  // namespace cirrus::dns
