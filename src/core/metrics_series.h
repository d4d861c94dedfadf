// Metric series: Counter, Gauge and Histogram, one labelled child each. Counters and
// histograms sit on hot paths, so each thread adds into its own cache-line-aligned cell
// (no contention, relaxed atomics) and readers sum the cells; see detail::ShardedCells.
// Families, labels and rendering live in metrics_registry.h.
#pragma once

#include <array>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace cirrus::metrics {

/// Prometheus' default latency buckets, in seconds.
inline constexpr std::array<double, 11> kDefaultLatencyBuckets = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
std::vector<double> defaultLatencyBuckets();

namespace detail {

/// Threads that add into sharded cells get a slot in [0, kMaxSlots) on first use; a slot is
/// returned when its thread exits and reused by a later thread. Past kMaxSlots live threads,
/// further threads share the slot kOverflowSlot (still exact, only contended).
inline constexpr unsigned kMaxSlots = 64;
inline constexpr unsigned kOverflowSlot = kMaxSlots;
inline constexpr unsigned kNoSlot = ~0u;

inline thread_local unsigned t_slot = kNoSlot;
unsigned assignThreadSlot();

inline unsigned threadSlot() {
  unsigned s = t_slot;
  return s != kNoSlot ? s : assignThreadSlot();
}

/// `width` uint64 cells per thread slot. A slot's block is allocated by the first add from
/// that slot, so a series costs one pointer per slot until threads actually touch it.
/// Writers use relaxed atomics (see Local); readers sum relaxed loads, which is race-free at
/// any time and exact once the writers have finished. Not async-signal-safe.
class ShardedCells {
 public:
  explicit ShardedCells(size_t width);
  ~ShardedCells();
  ShardedCells(const ShardedCells&) = delete;
  ShardedCells& operator=(const ShardedCells&) = delete;

  struct alignas(64) Line {
    std::atomic<uint64_t> cell[8];
  };
  static constexpr size_t kPerLine = 8;

  /// The calling thread's cells. A slot below kMaxSlots has one writer at a time (its owner
  /// thread; a recycled slot's previous owner released it through a mutex), so a relaxed
  /// load + store is exact and avoids a locked instruction; the overflow slot is shared and
  /// uses atomic read-modify-writes.
  class Local {
   public:
    Local(Line* lines, bool exclusive) : lines_(lines), exclusive_(exclusive) {}

    void add(size_t i, uint64_t n) const {
      auto& c = cell(i);
      if (exclusive_) {
        c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
      } else {
        c.fetch_add(n, std::memory_order_relaxed);
      }
    }

    /// Adds to cell i holding the bits of a double.
    void addDouble(size_t i, double v) const {
      auto& c = cell(i);
      uint64_t old_bits = c.load(std::memory_order_relaxed);
      if (exclusive_) {
        c.store(std::bit_cast<uint64_t>(std::bit_cast<double>(old_bits) + v),
                std::memory_order_relaxed);
        return;
      }
      while (!c.compare_exchange_weak(old_bits,
                                      std::bit_cast<uint64_t>(std::bit_cast<double>(old_bits) + v),
                                      std::memory_order_relaxed)) {
      }
    }

   private:
    std::atomic<uint64_t>& cell(size_t i) const { return lines_[i / kPerLine].cell[i % kPerLine]; }

    Line* lines_;
    bool exclusive_;
  };

  Local local() {
    unsigned slot = threadSlot();
    Line* lines = slots_[slot].load(std::memory_order_acquire);
    if (lines == nullptr) [[unlikely]]
      lines = allocate(slot);
    return Local(lines, slot != kOverflowSlot);
  }

  size_t width() const { return width_; }
  /// out[i] = sum over slots of cell i, for i < out.size() <= width().
  void sumInto(std::span<uint64_t> out) const;
  /// Sum over slots of cell i read as the bits of a double.
  double sumDouble(size_t i) const;

 private:
  Line* allocate(unsigned slot);

  size_t width_;
  std::array<std::atomic<Line*>, kMaxSlots + 1> slots_{};
};

}  // namespace detail

/// Monotonic count. inc() is wait-free and uncontended (per-thread cell).
class Counter {
 public:
  Counter() : cells_(1) {}

  void inc(uint64_t n = 1) { cells_.local().add(0, n); }
  uint64_t value() const;

 private:
  detail::ShardedCells cells_;
};

/// A value that goes up and down (connections, bytes in use). One shared atomic: gauges are
/// set rarely or from one place, so sharding would only cost memory.
class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void inc(double d = 1) { value_.fetch_add(d, std::memory_order_relaxed); }
  void dec(double d = 1) { value_.fetch_sub(d, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

struct HistogramSnapshot {
  std::vector<double> bounds;        // upper bounds, ascending, without +Inf
  std::vector<uint64_t> cumulative;  // bounds.size() + 1 entries; the last is le="+Inf"
  double sum = 0;
  uint64_t count = 0;  // == cumulative.back()
};

/// Distribution over fixed upper bounds (`le`, inclusive). observe() is uncontended.
class Histogram {
 public:
  /// bounds: strictly ascending and not NaN; a trailing +Inf is dropped (it is implicit).
  /// Throws std::logic_error otherwise (a programming error, caught at start-up).
  explicit Histogram(std::vector<double> bounds = defaultLatencyBuckets());

  void observe(double value);
  template <class Rep, class Period>
  void observe(std::chrono::duration<Rep, Period> d) {
    observe(std::chrono::duration<double>(d).count());
  }

  const std::vector<double>& bounds() const { return bounds_; }
  HistogramSnapshot snapshot() const;

  /// Validates and normalises bounds as the constructor does.
  static std::vector<double> checkedBounds(std::vector<double> bounds);

 private:
  // Cells: [0, n] non-cumulative bucket counts (n = +Inf), [n + 1] the sum as double bits.
  std::vector<double> bounds_;
  detail::ShardedCells cells_;
};

}  // namespace cirrus::metrics
