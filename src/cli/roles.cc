#include "cli/roles.h"

#include <thread>

#include "acmedns/acmedns_service.h"
#include "api/api_service.h"
#include "core/endpoint.h"
#include "dns/dns_service.h"
#include "edge/edge_service.h"
#include "worker/worker_service.h"

#include <fmt/format.h>

namespace cirrus::cli {
namespace {

using config::CommonConfig;
using config::ConfigReader;

int runApi(const ConfigReader& r, const CommonConfig& common, bool check_only) {
  auto api = config::loadApiConfig(r);
  return check_only ? 0 : api::runApiService(common, api);
}

int runEdge(const ConfigReader& r, const CommonConfig& common, bool check_only) {
  auto edge = config::loadEdgeConfig(r, std::thread::hardware_concurrency());
  return check_only ? 0 : edge::runEdgeService(common, edge);
}

int runDns(const ConfigReader& r, const CommonConfig& common, bool check_only) {
  auto c = config::loadDnsConfig(r);
  return check_only ? 0 : dns::runDnsService(common, c);
}

int runAcmeDns(const ConfigReader& r, const CommonConfig& common, bool check_only) {
  auto c = config::loadAcmeDnsConfig(r);
  return check_only ? 0 : acmedns::runAcmeDnsService(common, c);
}

int runWorker(const ConfigReader& r, const CommonConfig& common, bool check_only) {
  auto c = config::loadWorkerConfig(r);
  return check_only ? 0 : worker::runWorkerService(common, c);
}

std::vector<std::string> apiListeners(const ConfigReader& r) {
  auto c = config::loadApiConfig(r);
  return {
      fmt::format("http://{} (REST API /api/v1, admin UI, /healthz, /metrics)", c.bind.toString())};
}

std::vector<std::string> edgeListeners(const ConfigReader& r) {
  auto c = config::loadEdgeConfig(r, std::thread::hardware_concurrency());
  return {fmt::format("http://{} (customer HTTP)", c.http_bind.toString()),
          fmt::format("https://{} (customer HTTPS)", c.https_bind.toString()),
          fmt::format("http://{} (admin /healthz, /metrics)", c.admin_bind.toString())};
}

std::vector<std::string> dnsListeners(const ConfigReader& r) {
  auto c = config::loadDnsConfig(r);
  Endpoint dns{c.bind_addr, c.port};
  return {fmt::format("dns://{} (UDP+TCP, zone {})", dns.toString(), c.base_domain),
          fmt::format("http://{} (/healthz, /metrics)", c.metrics_bind.toString())};
}

std::vector<std::string> acmeDnsListeners(const ConfigReader& r) {
  auto c = config::loadAcmeDnsConfig(r);
  return {fmt::format("http://{} (acme-dns API)", c.api_bind.toString()),
          fmt::format("dns://{} (UDP+TCP, zone {})", c.dns_bind.toString(), c.zone)};
}

std::vector<std::string> workerListeners(const ConfigReader& r) {
  auto c = config::loadWorkerConfig(r);
  return {fmt::format("http://{} (/healthz, /metrics)", c.metrics_bind.toString())};
}

constexpr RoleSpec kRoles[] = {
    {"api", "control plane: REST API /api/v1, admin UI, /healthz, /metrics", config::kApi, runApi,
     apiListeners, true},
    {"edge", "data plane: reverse proxy and cache for customer domains", config::kEdge, runEdge,
     edgeListeners, true},
    {"dns", "hidden-master authoritative DNS for the steering zone", config::kDns, runDns,
     dnsListeners, true},
    {"acme-dns", "acme-dns compatible DNS-01 authority (HTTP API + TXT)", config::kAcmeDns,
     runAcmeDns, acmeDnsListeners, true},
    {"worker", "background tasks: ACME issuance/renewal, node health, scheduler", config::kWorker,
     runWorker, workerListeners, true},
};

}  // namespace

std::span<const RoleSpec> roles() {
  return kRoles;
}

}  // namespace cirrus::cli
