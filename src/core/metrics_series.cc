#include "core/metrics_series.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <mutex>
#include <stdexcept>

namespace cirrus::metrics {
namespace detail {
namespace {

struct SlotPool {
  std::mutex mu;
  std::vector<unsigned> free;
  unsigned next = 0;
};

// Leaked on purpose: threads may exit (and return their slot) during static destruction.
SlotPool& slotPool() {
  static auto* pool = new SlotPool;
  return *pool;
}

void releaseSlot(unsigned slot) {
  auto& pool = slotPool();
  std::lock_guard lock(pool.mu);
  pool.free.push_back(slot);
}

/// Returns the thread's slot when the thread exits. Anything the thread counts after that
/// (from other thread_local destructors) goes to the shared overflow slot.
struct SlotOwner {
  unsigned slot = kNoSlot;
  ~SlotOwner() {
    t_slot = kOverflowSlot;
    if (slot < kMaxSlots) releaseSlot(slot);
  }
};

thread_local SlotOwner t_owner;

}  // namespace

unsigned assignThreadSlot() {
  auto& pool = slotPool();
  unsigned slot = kOverflowSlot;
  {
    std::lock_guard lock(pool.mu);
    if (!pool.free.empty()) {
      slot = pool.free.back();
      pool.free.pop_back();
    } else if (pool.next < kMaxSlots) {
      slot = pool.next++;
    }
  }
  t_owner.slot = slot;
  t_slot = slot;
  return slot;
}

ShardedCells::ShardedCells(size_t width) : width_(width) {}

ShardedCells::~ShardedCells() {
  for (auto& s : slots_) delete[] s.load(std::memory_order_acquire);
}

ShardedCells::Line* ShardedCells::allocate(unsigned slot) {
  size_t lines = std::max<size_t>(1, (width_ + kPerLine - 1) / kPerLine);
  Line* fresh = new Line[lines]();
  Line* expected = nullptr;
  // Two threads can race here only on the overflow slot or right after a slot was recycled.
  if (slots_[slot].compare_exchange_strong(expected, fresh, std::memory_order_acq_rel,
                                           std::memory_order_acquire)) {
    return fresh;
  }
  delete[] fresh;
  return expected;
}

void ShardedCells::sumInto(std::span<uint64_t> out) const {
  std::fill(out.begin(), out.end(), 0);
  for (const auto& s : slots_) {
    const Line* lines = s.load(std::memory_order_acquire);
    if (lines == nullptr) continue;
    for (size_t i = 0; i < out.size(); ++i)
      out[i] += lines[i / kPerLine].cell[i % kPerLine].load(std::memory_order_relaxed);
  }
}

double ShardedCells::sumDouble(size_t i) const {
  double total = 0;
  for (const auto& s : slots_) {
    const Line* lines = s.load(std::memory_order_acquire);
    if (lines == nullptr) continue;
    total += std::bit_cast<double>(
        lines[i / kPerLine].cell[i % kPerLine].load(std::memory_order_relaxed));
  }
  return total;
}

}  // namespace detail

std::vector<double> defaultLatencyBuckets() {
  return {kDefaultLatencyBuckets.begin(), kDefaultLatencyBuckets.end()};
}

uint64_t Counter::value() const {
  uint64_t v = 0;
  cells_.sumInto({&v, 1});
  return v;
}

std::vector<double> Histogram::checkedBounds(std::vector<double> bounds) {
  if (!bounds.empty() && std::isinf(bounds.back()) && bounds.back() > 0) bounds.pop_back();
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (std::isnan(bounds[i]) || std::isinf(bounds[i]))
      throw std::logic_error("histogram bucket bound must be finite");
    if (i > 0 && !(bounds[i - 1] < bounds[i]))
      throw std::logic_error("histogram bucket bounds must be strictly ascending");
  }
  return bounds;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(checkedBounds(std::move(bounds))), cells_(bounds_.size() + 2) {}

void Histogram::observe(double value) {
  // Bucket i counts bounds[i-1] < value <= bounds[i]; NaN and values above the last bound
  // land in +Inf, as in the reference client libraries.
  size_t bucket = static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) -
                                      bounds_.begin());
  if (std::isnan(value)) bucket = bounds_.size();
  auto local = cells_.local();
  local.add(bucket, 1);
  local.addDouble(bounds_.size() + 1, value);
}

HistogramSnapshot Histogram::snapshot() const {
  HistogramSnapshot snap;
  snap.bounds = bounds_;
  snap.cumulative.resize(bounds_.size() + 1);
  cells_.sumInto(snap.cumulative);
  for (size_t i = 1; i < snap.cumulative.size(); ++i) snap.cumulative[i] += snap.cumulative[i - 1];
  snap.count = snap.cumulative.back();
  snap.sum = cells_.sumDouble(bounds_.size() + 1);
  return snap;
}

}  // namespace cirrus::metrics
