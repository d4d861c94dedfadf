#include "dns/journal.h"

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "dnswire/wire_test_support.h"

namespace cirrus::dns {
namespace {

using dnswire::testing::name;

dnswire::SoaRdata soaWith(uint32_t serial) {
  return {name("ns1.cdn.test"), name("hostmaster.cdn.test"), serial, 3600, 600, 1209600, 60};
}

// Version `v` of a test zone: names n0..n29; name n<v> gets address 10.0.0.(200+v).
Zone version(uint32_t serial, int v) {
  Zone z(name("cdn.test"), soaWith(serial), 3600);
  z.add(name("cdn.test"), dnswire::RRType::kNs, 3600, dnswire::encodeName(name("ns1.cdn.test")));
  for (int i = 0; i < 30; ++i) {
    auto owner = name("n" + std::to_string(i) + ".cdn.test");
    uint8_t last = static_cast<uint8_t>(i == v ? 200 + v : i);
    z.add(owner, dnswire::RRType::kA, 60, dnswire::encodeA({10, 0, 0, last}));
  }
  if (v >= 2)
    z.add(name("extra.cdn.test"), dnswire::RRType::kTxt, 60,
          dnswire::encodeTxt(std::vector<std::string>{"v2"}).value());
  return z;
}

using RecordKey = std::tuple<std::string, dnswire::RRType, uint32_t, std::string>;

std::set<RecordKey> contents(const Zone& z) {
  std::set<RecordKey> out;
  z.forEachRRset([&](const dnswire::Name& owner, const RRset& r) {
    if (r.type() == dnswire::RRType::kSoa) return;
    for (auto rdata : r) out.insert({owner.toText(), r.type(), r.ttl(), std::string(rdata)});
  });
  return out;
}

// Applies an IXFR answer (RFC 1995 §4 difference sequences) the way a secondary does.
std::set<RecordKey> applyIxfr(std::set<RecordKey> zone,
                              const std::vector<dnswire::RecordView>& records) {
  // records: SOA(current), then sequences of [old SOA, deletions..., new SOA, additions...],
  // then SOA(current).
  bool deleting = false;
  for (size_t i = 1; i + 1 < records.size(); ++i) {
    const auto& r = records[i];
    if (r.type == dnswire::RRType::kSoa) {
      deleting = !deleting;
      continue;
    }
    RecordKey key{dnswire::Name::fromWire(r.owner_wire)->toText(), r.type, r.ttl,
                  std::string(r.rdata)};
    if (deleting) {
      EXPECT_EQ(zone.erase(key), 1u) << std::get<0>(key);
    } else {
      zone.insert(key);
    }
  }
  return zone;
}

TEST(JournalTest, DiffFindsAddedRemovedAndChangedRecords) {
  Zone v1 = version(1, 1), v2 = version(2, 2);
  ZoneDiff d = diffZones(v1, v2);
  EXPECT_EQ(d.fromSerial(), 1u);
  EXPECT_EQ(d.toSerial(), 2u);
  // n1 goes back to 10.0.0.1, n2 becomes 10.0.0.202, extra TXT appears.
  ASSERT_EQ(d.removed.size(), 2u);
  ASSERT_EQ(d.added.size(), 3u);
  EXPECT_EQ(d.removed[0].name, name("n1.cdn.test"));
  EXPECT_EQ(d.removed[0].rdata, dnswire::encodeA({10, 0, 0, 201}));
  EXPECT_EQ(d.added[0].name, name("extra.cdn.test"));  // canonical order: extra < n1 < n2
  EXPECT_EQ(d.added[1].name, name("n1.cdn.test"));
  EXPECT_EQ(d.recordCount(), 7u);
}

TEST(JournalTest, DiffOfEqualZonesHasOnlyTheSoas) {
  ZoneDiff d = diffZones(version(1, 1), version(2, 1));
  EXPECT_TRUE(d.removed.empty());
  EXPECT_TRUE(d.added.empty());
  EXPECT_EQ(d.toSerial(), 2u);
}

TEST(JournalTest, ALargeDiffAppliedToTheOldZoneGivesTheNewOne) {
  // 2 x 12,000 names: above the size at which diffZones() walks its two directions on two
  // threads. Every 100th name changes address, every 1000th disappears, 7 names are new.
  Zone a(name("cdn.test"), soaWith(1), 3600);
  Zone b(name("cdn.test"), soaWith(2), 3600);
  for (int i = 0; i < 12000; ++i) {
    auto owner = name("d" + std::to_string(i) + ".cdn.test");
    auto addr =
        dnswire::encodeA({10, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i & 0xff), 1});
    a.add(owner, dnswire::RRType::kA, 60, addr);
    a.add(owner, dnswire::RRType::kAaaa, 60, std::string(15, '\0') + "\x01");
    if (i % 1000 == 999) continue;
    b.add(owner, dnswire::RRType::kA, 60, i % 100 == 0 ? dnswire::encodeA({10, 9, 9, 9}) : addr);
    b.add(owner, dnswire::RRType::kAaaa, 60, std::string(15, '\0') + "\x01");
  }
  for (int i = 0; i < 7; ++i) {
    b.add(name("new" + std::to_string(i) + ".cdn.test"), dnswire::RRType::kA, 60,
          dnswire::encodeA({1, 2, 3, 4}));
  }
  ZoneDiff d = diffZones(a, b);
  EXPECT_EQ(d.removed.size(), 120u + 12u * 2u);  // old A of changed names, A+AAAA of gone ones
  EXPECT_EQ(d.added.size(), 120u + 7u);
  std::set<RecordKey> applied = contents(a);
  for (const auto& r : d.removed) {
    EXPECT_EQ(applied.erase({r.name.toText(), r.type, r.ttl, r.rdata}), 1u) << r.name.toText();
  }
  for (const auto& r : d.added) applied.insert({r.name.toText(), r.type, r.ttl, r.rdata});
  EXPECT_EQ(applied, contents(b));
}

TEST(JournalTest, TtlChangesAreARemovalAndAnAddition) {
  Zone a(name("cdn.test"), soaWith(1), 3600);
  Zone b(name("cdn.test"), soaWith(2), 3600);
  a.add(name("x.cdn.test"), dnswire::RRType::kA, 60, dnswire::encodeA({1, 1, 1, 1}));
  b.add(name("x.cdn.test"), dnswire::RRType::kA, 120, dnswire::encodeA({1, 1, 1, 1}));
  ZoneDiff d = diffZones(a, b);
  ASSERT_EQ(d.removed.size(), 1u);
  ASSERT_EQ(d.added.size(), 1u);
  EXPECT_EQ(d.removed[0].ttl, 60u);
  EXPECT_EQ(d.added[0].ttl, 120u);
}

TEST(JournalTest, CurrentOrNewerClientsGetTheSoaOnly) {
  Journal j;
  Zone v1 = version(1, 1);
  auto plan = j.ixfrResponse(1, v1);
  EXPECT_EQ(plan.kind, IxfrKind::kUpToDate);
  ASSERT_EQ(plan.records.size(), 1u);
  EXPECT_EQ(plan.records[0].type, dnswire::RRType::kSoa);
  EXPECT_EQ(j.ixfrResponse(5, v1).kind, IxfrKind::kUpToDate);
}

TEST(JournalTest, IncrementalAnswersChainDiffsAndRebuildTheZone) {
  Zone v1 = version(1, 1), v2 = version(2, 2), v3 = version(3, 3);
  Journal j;
  j.append(diffZones(v1, v2));
  j.append(diffZones(v2, v3));
  EXPECT_EQ(j.oldestSerial(), 1u);

  auto plan = j.ixfrResponse(1, v3);
  ASSERT_EQ(plan.kind, IxfrKind::kIncremental);
  // SOA3, SOA1, -..., SOA2, +..., SOA2, -..., SOA3, +..., SOA3
  std::vector<uint32_t> soa_serials;
  for (const auto& r : plan.records) {
    if (r.type == dnswire::RRType::kSoa) soa_serials.push_back(dnswire::decodeSoa(r.rdata)->serial);
  }
  EXPECT_EQ(soa_serials, (std::vector<uint32_t>{3, 1, 2, 2, 3, 3}));
  EXPECT_EQ(applyIxfr(contents(v1), plan.records), contents(v3));

  auto from2 = j.ixfrResponse(2, v3);
  ASSERT_EQ(from2.kind, IxfrKind::kIncremental);
  EXPECT_EQ(applyIxfr(contents(v2), from2.records), contents(v3));
}

TEST(JournalTest, UnknownSerialsFallBackToTheFullZone) {
  Zone v1 = version(1, 1), v2 = version(2, 2);
  Journal j;
  j.append(diffZones(v1, v2));
  auto plan = j.ixfrResponse(0, v2);
  EXPECT_EQ(plan.kind, IxfrKind::kFullZone);
  EXPECT_EQ(plan.records.size(), v2.recordCount() + 1);
  EXPECT_EQ(plan.records.front().type, dnswire::RRType::kSoa);
  EXPECT_EQ(plan.records.back().type, dnswire::RRType::kSoa);
}

TEST(JournalTest, AJournalBehindTheServedZoneFallsBack) {
  Zone v1 = version(1, 1), v2 = version(2, 2), v3 = version(3, 3);
  Journal j;
  j.append(diffZones(v1, v2));
  EXPECT_EQ(j.ixfrResponse(1, v3).kind, IxfrKind::kFullZone);
}

TEST(JournalTest, HistoryIsBoundedByCount) {
  Journal j(3);
  std::vector<Zone> versions;
  for (uint32_t s = 1; s <= 6; ++s) versions.push_back(version(s, static_cast<int>(s % 10)));
  for (size_t i = 0; i + 1 < versions.size(); ++i)
    j.append(diffZones(versions[i], versions[i + 1]));
  EXPECT_EQ(j.size(), 3u);
  EXPECT_EQ(j.oldestSerial(), 3u);
  EXPECT_EQ(j.ixfrResponse(2, versions.back()).kind, IxfrKind::kFullZone);
  EXPECT_EQ(j.ixfrResponse(3, versions.back()).kind, IxfrKind::kIncremental);
}

TEST(JournalTest, HistoryIsBoundedByRecords) {
  Journal j(64, 10);
  j.append(diffZones(version(1, 1), version(2, 2)));  // 7 records
  j.append(diffZones(version(2, 2), version(3, 3)));  // 6 more: over budget, first goes
  EXPECT_EQ(j.size(), 1u);
  EXPECT_EQ(j.oldestSerial(), 2u);
  EXPECT_LE(j.recordCount(), 10u);
}

TEST(JournalTest, ANonContiguousDiffRestartsTheHistory) {
  Journal j;
  j.append(diffZones(version(1, 1), version(2, 2)));
  j.append(diffZones(version(7, 1), version(8, 2)));
  EXPECT_EQ(j.size(), 1u);
  EXPECT_EQ(j.oldestSerial(), 7u);
}

TEST(JournalTest, DiffsOutweighingTheZoneFallBack) {
  // Every record changes in every version: the chain of diffs is larger than the zone.
  Zone a(name("cdn.test"), soaWith(1), 3600), b(name("cdn.test"), soaWith(2), 3600),
      c(name("cdn.test"), soaWith(3), 3600);
  for (int i = 0; i < 5; ++i) {
    auto owner = name("n" + std::to_string(i) + ".cdn.test");
    a.add(owner, dnswire::RRType::kA, 60, dnswire::encodeA({1, 0, 0, static_cast<uint8_t>(i)}));
    b.add(owner, dnswire::RRType::kA, 60, dnswire::encodeA({2, 0, 0, static_cast<uint8_t>(i)}));
    c.add(owner, dnswire::RRType::kA, 60, dnswire::encodeA({3, 0, 0, static_cast<uint8_t>(i)}));
  }
  Journal j;
  j.append(diffZones(a, b));
  j.append(diffZones(b, c));
  EXPECT_EQ(j.ixfrResponse(1, c).kind, IxfrKind::kFullZone);
  EXPECT_EQ(j.ixfrResponse(2, c).kind, IxfrKind::kFullZone);  // 12 records > zone's 6
}

TEST(JournalTest, APlanKeepsItsDiffsAliveAfterTheJournalMovesOn) {
  Zone v1 = version(1, 1), v2 = version(2, 2);
  Journal j;
  j.append(diffZones(v1, v2));
  auto plan = j.ixfrResponse(1, v2);
  j.clear();
  ASSERT_EQ(plan.kind, IxfrKind::kIncremental);
  EXPECT_EQ(applyIxfr(contents(v1), plan.records), contents(v2));
}

}  // namespace
}  // namespace cirrus::dns
