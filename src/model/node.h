// Node: one edge node of the fleet (spec §4 node hash). The admin fields (id, name, ipv4,
// ipv6, site, enabled) come from the API; the health fields (active, fails, succs,
// last_check, last_error) belong to the health checker, so the two halves are written
// separately and an admin edit never clobbers a concurrent health transition.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "model/field_error.h"
#include "model/hash_fields.h"

namespace cirrus::model {

inline constexpr std::string_view kDefaultSite = "default";
inline constexpr size_t kMaxNodeNameLength = 128;

struct Node {
  std::string id;    // [a-z0-9][a-z0-9._-]{0,62}
  std::string name;  // free text for humans, may be empty
  std::string ipv4;  // canonical dotted quad, empty = none
  std::string ipv6;  // canonical RFC 5952 text, empty = none
  std::string site{kDefaultSite};
  bool enabled = true;
  bool active = true;      // a new node is active until health checks say otherwise (spec §4)
  int64_t fails = 0;       // consecutive failed probes
  int64_t succs = 0;       // consecutive successful probes
  int64_t last_check = 0;  // unix seconds, 0 = never
  std::string last_error;

  bool operator==(const Node&) const = default;
};

/// Node ids are key material and DNS-safe: 1-63 characters, [a-z0-9] first, then
/// [a-z0-9._-].
bool isValidNodeId(std::string_view id);
/// A site is one lower-case DNS label (RFC 1123): [a-z0-9], inner hyphens, 1-63 characters.
bool isValidSite(std::string_view site);
/// Spec §7: enabled, active and at least one address.
bool isEligible(const Node& node);

/// POST nodes / PUT nodes/{id} body: {id, name?, ipv4?, ipv6?, site?, enabled?}. With
/// path_id (PUT), "id" may be omitted and, when present, must equal it. ipv4/ipv6 may be null
/// or "" for none, but one of them is required (a root-level value_error otherwise). Health
/// fields are not accepted (extra_forbidden); the result carries their new-node defaults.
Validated<Node> parseNode(const nlohmann::json& body, std::string_view path_id = {});

/// PATCH nodes/{id}: members of body replace those of current, null resets a member to its
/// default (ipv4/ipv6: none, name: "", site: "default", enabled: true); the merged node is
/// validated as a whole with parseNode's rules. Health fields are copied from current.
Validated<Node> patchNode(const Node& current, const nlohmann::json& body);

/// API rendering, every field; absent addresses, a never-run check and an empty last_error
/// are null.
nlohmann::json toJson(const Node& node);

/// HSET fields: id, name, ipv4, ipv6, site, enabled (empty addresses written as "" so a
/// cleared address overwrites the old one).
HashFields nodeAdminFields(const Node& node);
/// HSET fields: active, fails, succs, last_check, last_error.
HashFields nodeHealthFields(const Node& node);
/// Admin fields then health fields.
HashFields toHash(const Node& node);

/// Reads a stored node; id comes from the key. Missing fields take their defaults (a seed
/// hash without `id` or `site` is fine). On errors, value is still a best-effort node:
/// unparsable fields keep their defaults and invalid addresses are dropped, so a caller may
/// log describe(errors) and keep serving the rest of the fleet.
Validated<Node> nodeFromHash(std::string_view id, const HashMap& fields);

}  // namespace cirrus::model
