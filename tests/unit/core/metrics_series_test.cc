#include "core/metrics_series.h"

#include <chrono>
#include <latch>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace cirrus::metrics {
namespace {

using namespace std::chrono_literals;

/// Runs fn(i) on `n` threads that are all alive at the same time, then joins them.
template <class Fn>
void runConcurrently(int n, Fn fn) {
  std::latch start(n);
  std::latch done(n);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      fn(i);
      done.arrive_and_wait();  // keep every thread (and its slot) alive until all are done
    });
  }
  for (auto& t : threads) t.join();
}

TEST(CounterTest, StartsAtZeroAndAddsIncrements) {
  Counter c;
  EXPECT_EQ(c.value(), 0u);
  c.inc();
  c.inc(41);
  EXPECT_EQ(c.value(), 42u);
}

TEST(CounterTest, SumsExactlyAcrossThreads) {
  Counter c;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200'000;
  runConcurrently(kThreads, [&](int) {
    for (int i = 0; i < kPerThread; ++i) c.inc();
  });
  EXPECT_EQ(c.value(), uint64_t{kThreads} * kPerThread);
}

TEST(CounterTest, StaysExactWhenThreadsOutnumberSlots) {
  // More live threads than slots: the extra ones share the overflow cell.
  Counter c;
  constexpr int kThreads = static_cast<int>(detail::kMaxSlots) + 16;
  constexpr int kPerThread = 5'000;
  runConcurrently(kThreads, [&](int) {
    for (int i = 0; i < kPerThread; ++i) c.inc();
  });
  EXPECT_EQ(c.value(), uint64_t{kThreads} * kPerThread);
}

TEST(CounterTest, ReadsWhileOtherThreadsWrite) {
  Counter c;
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    uint64_t last = 0;
    while (!stop.load()) {
      uint64_t now = c.value();
      EXPECT_GE(now, last);  // a counter never goes backwards
      last = now;
    }
  });
  runConcurrently(4, [&](int) {
    for (int i = 0; i < 50'000; ++i) c.inc();
  });
  stop = true;
  reader.join();
  EXPECT_EQ(c.value(), 200'000u);
}

TEST(CounterTest, ThreadSlotsAreReusedAfterThreadsExit) {
  Counter c;
  // Many more short-lived threads than slots, one at a time.
  for (unsigned i = 0; i < 3 * detail::kMaxSlots; ++i) std::thread([&] { c.inc(); }).join();
  unsigned slot = detail::kNoSlot;
  std::thread([&] { slot = detail::threadSlot(); }).join();
  EXPECT_LT(slot, detail::kMaxSlots);
  EXPECT_EQ(c.value(), 3 * detail::kMaxSlots);
}

TEST(GaugeTest, SetsIncrementsAndDecrements) {
  Gauge g;
  EXPECT_EQ(g.value(), 0);
  g.set(10);
  g.inc();
  g.inc(2.5);
  g.dec(4);
  EXPECT_DOUBLE_EQ(g.value(), 9.5);
  g.set(-1.25);
  EXPECT_DOUBLE_EQ(g.value(), -1.25);
}

TEST(GaugeTest, IncAndDecFromManyThreadsCancelOut) {
  Gauge g;
  runConcurrently(6, [&](int i) {
    for (int k = 0; k < 10'000; ++k) {
      if (i % 2 == 0) {
        g.inc();
      } else {
        g.dec();
      }
    }
  });
  EXPECT_EQ(g.value(), 0);
}

TEST(HistogramTest, BucketsAreCumulativeAndUpperBoundsInclusive) {
  Histogram h({0.125, 0.5, 1});
  h.observe(0.0625);
  h.observe(0.125);  // on the bound: counts in le="0.125"
  h.observe(0.25);
  h.observe(2);  // above every bound: only +Inf
  auto s = h.snapshot();
  EXPECT_EQ(s.bounds, (std::vector<double>{0.125, 0.5, 1}));
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{2, 3, 3, 4}));
  EXPECT_EQ(s.count, 4u);
  EXPECT_DOUBLE_EQ(s.sum, 2.4375);
}

TEST(HistogramTest, CumulativeCountsNeverDecreaseAcrossBuckets) {
  Histogram h;
  for (int i = 0; i < 1000; ++i) h.observe(i * 0.013);
  auto s = h.snapshot();
  ASSERT_EQ(s.cumulative.size(), kDefaultLatencyBuckets.size() + 1);
  for (size_t i = 1; i < s.cumulative.size(); ++i) EXPECT_LE(s.cumulative[i - 1], s.cumulative[i]);
  EXPECT_EQ(s.cumulative.back(), 1000u);
}

TEST(HistogramTest, UsesTheDefaultLatencyBuckets) {
  Histogram h;
  EXPECT_EQ(h.bounds(),
            (std::vector<double>{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}));
  EXPECT_EQ(defaultLatencyBuckets(), h.bounds());
}

TEST(HistogramTest, ObservesDurationsInSeconds) {
  Histogram h({0.1, 1});
  h.observe(250ms);
  h.observe(std::chrono::microseconds(50'000));
  auto s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{1, 2, 2}));
  EXPECT_DOUBLE_EQ(s.sum, 0.3);
}

TEST(HistogramTest, NanAndHugeValuesLandInInfBucket) {
  Histogram h({1});
  h.observe(std::numeric_limits<double>::quiet_NaN());
  h.observe(std::numeric_limits<double>::infinity());
  h.observe(-5);  // below every bound: first bucket
  auto s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{1, 3}));
}

TEST(HistogramTest, DropsTrailingInfBound) {
  Histogram h({1, 2, std::numeric_limits<double>::infinity()});
  EXPECT_EQ(h.bounds(), (std::vector<double>{1, 2}));
}

TEST(HistogramTest, RejectsUnorderedOrNonFiniteBounds) {
  EXPECT_THROW(Histogram({1, 1}), std::logic_error);
  EXPECT_THROW(Histogram({2, 1}), std::logic_error);
  EXPECT_THROW(Histogram({std::numeric_limits<double>::quiet_NaN()}), std::logic_error);
  EXPECT_THROW(Histogram({-std::numeric_limits<double>::infinity(), 1}), std::logic_error);
}

TEST(HistogramTest, WithoutBoundsCountsEverythingInInf) {
  Histogram h(std::vector<double>{});
  h.observe(3);
  auto s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{1}));
  EXPECT_EQ(s.sum, 3);
}

TEST(HistogramTest, CountsExactlyAcrossThreads) {
  // More than one cache line of cells per slot (11 buckets + Inf + sum = 13 cells).
  Histogram h;
  constexpr int kThreads = 6;
  constexpr int kPerThread = 20'000;
  runConcurrently(kThreads, [&](int t) {
    for (int i = 0; i < kPerThread; ++i) h.observe(t % 2 == 0 ? 0.5 : 20.0);
  });
  auto s = h.snapshot();
  constexpr uint64_t kHalf = uint64_t{kThreads / 2} * kPerThread;
  EXPECT_EQ(s.count, 2 * kHalf);
  EXPECT_EQ(s.cumulative[6], kHalf);   // le="0.5"
  EXPECT_EQ(s.cumulative[10], kHalf);  // le="10"
  EXPECT_EQ(s.cumulative[11], 2 * kHalf);
  EXPECT_DOUBLE_EQ(s.sum, kHalf * 0.5 + kHalf * 20.0);
}

}  // namespace
}  // namespace cirrus::metrics
