#include "dns/zone.h"

#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dnswire/wire_test_support.h"

namespace cirrus::dns {
namespace {

using dnswire::testing::name;

dnswire::SoaRdata testSoa(uint32_t serial = 1) {
  return {name("ns1.cdn.test"), name("hostmaster.cdn.test"), serial, 3600, 600, 1209600, 30};
}

Zone testZone() {
  Zone z(name("CDN.test"), testSoa(), 3600);
  EXPECT_EQ(z.add(name("www.a.example.cdn.test"), dnswire::RRType::kA, 60,
                  dnswire::encodeA({192, 0, 2, 1})),
            AddStatus::kAdded);
  EXPECT_EQ(z.add(name("alias.cdn.test"), dnswire::RRType::kCname, 60,
                  dnswire::encodeName(name("www.a.example.cdn.test"))),
            AddStatus::kAdded);
  return z;
}

TEST(ZoneTest, LookupSeparatesAnswerNoDataNxDomainAndOutOfZone) {
  Zone z = testZone();
  auto answer = z.lookup(name("www.a.example.cdn.test"), dnswire::RRType::kA);
  EXPECT_EQ(answer.kind, LookupKind::kAnswer);
  ASSERT_NE(answer.rrset, nullptr);
  EXPECT_EQ(answer.rrset->size(), 1u);
  EXPECT_EQ(z.lookup(name("www.a.example.cdn.test"), dnswire::RRType::kAaaa).kind,
            LookupKind::kNoData);
  EXPECT_EQ(z.lookup(name("nope.cdn.test"), dnswire::RRType::kA).kind, LookupKind::kNxDomain);
  EXPECT_EQ(z.lookup(name("below.www.a.example.cdn.test"), dnswire::RRType::kA).kind,
            LookupKind::kNxDomain);
  EXPECT_EQ(z.lookup(name("cdn.test.evil"), dnswire::RRType::kA).kind, LookupKind::kOutOfZone);
  EXPECT_EQ(z.lookup(name("test"), dnswire::RRType::kA).kind, LookupKind::kOutOfZone);
}

TEST(ZoneTest, EmptyNonTerminalsExistWithoutData) {
  // RFC 8020: a.example.cdn.test and example.cdn.test exist because a name below them does.
  Zone z = testZone();
  EXPECT_EQ(z.lookup(name("a.example.cdn.test"), dnswire::RRType::kA).kind, LookupKind::kNoData);
  EXPECT_EQ(z.lookup(name("example.cdn.test"), dnswire::RRType::kA).kind, LookupKind::kNoData);
  EXPECT_EQ(z.nameCount(), 5u);  // apex, alias, www.a.example, a.example, example
}

TEST(ZoneTest, RRsetsAtListsANamesDataAndNothingForEmptyOrMissingNames) {
  Zone z(name("cdn.test"), testSoa(), 3600);
  z.add(name("a.b.cdn.test"), dnswire::RRType::kAaaa, 60, std::string(16, '\x01'));
  z.add(name("a.b.cdn.test"), dnswire::RRType::kA, 60, dnswire::encodeA({192, 0, 2, 1}));
  auto rrsets = z.rrsetsAt(name("A.b.CDN.test"));
  ASSERT_EQ(rrsets.size(), 2u);
  EXPECT_EQ(rrsets[0].type(), dnswire::RRType::kA);  // sorted by type
  EXPECT_EQ(rrsets[1].type(), dnswire::RRType::kAaaa);
  EXPECT_TRUE(z.rrsetsAt(name("b.cdn.test")).empty());  // empty non-terminal
  EXPECT_TRUE(z.rrsetsAt(name("x.cdn.test")).empty());
  size_t names = 0;
  z.forEachName([&](const dnswire::Name&, std::span<const RRset> r) {
    EXPECT_FALSE(r.empty());
    ++names;
  });
  EXPECT_EQ(names, 2u);  // the apex (SOA) and a.b; not the empty b
}

TEST(ZoneTest, LookupIgnoresCase) {
  Zone z = testZone();
  EXPECT_EQ(z.lookup(name("WWW.A.Example.CDN.TEST"), dnswire::RRType::kA).kind,
            LookupKind::kAnswer);
  EXPECT_EQ(z.apex().wire(), name("cdn.test").wire());  // stored lower-cased
}

TEST(ZoneTest, CnameIsReportedForOtherTypes) {
  Zone z = testZone();
  auto l = z.lookup(name("alias.cdn.test"), dnswire::RRType::kA);
  EXPECT_EQ(l.kind, LookupKind::kCname);
  EXPECT_EQ(z.lookup(name("alias.cdn.test"), dnswire::RRType::kCname).kind, LookupKind::kAnswer);
}

TEST(ZoneTest, RRsetsAreDeduplicatedAndCanonicallyOrdered) {
  Zone z(name("cdn.test"), testSoa(), 3600);
  EXPECT_EQ(z.add(name("x.cdn.test"), dnswire::RRType::kA, 60, dnswire::encodeA({10, 0, 0, 9})),
            AddStatus::kAdded);
  EXPECT_EQ(z.add(name("x.cdn.test"), dnswire::RRType::kA, 60, dnswire::encodeA({10, 0, 0, 1})),
            AddStatus::kAdded);
  EXPECT_EQ(z.add(name("X.cdn.test"), dnswire::RRType::kA, 60, dnswire::encodeA({10, 0, 0, 9})),
            AddStatus::kDuplicate);
  const RRset* r = z.find(name("x.cdn.test"), dnswire::RRType::kA);
  ASSERT_NE(r, nullptr);
  std::vector<std::string> rdatas(r->begin(), r->end());
  ASSERT_EQ(rdatas.size(), 2u);
  EXPECT_EQ(rdatas[0], dnswire::encodeA({10, 0, 0, 1}));
  EXPECT_EQ(rdatas[1], dnswire::encodeA({10, 0, 0, 9}));
}

TEST(ZoneTest, RejectsRecordsThatCannotLiveInTheZone) {
  Zone z = testZone();
  EXPECT_EQ(z.add(name("www.other.test"), dnswire::RRType::kA, 60, dnswire::encodeA({1, 2, 3, 4})),
            AddStatus::kOutOfZone);
  EXPECT_EQ(z.add(name("x.cdn.test"), dnswire::RRType::kOpt, 60, ""), AddStatus::kMetaType);
  EXPECT_EQ(z.add(name("x.cdn.test"), dnswire::RRType::kAny, 60, ""), AddStatus::kMetaType);
  EXPECT_EQ(z.add(name("x.cdn.test"), dnswire::RRType::kSoa, 60, dnswire::encodeSoa(testSoa())),
            AddStatus::kSoaNotAllowed);
  EXPECT_EQ(z.add(name("x.cdn.test"), dnswire::RRType::kA, 60, "\x01\x02"), AddStatus::kBadRdata);
  EXPECT_EQ(z.add(name("alias.cdn.test"), dnswire::RRType::kA, 60, dnswire::encodeA({1, 2, 3, 4})),
            AddStatus::kCnameConflict);
  EXPECT_EQ(z.add(name("www.a.example.cdn.test"), dnswire::RRType::kCname, 60,
                  dnswire::encodeName(name("x.test"))),
            AddStatus::kCnameConflict);
  // A rejected record must not create its name.
  EXPECT_EQ(z.lookup(name("x.cdn.test"), dnswire::RRType::kA).kind, LookupKind::kNxDomain);
}

TEST(ZoneTest, SerialAndNegativeTtlComeFromTheSoa) {
  Zone z = testZone();
  EXPECT_EQ(z.serial(), 1u);
  EXPECT_EQ(z.negativeTtl(), 30u);  // min(SOA TTL 3600, MINIMUM 30)
  z.setSerial(42);
  EXPECT_EQ(z.serial(), 42u);
  auto soa = dnswire::decodeSoa(z.soaRecord().rdata);
  ASSERT_TRUE(soa);
  EXPECT_EQ(soa->serial, 42u);
  EXPECT_EQ(z.soaRecord().ttl, 3600u);
  Zone short_ttl(name("cdn.test"), testSoa(), 10);
  EXPECT_EQ(short_ttl.negativeTtl(), 10u);
}

TEST(ZoneTest, ContentHashIgnoresSerialAndConstructionOrder) {
  Zone a(name("cdn.test"), testSoa(1), 3600);
  Zone b(name("cdn.test"), testSoa(99), 3600);
  a.add(name("x.cdn.test"), dnswire::RRType::kA, 60, dnswire::encodeA({1, 1, 1, 1}));
  a.add(name("y.cdn.test"), dnswire::RRType::kA, 60, dnswire::encodeA({2, 2, 2, 2}));
  b.add(name("y.cdn.test"), dnswire::RRType::kA, 60, dnswire::encodeA({2, 2, 2, 2}));
  b.add(name("x.cdn.test"), dnswire::RRType::kA, 60, dnswire::encodeA({1, 1, 1, 1}));
  EXPECT_EQ(a.contentHash(), b.contentHash());
  EXPECT_TRUE(a.sameContent(b));

  b.add(name("x.cdn.test"), dnswire::RRType::kA, 60, dnswire::encodeA({3, 3, 3, 3}));
  EXPECT_NE(a.contentHash(), b.contentHash());
  EXPECT_FALSE(a.sameContent(b));
}

TEST(ZoneTest, ContentHashSeesTtlAndSoaFieldsAndEmptyNames) {
  Zone base(name("cdn.test"), testSoa(), 3600);
  Zone ttl(name("cdn.test"), testSoa(), 3600);
  base.add(name("x.cdn.test"), dnswire::RRType::kA, 60, dnswire::encodeA({1, 1, 1, 1}));
  ttl.add(name("x.cdn.test"), dnswire::RRType::kA, 61, dnswire::encodeA({1, 1, 1, 1}));
  EXPECT_NE(base.contentHash(), ttl.contentHash());
  EXPECT_FALSE(base.sameContent(ttl));

  dnswire::SoaRdata other = testSoa();
  other.refresh = 7200;
  Zone soa(name("cdn.test"), other, 3600);
  soa.add(name("x.cdn.test"), dnswire::RRType::kA, 60, dnswire::encodeA({1, 1, 1, 1}));
  EXPECT_NE(base.contentHash(), soa.contentHash());
  EXPECT_FALSE(base.sameContent(soa));

  Zone empty = Zone(name("cdn.test"), testSoa(), 3600);
  empty.add(name("x.cdn.test"), dnswire::RRType::kA, 60, dnswire::encodeA({1, 1, 1, 1}));
  empty.addEmptyName(name("y.cdn.test"));
  EXPECT_NE(base.contentHash(), empty.contentHash());
  EXPECT_FALSE(base.sameContent(empty));
}

TEST(ZoneTest, SetRRsetReplacesAndAnEmptyListRemoves) {
  Zone z = testZone();
  std::string a1 = dnswire::encodeA({5, 5, 5, 5}), a2 = dnswire::encodeA({4, 4, 4, 4});
  std::vector<std::string_view> two = {a1, a2, a1};
  EXPECT_EQ(z.setRRset(name("www.a.example.cdn.test"), dnswire::RRType::kA, 30, two),
            AddStatus::kAdded);
  const RRset* r = z.find(name("www.a.example.cdn.test"), dnswire::RRType::kA);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->size(), 2u);
  EXPECT_EQ(r->ttl(), 30u);
  EXPECT_EQ(*r->begin(), a2);
  EXPECT_EQ(z.setRRset(name("www.a.example.cdn.test"), dnswire::RRType::kA, 30, {}),
            AddStatus::kAdded);
  EXPECT_EQ(z.lookup(name("www.a.example.cdn.test"), dnswire::RRType::kA).kind,
            LookupKind::kNoData);
}

TEST(ZoneTest, ReplaceNameSetsAllRRsetsOfAName) {
  Zone z = testZone();
  std::string a = dnswire::encodeA({7, 7, 7, 7});
  std::string_view av = a;
  RRset sets[] = {RRset::fromRdatas(dnswire::RRType::kA, 60, {&av, 1}),
                  RRset(dnswire::RRType::kAaaa, 60)};
  EXPECT_EQ(z.replaceName(name("New.cdn.test"), sets), AddStatus::kAdded);
  EXPECT_EQ(z.lookup(name("new.cdn.test"), dnswire::RRType::kA).kind, LookupKind::kAnswer);
  EXPECT_EQ(z.lookup(name("new.cdn.test"), dnswire::RRType::kAaaa).kind, LookupKind::kNoData);
  EXPECT_EQ(z.replaceName(name("gone.cdn.test"), {}), AddStatus::kAdded);
  EXPECT_EQ(z.lookup(name("gone.cdn.test"), dnswire::RRType::kA).kind, LookupKind::kNoData);
  EXPECT_EQ(z.replaceName(name("cdn.test"), {}), AddStatus::kOutOfZone);
}

TEST(ZoneTest, SortedRRsetsFollowCanonicalOrder) {
  Zone z = testZone();
  z.add(name("b.cdn.test"), dnswire::RRType::kAaaa, 60, std::string(16, '\1'));
  z.add(name("b.cdn.test"), dnswire::RRType::kA, 60, dnswire::encodeA({1, 1, 1, 1}));
  auto sorted = z.sortedRRsets();
  std::vector<std::string> got;
  for (const auto& ref : sorted)
    got.push_back(ref.owner->toText() + " " + toString(ref.rrset->type()));
  std::vector<std::string> expected = {"cdn.test. SOA", "alias.cdn.test. CNAME", "b.cdn.test. A",
                                       "b.cdn.test. AAAA", "www.a.example.cdn.test. A"};
  EXPECT_EQ(got, expected);
  EXPECT_EQ(z.recordCount(), 5u);
}

}  // namespace
}  // namespace cirrus::dns
