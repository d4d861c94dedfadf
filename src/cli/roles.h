// The subcommands of the `cirrus` binary. Each role's entry point receives its already
// validated configuration slice and runs until SIGTERM/SIGINT; it returns the exit code.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"

namespace cirrus::cli {

struct RoleSpec {
  std::string_view name;     // subcommand
  std::string_view summary;  // one line for usage
  unsigned config_roles;     // which schema rows it reads (config::Role bits)
  // Validates the role's own config (throws ConfigError) and, unless check_only, runs it.
  int (*run)(const config::ConfigReader& reader, const config::CommonConfig& common,
             bool check_only);
  // "http://0.0.0.0:8000 (REST API, admin UI)" lines for `--listeners` (used by make up).
  std::vector<std::string> (*listeners)(const config::ConfigReader& reader);
  bool built;  // `cirrus components` (and so `make up`) lists the built ones
};

std::span<const RoleSpec> roles();

}  // namespace cirrus::cli
