// cirrus <subcommand> [--check-config] [--help]
// Configuration comes from the environment only (docs/configuration.md); a bad value exits 2
// with one line naming the variable.
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "cli/roles.h"
#include "core/config.h"
#include "core/config_schema.h"
#include "core/log.h"

namespace {

using cirrus::cli::RoleSpec;

void printUsage(std::FILE* out) {
  fmt::print(out, "usage: cirrus <subcommand> [--check-config] [--help]\n\nsubcommands:\n");
  for (const auto& role : cirrus::cli::roles())
    fmt::print(out, "  {:<10} {}\n", role.name, role.summary);
  fmt::print(out, "  {:<10} {}\n", "version", "print the version and exit");
  fmt::print(out, "  {:<10} {}\n", "components", "list the components built into this binary");
  fmt::print(out,
             "\nConfiguration is read from environment variables; `cirrus <subcommand> --help`\n"
             "lists the ones a subcommand reads.\n");
}

void printRoleHelp(const RoleSpec& role) {
  fmt::print("usage: cirrus {} [--check-config] [--listeners]\n\n{}\n\n", role.name, role.summary);
  fmt::print(
      "  --check-config  validate the configuration and exit (0 = valid, 2 = invalid)\n"
      "  --listeners     print the addresses the subcommand would listen on and exit\n"
      "  --help          show this help\n\nenvironment:\n");
  for (const auto& row : cirrus::config::configSchema()) {
    if ((row.roles & (role.config_roles | cirrus::config::kShared)) == 0) continue;
    fmt::print("  {:<28} [{}] {}\n", row.name, row.default_value, row.doc);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    printUsage(stderr);
    return 2;
  }
  std::string_view sub = argv[1];
  if (sub == "--help" || sub == "-h" || sub == "help") {
    printUsage(stdout);
    return 0;
  }
  if (sub == "version" || sub == "--version") {
    fmt::print("cirrus {}\n", CIRRUS_VERSION);
    return 0;
  }
  if (sub == "components") {  // built components, one per line (scripts/dev-stack)
    for (const auto& r : cirrus::cli::roles())
      if (r.built) fmt::print("{}\n", r.name);
    return 0;
  }
  const RoleSpec* role = nullptr;
  for (const auto& r : cirrus::cli::roles())
    if (r.name == sub) role = &r;
  if (role == nullptr) {
    fmt::print(stderr, "cirrus: unknown subcommand '{}'\n\n", sub);
    printUsage(stderr);
    return 2;
  }
  bool check_only = false;
  bool listeners = false;
  for (int i = 2; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      printRoleHelp(*role);
      return 0;
    }
    if (arg == "--listeners") {
      listeners = true;
      continue;
    }
    if (arg == "--check-config") {
      check_only = true;
      continue;
    }
    fmt::print(stderr, "cirrus {}: unknown option '{}' (see cirrus {} --help)\n", role->name, arg,
               role->name);
    return 2;
  }
  try {
    cirrus::config::ConfigReader reader(cirrus::config::processEnv());
    auto common = cirrus::config::loadCommonConfig(reader);
    cirrus::log::configure(common.log_level, common.log_format, role->name);
    if (listeners) {
      for (const auto& line : role->listeners(reader)) fmt::print("{}\n", line);
      return 0;
    }
    return role->run(reader, common, check_only);
  } catch (const cirrus::config::ConfigError& e) {
    fmt::print(stderr, "cirrus {}: invalid configuration: {}: {}\n", role->name, e.variable(),
               e.reason());
    return 2;
  }
}
