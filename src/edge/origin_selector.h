// Smooth weighted round-robin over a domain's origins (nginx's algorithm): each pick adds
// every weight to its current value, takes the largest and subtracts the total, so weights
// 5,1,1 give a a b a c a a rather than a a a a a b c. Pure; one selector per worker and domain.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace cirrus::edge {

class OriginSelector {
 public:
  explicit OriginSelector(std::vector<int64_t> weights);

  /// The order to try origins in for one request: the smooth-WRR pick first, then the
  /// others by descending current value (the failover order on connect failure). Writes
  /// weights().size() indices into `order`.
  void pickOrder(std::vector<size_t>& order);

  size_t size() const { return weights_.size(); }

 private:
  std::vector<int64_t> weights_;
  std::vector<int64_t> current_;
  int64_t total_ = 0;
};

}  // namespace cirrus::edge
