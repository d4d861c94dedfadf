#include "cli/roles.h"

#include <thread>

#include <fmt/format.h>

namespace cirrus::cli {
namespace {

using config::CommonConfig;
using config::ConfigReader;

// Until a role's component lands, its subcommand validates its configuration and reports
// that the component is not built yet (exit 3), so `make up` never pretends it runs.
int notBuilt(std::string_view role) {
  fmt::print(stderr, "cirrus {}: this component is not built yet\n", role);
  return 3;
}

int runApi(const ConfigReader& r, const CommonConfig&, bool check_only) {
  config::loadApiConfig(r);
  return check_only ? 0 : notBuilt("api");
}

int runEdge(const ConfigReader& r, const CommonConfig&, bool check_only) {
  config::loadEdgeConfig(r, std::thread::hardware_concurrency());
  return check_only ? 0 : notBuilt("edge");
}

int runDns(const ConfigReader& r, const CommonConfig&, bool check_only) {
  config::loadDnsConfig(r);
  return check_only ? 0 : notBuilt("dns");
}

int runAcmeDns(const ConfigReader& r, const CommonConfig&, bool check_only) {
  config::loadAcmeDnsConfig(r);
  return check_only ? 0 : notBuilt("acme-dns");
}

int runWorker(const ConfigReader& r, const CommonConfig&, bool check_only) {
  config::loadWorkerConfig(r);
  return check_only ? 0 : notBuilt("worker");
}

constexpr RoleSpec kRoles[] = {
    {"api", "control plane: REST API /api/v1, admin UI, /healthz, /metrics", config::kApi, runApi},
    {"edge", "data plane: reverse proxy and cache for customer domains", config::kEdge, runEdge},
    {"dns", "hidden-master authoritative DNS for the steering zone", config::kDns, runDns},
    {"acme-dns", "acme-dns compatible DNS-01 authority (HTTP API + TXT)", config::kAcmeDns,
     runAcmeDns},
    {"worker", "background tasks: ACME issuance/renewal, node health, scheduler", config::kWorker,
     runWorker},
};

}  // namespace

std::span<const RoleSpec> roles() { return kRoles; }

}  // namespace cirrus::cli
