#include "core/rendezvous.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace cirrus {
namespace {

std::vector<std::string> splitBy(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::vector<std::string> goldenLines(std::string_view kind) {
  std::ifstream in(std::string(CIRRUS_SOURCE_DIR) + "/tests/data/dns/rendezvous.txt");
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(std::string(kind) + "\t", 0) == 0) out.push_back(line);
  }
  return out;
}

std::vector<std::string_view> views(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

TEST(RendezvousTest, ScoresMatchGoldenVectorsFromPythonXxhash) {
  auto lines = goldenLines("score");
  ASSERT_GE(lines.size(), 50u);
  for (const auto& line : lines) {
    auto f = splitBy(line, '\t');
    ASSERT_EQ(f.size(), 4u) << line;
    EXPECT_EQ(rendezvousScore(f[1], f[2]), std::stoull(f[3])) << line;
  }
}

TEST(RendezvousTest, TopKMatchesGoldenVectors) {
  auto lines = goldenLines("topk");
  ASSERT_GE(lines.size(), 5u);
  for (const auto& line : lines) {
    auto f = splitBy(line, '\t');
    ASSERT_EQ(f.size(), 5u) << line;
    auto ids = splitBy(f[3], ',');
    std::vector<size_t> expected;
    for (const auto& s : splitBy(f[4], ',')) expected.push_back(std::stoul(s));
    EXPECT_EQ(pickTopK(views(ids), f[1], std::stoul(f[2])), expected) << line;
  }
}

TEST(RendezvousTest, ScoreHashesIdPipeFqdnAsOneString) {
  // Both hash "a|b|c": the separator is a plain byte of the input, nothing more.
  EXPECT_EQ(rendezvousScore("a", "b|c"), rendezvousScore("a|b", "c"));
  EXPECT_NE(rendezvousScore("ab", "c"), rendezvousScore("a", "bc"));
}

TEST(RendezvousTest, PickIsDeterministicAndOrderIndependent) {
  std::vector<std::string> ids;
  for (int i = 0; i < 30; ++i) ids.push_back("node-" + std::to_string(i));
  auto first = pickTopK(views(ids), "www.example.com.cdn.local.test", 4);
  auto again = pickTopK(views(ids), "www.example.com.cdn.local.test", 4);
  EXPECT_EQ(first, again);

  std::vector<std::string> reversed(ids.rbegin(), ids.rend());
  auto picks_rev = pickTopK(views(reversed), "www.example.com.cdn.local.test", 4);
  ASSERT_EQ(picks_rev.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(reversed[picks_rev[i]], ids[first[i]]);
}

TEST(RendezvousTest, PicksAreOrderedByScoreDescending) {
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.push_back("n" + std::to_string(i));
  const std::string fqdn = "shop.example.org.cdn.local.test";
  auto picks = pickTopK(views(ids), fqdn, 50);
  ASSERT_EQ(picks.size(), 50u);
  for (size_t i = 1; i < picks.size(); ++i) {
    EXPECT_GE(rendezvousScore(ids[picks[i - 1]], fqdn), rendezvousScore(ids[picks[i]], fqdn));
  }
}

TEST(RendezvousTest, EqualScoresAreOrderedByIdThenIndex) {
  // Distinct ids practically never collide under XXH64, so equal scores come from equal ids:
  // duplicates keep their input order and never displace a better node.
  std::vector<std::string> ids = {"b", "a", "b", "c", "a"};
  auto picks = pickTopK(views(ids), "x.cdn.local.test", 5);
  ASSERT_EQ(picks.size(), 5u);
  for (size_t i = 1; i < picks.size(); ++i) {
    const auto& prev = ids[picks[i - 1]];
    const auto& cur = ids[picks[i]];
    if (prev == cur) {
      EXPECT_LT(picks[i - 1], picks[i]);
    }
  }
  std::set<size_t> distinct(picks.begin(), picks.end());
  EXPECT_EQ(distinct.size(), 5u);
}

TEST(RendezvousTest, BatchedScoringAgreesWithRendezvousScoreForEveryIdLength) {
  // pickTopK hashes ids of equal size four at a time; the order must be exactly the one the
  // single-input rendezvousScore() gives, across XXH64's 32-byte stripe and tail boundaries
  // and for ids too long for the stack buffers.
  std::vector<std::string> ids;
  for (size_t len = 1; len <= 80; ++len) {
    for (char c : std::string("abcdefg")) ids.push_back(std::string(len, c));
  }
  ids.push_back(std::string(700, 'z'));
  for (const std::string& fqdn :
       std::vector<std::string>{"a.b", "www.example.com.cdn.local.test", std::string(300, 'q')}) {
    auto picks = pickTopK(views(ids), fqdn, ids.size());
    ASSERT_EQ(picks.size(), ids.size());
    std::vector<size_t> expected(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) expected[i] = i;
    std::sort(expected.begin(), expected.end(), [&](size_t a, size_t b) {
      uint64_t sa = rendezvousScore(ids[a], fqdn), sb = rendezvousScore(ids[b], fqdn);
      if (sa != sb) return sa > sb;
      return ids[a] < ids[b];
    });
    EXPECT_EQ(picks, expected) << fqdn.size();
  }
}

TEST(RendezvousTest, PickerAgreesWithPickTopKInto) {
  std::vector<std::string> ids;
  for (int i = 0; i < 150; ++i) {
    ids.push_back("n" + std::string(static_cast<size_t>(i % 23), 'x') + std::to_string(i));
  }
  ids.push_back(std::string(600, 'l'));  // streamed, never in a 4-lane batch
  ids.push_back("n0");                   // a duplicate id
  auto v = views(ids);
  RendezvousPicker picker(v);
  EXPECT_EQ(picker.size(), ids.size());
  for (size_t k : {size_t{1}, size_t{2}, size_t{5}, size_t{40}, ids.size()}) {
    for (int d = 0; d < 50; ++d) {
      std::string fqdn = "d" + std::to_string(d) + ".example.com.cdn.local.test";
      std::vector<size_t> expected(k), got(k);
      expected.resize(pickTopKInto(v, fqdn, expected));
      got.resize(picker.pick(fqdn, got));
      ASSERT_EQ(got, expected) << fqdn << " k=" << k;
    }
  }
  RendezvousPicker empty({});
  std::vector<size_t> out(3);
  EXPECT_EQ(empty.pick("x", out), 0u);
}

TEST(RendezvousTest, PickerOrdersLikeRendezvousScoreForEveryIdAndFqdnLength) {
  // The picker precomputes the id-only and FQDN-only parts of XXH64("id|fqdn") (rendezvous.cc,
  // namespace split) for ids up to 31 octets and inputs of 32..512 octets; every layout of
  // the shared word, stripe count and tail must give exactly rendezvousScore()'s order.
  std::vector<std::string> ids;
  for (size_t len = 0; len <= 40; ++len) {
    for (size_t v = 0; v < 6; ++v) {
      std::string id(len, 'a');
      for (size_t i = 0; i < len; ++i) id[i] = static_cast<char>('!' + (v * 7 + i * 13) % 90);
      ids.push_back(id);
    }
  }
  auto v = views(ids);
  RendezvousPicker picker(v);
  for (size_t fqdn_len = 1; fqdn_len <= 520; fqdn_len += (fqdn_len < 100 ? 1 : 7)) {
    std::string fqdn(fqdn_len, 'x');
    for (size_t i = 0; i < fqdn_len; ++i) {
      fqdn[i] = static_cast<char>('0' + (i * 31 + fqdn_len) % 75);
    }
    std::vector<size_t> expected(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) expected[i] = i;
    std::vector<uint64_t> scores(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) scores[i] = rendezvousScore(ids[i], fqdn);
    std::sort(expected.begin(), expected.end(), [&](size_t a, size_t b) {
      if (scores[a] != scores[b]) return scores[a] > scores[b];
      if (ids[a] != ids[b]) return ids[a] < ids[b];
      return a < b;
    });
    std::vector<size_t> got(ids.size());
    got.resize(picker.pick(fqdn, got));
    ASSERT_EQ(got, expected) << "fqdn length " << fqdn_len;
  }
}

TEST(RendezvousTest, KLargerThanCandidatesReturnsAllAndZeroReturnsNone) {
  std::vector<std::string> ids = {"a", "b"};
  EXPECT_EQ(pickTopK(views(ids), "f", 10).size(), 2u);
  EXPECT_TRUE(pickTopK(views(ids), "f", 0).empty());
  EXPECT_TRUE(pickTopK({}, "f", 3).empty());
}

TEST(RendezvousTest, LargeKUsesTheSameOrderAsSmallK) {
  std::vector<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.push_back("node-" + std::to_string(i));
  auto all = pickTopK(views(ids), "big.cdn.local.test", 100);  // beyond the stack slots
  auto top3 = pickTopK(views(ids), "big.cdn.local.test", 3);
  ASSERT_EQ(all.size(), 100u);
  EXPECT_TRUE(std::equal(top3.begin(), top3.end(), all.begin()));
}

TEST(RendezvousTest, RemovingOneNodeMovesOnlyTheAssignmentsThatContainedIt) {
  constexpr int kNodes = 20;
  constexpr int kFqdns = 10000;
  constexpr size_t kReplicas = 2;
  std::vector<std::string> ids;
  for (int i = 0; i < kNodes; ++i) ids.push_back("edge-" + std::to_string(i));
  const std::string removed = ids[7];
  std::vector<std::string> remaining = ids;
  remaining.erase(remaining.begin() + 7);

  int changed = 0;
  for (int d = 0; d < kFqdns; ++d) {
    std::string fqdn = "d" + std::to_string(d) + ".example.com.cdn.local.test";
    auto before_idx = pickTopK(views(ids), fqdn, kReplicas + 1);
    auto after_idx = pickTopK(views(remaining), fqdn, kReplicas);
    std::vector<std::string> before, after;
    for (size_t i = 0; i < kReplicas; ++i) before.push_back(ids[before_idx[i]]);
    for (size_t i : after_idx) after.push_back(remaining[i]);
    if (before == after) continue;
    ++changed;
    // Exact property: a changed set contained the removed node, and the new set is the old set
    // without it plus the old runner-up (k+1-th).
    ASSERT_NE(std::find(before.begin(), before.end(), removed), before.end()) << fqdn;
    std::vector<std::string> expected;
    for (const auto& id : before) {
      if (id != removed) expected.push_back(id);
    }
    expected.push_back(ids[before_idx[kReplicas]]);
    EXPECT_EQ(after, expected) << fqdn;
  }
  // Expected fraction k/N = 0.1; the binomial standard deviation is 0.003.
  double fraction = static_cast<double>(changed) / kFqdns;
  EXPECT_GT(fraction, 0.08);
  EXPECT_LT(fraction, 0.12);
}

TEST(RendezvousTest, PickPerSiteChoosesTopKInEverySite) {
  std::vector<std::string> ids = {"fra-1", "nyc-1", "fra-2", "nyc-2", "fra-3", "solo"};
  std::vector<SiteCandidate> candidates = {{ids[0], "fra"}, {ids[1], "nyc"}, {ids[2], "fra"},
                                           {ids[3], "nyc"}, {ids[4], "fra"}, {ids[5], ""}};
  const std::string fqdn = "www.example.com.cdn.local.test";
  auto picks = pickPerSite(candidates, fqdn, 2);
  // Sites in byte order: "default" (the empty site), "fra", "nyc".
  ASSERT_EQ(picks.size(), 5u);
  EXPECT_EQ(picks[0], 5u);

  std::vector<std::string_view> fra = {ids[0], ids[2], ids[4]};
  auto fra_top = pickTopK(fra, fqdn, 2);
  EXPECT_EQ(ids[picks[1]], fra[fra_top[0]]);
  EXPECT_EQ(ids[picks[2]], fra[fra_top[1]]);
  EXPECT_EQ(candidates[picks[3]].site, "nyc");
  EXPECT_EQ(candidates[picks[4]].site, "nyc");
}

TEST(RendezvousTest, AccessFqdnLowerCasesAndStripsTrailingDots) {
  EXPECT_EQ(accessFqdn("WWW.Example.COM.", "CDN.local.test."), "www.example.com.cdn.local.test");
  EXPECT_EQ(accessFqdn("xn--bcher-kva.example", "cdn.local.test"),
            "xn--bcher-kva.example.cdn.local.test");
}

}  // namespace
}  // namespace cirrus
