// Node health hysteresis (spec §4 node health fields, §7 steering uses `active`): one probe
// result applied to a node's health half, as a pure function. `active` goes 1 -> 0 only after
// fails_to_down consecutive failures and 0 -> 1 only after succs_to_up consecutive successes,
// so one lost probe never moves DNS. Also the probe URL of a node.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/node.h"

namespace cirrus::worker {

struct HealthThresholds {
  int64_t fails_to_down = 3;  // NODE_HEALTH_FAILS_TO_DOWN
  int64_t succs_to_up = 2;    // NODE_HEALTH_SUCCS_TO_UP
};

struct ProbeResult {
  bool ok = false;
  std::string error;  // why it failed ("" when ok)
};

/// What one probe did to a node (style-anchors rule 7).
enum class HealthTransition {
  kUnchanged,  // the probe agrees with `active`
  kPending,    // the probe disagrees, threshold not reached yet
  kChanged,    // `active` flipped
};
std::string_view toString(HealthTransition transition);

/// Applies `probe` to node's fails/succs/active/last_check/last_error. A success resets fails
/// and clears last_error; a failure resets succs and records its error.
HealthTransition applyProbe(model::Node& node, const ProbeResult& probe,
                            const HealthThresholds& thresholds, int64_t now);

/// "http://{ipv4}:{port}/healthz", or "http://[{ipv6}]:{port}/healthz" for a node with only
/// IPv6; nullopt for a node without address.
std::optional<std::string> probeUrl(const model::Node& node, uint16_t port);

}  // namespace cirrus::worker
