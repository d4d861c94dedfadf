// The configuration table: every environment variable Cirrus reads is one row here (name,
// default, type, roles, sensitivity, doc). Parsing (config.h), `--check-config`, the usage
// text and docs/configuration.md all derive from this table; a unit test keeps the doc true.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace cirrus::config {

/// Which processes read a variable (bit set).
enum Role : unsigned {
  kShared = 1u << 0,
  kApi = 1u << 1,
  kEdge = 1u << 2,
  kDns = 1u << 3,
  kAcmeDns = 1u << 4,
  kWorker = 1u << 5,
};

struct ConfigVar {
  std::string_view name;
  std::string_view default_value;  // textual default as documented; "" means empty/unset
  std::string_view type;           // human-readable type for docs: "duration", "bool", ...
  unsigned roles;
  bool sensitive;        // never echoed back in errors or logs
  std::string_view doc;  // one line
};

/// All rows, in documentation order.
std::span<const ConfigVar> configSchema();

/// The row for `name`, or nullptr when no such variable exists.
const ConfigVar* findConfigVar(std::string_view name);

}  // namespace cirrus::config
