#include "dns/zone_builder.h"

#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/rendezvous.h"
#include "dnswire/wire_test_support.h"

namespace cirrus::dns {
namespace {

using dnswire::testing::name;

SteeringNode node(std::string id, std::string site, std::string v4, std::string v6 = "") {
  SteeringNode n;
  n.id = std::move(id);
  n.site = std::move(site);
  n.ipv4 = std::move(v4);
  n.ipv6 = std::move(v6);
  return n;
}

ZoneBuildInput baseInput() {
  ZoneBuildInput in;
  in.base_domain = "cdn.local.test";
  in.serial = 1700000000;
  in.ns1_a = "203.0.113.53";
  in.ns1_aaaa = "2001:db8::53";
  for (int i = 0; i < 6; ++i) {
    in.nodes.push_back(node("fra-" + std::to_string(i), "fra", "192.0.2." + std::to_string(i + 1),
                            "2001:db8:f::" + std::to_string(i + 1)));
    in.nodes.push_back(
        node("nyc-" + std::to_string(i), "nyc", "198.51.100." + std::to_string(i + 1)));
  }
  in.domains = {"www.example.com", "shop.example.org", "xn--bcher-kva.example"};
  return in;
}

std::set<std::string> addresses(const Zone& z, std::string_view owner, dnswire::RRType type) {
  std::set<std::string> out;
  if (const RRset* r = z.find(name(owner), type)) {
    for (auto rdata : *r) out.insert(dnswire::rdataToText(type, rdata));
  }
  return out;
}

TEST(ZoneBuilderTest, BuildsTheApexSoaNsAndGlue) {
  auto zone = buildSteeringZone(baseInput());
  ASSERT_TRUE(zone) << zone.error().message();
  EXPECT_EQ(zone->apex(), name("cdn.local.test"));
  EXPECT_EQ(zone->serial(), 1700000000u);
  EXPECT_EQ(zone->soa().mname, name("ns1.cdn.local.test"));
  EXPECT_EQ(zone->soa().rname, name("hostmaster.cdn.local.test"));
  EXPECT_EQ(zone->soa().minimum, 60u);
  const RRset* ns = zone->find(name("cdn.local.test"), dnswire::RRType::kNs);
  ASSERT_NE(ns, nullptr);
  EXPECT_EQ(*dnswire::decodeName(*ns->begin()), name("ns1.cdn.local.test"));
  EXPECT_EQ(addresses(*zone, "ns1.cdn.local.test", dnswire::RRType::kA),
            std::set<std::string>{"203.0.113.53"});
  EXPECT_EQ(addresses(*zone, "ns1.cdn.local.test", dnswire::RRType::kAaaa),
            std::set<std::string>{"2001:db8::53"});
}

TEST(ZoneBuilderTest, PicksTheSameNodesAsTheSharedRendezvousSelection) {
  ZoneBuildInput in = baseInput();
  auto zone = buildSteeringZone(in);
  ASSERT_TRUE(zone);
  std::vector<SiteCandidate> candidates;
  for (const auto& n : in.nodes) candidates.push_back({n.id, n.site});
  for (const auto& domain : in.domains) {
    std::string fqdn = accessFqdn(domain, in.base_domain);
    std::set<std::string> v4, v6;
    for (size_t i : pickPerSite(candidates, fqdn, 2)) {
      v4.insert(in.nodes[i].ipv4);
      if (!in.nodes[i].ipv6.empty()) v6.insert(in.nodes[i].ipv6);
    }
    EXPECT_EQ(v4.size(), 4u);  // 2 per site
    EXPECT_EQ(addresses(*zone, fqdn, dnswire::RRType::kA), v4) << fqdn;
    EXPECT_EQ(addresses(*zone, fqdn, dnswire::RRType::kAaaa), v6) << fqdn;
    EXPECT_EQ(zone->find(name(fqdn), dnswire::RRType::kA)->ttl(), 60u);
  }
}

TEST(ZoneBuilderTest, OnlyEnabledActiveNodesWithAnAddressAreEligible) {
  ZoneBuildInput in;
  in.base_domain = "cdn.local.test";
  in.replicas_per_site = 10;
  in.nodes = {node("up", "", "192.0.2.1"),          node("disabled", "", "192.0.2.2"),
              node("down", "", "192.0.2.3"),        node("no-address", "", ""),
              node("bad-address", "", "not-an-ip"), node("v6only", "", "", "2001:db8::6")};
  in.nodes[1].enabled = false;
  in.nodes[2].active = false;
  in.domains = {"www.example.com"};
  ZoneBuildReport report;
  auto zone = buildSteeringZone(in, &report);
  ASSERT_TRUE(zone);
  EXPECT_EQ(report.eligible_nodes, 2u);
  ASSERT_EQ(report.ignored_addresses.size(), 1u);
  EXPECT_EQ(report.ignored_addresses[0], "bad-address: not-an-ip");
  EXPECT_EQ(addresses(*zone, "www.example.com.cdn.local.test", dnswire::RRType::kA),
            std::set<std::string>{"192.0.2.1"});
  // The IPv6-only node adds only AAAA.
  EXPECT_EQ(addresses(*zone, "www.example.com.cdn.local.test", dnswire::RRType::kAaaa),
            std::set<std::string>{"2001:db8::6"});
}

TEST(ZoneBuilderTest, ANameWithoutEligibleNodesIsNoDataNotNxDomain) {
  ZoneBuildInput in = baseInput();
  for (auto& n : in.nodes) n.active = false;
  ZoneBuildReport report;
  auto zone = buildSteeringZone(in, &report);
  ASSERT_TRUE(zone);
  EXPECT_EQ(report.names_without_nodes, 3u);
  auto l = zone->lookup(name("www.example.com.cdn.local.test"), dnswire::RRType::kA);
  EXPECT_EQ(l.kind, LookupKind::kNoData);
  EXPECT_EQ(zone->lookup(name("other.example.com.cdn.local.test"), dnswire::RRType::kA).kind,
            LookupKind::kNxDomain);
}

TEST(ZoneBuilderTest, InvalidDomainsAreSkippedAndReported) {
  ZoneBuildInput in = baseInput();
  in.domains = {
      "good.example", std::string(64, 'a') + ".example",
      "a..b",         "",
      "ns1",          std::string(250, 'x').insert(60, ".").insert(120, ".").insert(180, ".")};
  ZoneBuildReport report;
  auto zone = buildSteeringZone(in, &report);
  ASSERT_TRUE(zone);
  EXPECT_EQ(report.rejected_domains.size(), 5u);
  EXPECT_EQ(zone->lookup(name("good.example.cdn.local.test"), dnswire::RRType::kA).kind,
            LookupKind::kAnswer);
  // ns1 keeps its glue; a domain may not take it over.
  EXPECT_EQ(addresses(*zone, "ns1.cdn.local.test", dnswire::RRType::kA),
            std::set<std::string>{"203.0.113.53"});
}

TEST(ZoneBuilderTest, NamesAreLowerCasedAndDuplicatesMerge) {
  ZoneBuildInput in = baseInput();
  in.base_domain = "CDN.Local.Test.";
  in.domains = {"WWW.Example.COM", "www.example.com."};
  auto zone = buildSteeringZone(in);
  ASSERT_TRUE(zone);
  EXPECT_EQ(zone->apex().wire(), name("cdn.local.test").wire());
  EXPECT_EQ(zone->find(name("www.example.com.cdn.local.test"), dnswire::RRType::kA)->size(), 4u);
}

TEST(ZoneBuilderTest, BadSettingsAreErrorsNamingTheVariable) {
  ZoneBuildInput in = baseInput();
  in.ns1_a = "2001:db8::1";
  auto r = buildSteeringZone(in);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("DNS_NS1_A"), std::string::npos);

