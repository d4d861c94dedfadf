#include "edge/origin_selector.h"

#include <map>
#include <string>

#include <gtest/gtest.h>

namespace cirrus::edge {
namespace {

TEST(OriginSelectorTest, SpreadsPicksSmoothlyByWeight) {
  OriginSelector s({5, 1, 1});
  std::vector<size_t> order;
  std::string seq;
  for (int i = 0; i < 7; ++i) {
    s.pickOrder(order);
    seq += static_cast<char>('a' + order[0]);
  }
  EXPECT_EQ(seq, "aabacaa");
}

TEST(OriginSelectorTest, PicksInProportionToWeightsOverManyRounds) {
  OriginSelector s({3, 1});
  std::vector<size_t> order;
  std::map<size_t, int> count;
  for (int i = 0; i < 400; ++i) {
    s.pickOrder(order);
    ++count[order[0]];
  }
  EXPECT_EQ(count[0], 300);
  EXPECT_EQ(count[1], 100);
}

TEST(OriginSelectorTest, ListsEveryOtherOriginForFailover) {
  OriginSelector s({1, 1, 1});
  std::vector<size_t> order;
  s.pickOrder(order);
  ASSERT_EQ(order.size(), 3u);
  std::vector<size_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<size_t>{0, 1, 2}));
}

TEST(OriginSelectorTest, SingleOriginAlwaysFirst) {
  OriginSelector s({7});
  std::vector<size_t> order;
  for (int i = 0; i < 3; ++i) {
    s.pickOrder(order);
    EXPECT_EQ(order, (std::vector<size_t>{0}));
  }
}

}  // namespace
}  // namespace cirrus::edge
