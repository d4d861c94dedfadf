#include "worker/node_health.h"

#include <utility>

namespace cirrus::worker {

std::string_view toString(HealthTransition transition) {
  switch (transition) {
    case HealthTransition::kUnchanged:
      return "unchanged";
    case HealthTransition::kPending:
      return "pending";
    case HealthTransition::kChanged:
      return "changed";
  }
  return "unchanged";
}

HealthTransition applyProbe(model::Node& node, const ProbeResult& probe,
                            const HealthThresholds& thresholds, int64_t now) {
  node.last_check = now;
  if (probe.ok) {
    node.fails = 0;
    node.succs += 1;
    node.last_error.clear();
    if (node.active) return HealthTransition::kUnchanged;
    if (node.succs < thresholds.succs_to_up) return HealthTransition::kPending;
    node.active = true;
    return HealthTransition::kChanged;
  }
  node.succs = 0;
  node.fails += 1;
  node.last_error = probe.error.empty() ? std::string("probe failed") : probe.error;
  if (!node.active) return HealthTransition::kUnchanged;
  if (node.fails < thresholds.fails_to_down) return HealthTransition::kPending;
  node.active = false;
  return HealthTransition::kChanged;
}

std::optional<std::string> probeUrl(const model::Node& node, uint16_t port) {
  if (!node.ipv4.empty()) {
    return "http://" + node.ipv4 + ":" + std::to_string(port) + "/healthz";
  }
  if (!node.ipv6.empty()) {
    return "http://[" + node.ipv6 + "]:" + std::to_string(port) + "/healthz";
  }
  return std::nullopt;
}

}  // namespace cirrus::worker