  in = baseInput();
  in.base_domain = "";
  EXPECT_FALSE(buildSteeringZone(in));
  in.base_domain = "bad..name";
  EXPECT_FALSE(buildSteeringZone(in));
  in = baseInput();
  in.soa_rname = "a..b";
  EXPECT_FALSE(buildSteeringZone(in));
}

TEST(ZoneBuilderTest, ThreadCountDoesNotChangeTheZone) {
  ZoneBuildInput in = baseInput();
  in.domains.clear();
  for (int i = 0; i < 6000; ++i) in.domains.push_back("d" + std::to_string(i) + ".example.com");
  in.threads = 1;
  auto one = buildSteeringZone(in);
  in.threads = 4;
  auto four = buildSteeringZone(in);
  ASSERT_TRUE(one && four);
  EXPECT_TRUE(one->sameContent(*four));
  EXPECT_EQ(one->contentHash(), four->contentHash());
  EXPECT_EQ(one->nameCount(), 6000u + 4u);  // apex, ns1, example.com and com ENTs
}

TEST(ZoneBuilderTest, ContentHashTracksNodeChangesButNotTheSerial) {
  ZoneBuildInput in = baseInput();
  auto before = buildSteeringZone(in);
  in.serial += 5;
  auto same = buildSteeringZone(in);
  ASSERT_TRUE(before && same);
  EXPECT_EQ(before->contentHash(), same->contentHash());
  EXPECT_TRUE(before->sameContent(*same));

  in.nodes[0].active = false;  // fra-0 goes down
  auto after = buildSteeringZone(in);
  ASSERT_TRUE(after);
  EXPECT_FALSE(before->sameContent(*after));
}

TEST(ZoneBuilderTest, RemovingANodeChangesOnlyTheNamesThatUsedIt) {
  ZoneBuildInput in = baseInput();
  in.domains.clear();
  for (int i = 0; i < 500; ++i) in.domains.push_back("d" + std::to_string(i) + ".example.com");
  auto before = buildSteeringZone(in);
  const std::string removed = in.nodes[0].ipv4;  // fra-0
  in.nodes.erase(in.nodes.begin());
  auto after = buildSteeringZone(in);
  ASSERT_TRUE(before && after);
  int changed = 0;
  for (const auto& d : in.domains) {
    std::string fqdn = accessFqdn(d, in.base_domain);
    auto old_set = addresses(*before, fqdn, dnswire::RRType::kA);
    auto new_set = addresses(*after, fqdn, dnswire::RRType::kA);
    if (old_set == new_set) continue;
    ++changed;
    EXPECT_TRUE(old_set.count(removed)) << fqdn;
  }
  EXPECT_GT(changed, 0);
}

}  // namespace
}  // namespace cirrus::dns
