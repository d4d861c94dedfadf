#include "edge/origin_selector.h"

#include <algorithm>

namespace cirrus::edge {

OriginSelector::OriginSelector(std::vector<int64_t> weights)
    : weights_(std::move(weights)), current_(weights_.size(), 0) {
  for (auto& w : weights_) {
    w = std::max<int64_t>(w, 1);
    total_ += w;
  }
}

void OriginSelector::pickOrder(std::vector<size_t>& order) {
  order.clear();
  if (weights_.empty()) return;
  size_t best = 0;
  for (size_t i = 0; i < weights_.size(); ++i) {
    current_[i] += weights_[i];
    if (current_[i] > current_[best]) best = i;
  }
  current_[best] -= total_;
  order.push_back(best);
  if (weights_.size() == 1) return;
  for (size_t i = 0; i < weights_.size(); ++i) {
    if (i != best) order.push_back(i);
  }
  std::stable_sort(order.begin() + 1, order.end(),
                   [&](size_t a, size_t b) { return current_[a] > current_[b]; });
}

}  // namespace cirrus::edge
