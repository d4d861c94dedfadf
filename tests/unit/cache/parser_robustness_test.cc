// Deterministic random inputs for every parser of the cache layer: no crash (the sanitizer
// build makes that meaningful), and the invariants each parser promises hold on any input.
#include <cstdint>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "cache/cache_control.h"
#include "cache/cache_key.h"
#include "cache/disk_object_codec.h"
#include "cache/entity_tag.h"
#include "cache/object_factory.h"
#include "cache/range.h"
#include "core/http_date.h"

namespace cirrus::cache {
namespace {

class RandomText {
 public:
  explicit RandomText(uint32_t seed) : rng_(seed) {}
  std::string next(size_t max_len) {
    static constexpr std::string_view kAlphabet =
        "0123456789abcdefgmnorstvxyzAGMNSTW =,;\"\\*-/:?&#\t\r\x01\x7f\xff";
    static constexpr std::string_view kWords[] = {
        "max-age", "s-maxage", "no-cache", "private", "bytes=",
        "GMT",     "Sun, ",    "Nov",      "W/\"",    "stale-while-revalidate",
        "=",       ",",        "\"",       "-",       "9999999999999999999999"};
    std::string out;
    size_t len = rng_() % (max_len + 1);
    while (out.size() < len) {
      if (rng_() % 4 == 0) {
        out += kWords[rng_() % std::size(kWords)];
      } else {
        out += kAlphabet[rng_() % kAlphabet.size()];
      }
    }
    return out;
  }
  uint32_t number() { return rng_(); }

 private:
  std::mt19937 rng_;
};

TEST(ParserRobustnessTest, CacheControlNeverYieldsNegativeOrHugeDurations) {
  RandomText text(1);
  for (int i = 0; i < 20000; ++i) {
    CacheControl cc = parseCacheControlValue(text.next(60));
    for (const auto& v : {cc.max_age, cc.s_maxage, cc.stale_while_revalidate, cc.stale_if_error,
                          cc.max_stale, cc.min_fresh}) {
      if (v) {
        ASSERT_GE(*v, 0);
        ASSERT_LE(*v, kDeltaSecondsMax);
      }
    }
  }
}

TEST(ParserRobustnessTest, ParsedDatesFormatAndParseBack) {
  RandomText text(2);
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s = i % 2 ? text.next(40) : formatHttpDate(text.number()) + text.next(2);
    if (auto t = parseHttpDate(s)) {
      ++parsed;
      ASSERT_EQ(parseHttpDate(formatHttpDate(*t)), t) << s;
    }
  }
  EXPECT_GT(parsed, 1000);  // the generator does reach the valid path
}

TEST(ParserRobustnessTest, RangePlansStayInsideTheRepresentation) {
  RandomText text(3);
  for (int i = 0; i < 20000; ++i) {
    std::string v = i % 2 ? text.next(30) : "bytes=" + text.next(12);
    int64_t length = text.number() % 5000;
    RangePlan p = planRange(parseRange(v), length);
    if (p.answer == RangeAnswer::kPartial) {
      ASSERT_LE(0, p.first) << v;
      ASSERT_LE(p.first, p.last) << v;
      ASSERT_LT(p.last, length) << v;
      BlockSpan blocks = blocksCovering(p.first, p.last, 64);
      int64_t covered = 0;
      for (int64_t b = blocks.first_index; b <= blocks.last_index; ++b) {
        covered += pieceOfBlock(b, 64, p.first, p.last).length;
      }
      ASSERT_EQ(covered, p.length()) << v;
    }
    parseContentRange(text.next(30));
  }
}

TEST(ParserRobustnessTest, CanonicalTargetIsIdempotent) {
  RandomText text(4);
  for (int i = 0; i < 20000; ++i) {
    std::string t = "/" + text.next(40);
    for (auto mode : {model::QueryStringMode::kInclude, model::QueryStringMode::kIgnore,
                      model::QueryStringMode::kSorted}) {
      std::string once = canonicalTarget(t, mode);
      ASSERT_EQ(canonicalTarget(once, mode), once) << t;
    }
  }
}

TEST(ParserRobustnessTest, EtagListsAndIfRangeNeverCrash) {
  RandomText text(5);
  for (int i = 0; i < 20000; ++i) {
    std::string a = text.next(20);
    std::string b = text.next(20);
    noneMatchListMatches(a, b);
    ifRangeAllows(a, b, text.number(), text.number());
    ASSERT_EQ(strongEtagMatch(a, b), strongEtagMatch(b, a));
    ASSERT_EQ(weakEtagMatch(a, b), weakEtagMatch(b, a));
  }
}

// Found by cache_control_fuzz in CI: a weak tag after whitespace was valid but not weak, so
// strongEtagMatch (which trims) and isWeakEtag (which did not) disagreed about it.
TEST(ParserRobustnessTest, WeakEtagAfterWhitespaceIsWeak) {
  EXPECT_TRUE(isWeakEtag("  W/\"xyz\""));
  EXPECT_TRUE(isWeakEtag("\tW/\"xyz\" "));
  EXPECT_FALSE(isWeakEtag("  \"xyz\""));
  EXPECT_FALSE(strongEtagMatch("  W/\"xyz\"", "W/\"xyz\""));
  EXPECT_TRUE(weakEtagMatch("  W/\"xyz\"", "\"xyz\""));
}

// etagc allows a backslash and it escapes nothing: the list below names two tags.
TEST(ParserRobustnessTest, BackslashInsideAnEtagListMemberEscapesNothing) {
  EXPECT_TRUE(noneMatchListMatches("\"a\\\", \"b\"", "\"b\""));
  EXPECT_TRUE(noneMatchListMatches("\"a\\\", \"b\"", "\"a\\\""));
  EXPECT_FALSE(noneMatchListMatches("\"a,b\"", "\"a\""));
}

TEST(ParserRobustnessTest, DiskPreludeRejectsEveryTruncationAndSurvivesBitFlips) {
  test::ObjectSpec spec;
  spec.response_fields = {{"Cache-Control", "max-age=60"},
                          {"ETag", "\"e\""},
                          {"Vary", "A"},
                          {"Surrogate-Key", "k1 k2"}};
  CachedObjectSharedPtr o = test::makeObject(spec);
  std::string prelude = encodeObjectPrelude(*o);
  size_t offset = 0;
  uint64_t body_size = 0;
  auto full = decodeObjectPrelude(prelude, offset, body_size);
  ASSERT_TRUE(full);
  EXPECT_EQ(offset, prelude.size());
  EXPECT_EQ(body_size, o->bodySize());
  EXPECT_EQ(full->head, o->head);
  EXPECT_EQ(full->tags, o->tags);
  for (size_t n = 0; n < prelude.size(); ++n) {
    ASSERT_FALSE(decodeObjectPrelude(std::string_view(prelude).substr(0, n), offset, body_size))
        << n;
  }
  std::mt19937 rng(6);
  for (int i = 0; i < 5000; ++i) {
    std::string damaged = prelude;
    damaged[rng() % damaged.size()] ^= static_cast<char>(1 << (rng() % 8));
    decodeObjectPrelude(damaged, offset, body_size);  // must not crash or over-allocate
  }
}

}  // namespace
}  // namespace cirrus::cache
