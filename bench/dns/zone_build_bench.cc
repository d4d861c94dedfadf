// Zone build benchmark (issue 6): 100,000 domains x 100 nodes in 3 sites, goal < 300 ms.
// Standalone; the build and run command is in bench/dns/README.md. Prints milliseconds per
// build (best and median of the runs) and the zone's size.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "dns/zone_builder.h"

namespace {

// Process CPU time (all threads), so a busy machine shows what the build itself costs.
double cpuMs() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

}  // namespace

using cirrus::dns::SteeringNode;
using cirrus::dns::ZoneBuildInput;

int main(int argc, char** argv) {
  const size_t domains = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100000;
  const size_t nodes = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 100;
  const int runs = argc > 3 ? std::atoi(argv[3]) : 7;
  const unsigned threads = argc > 4 ? static_cast<unsigned>(std::atoi(argv[4])) : 0;

  ZoneBuildInput in;
  in.base_domain = "cdn.local.test";
  in.ns1_a = "203.0.113.53";
  in.ns1_aaaa = "2001:db8:53::53";
  in.serial = 1700000000;
  in.threads = threads;
  const char* sites[] = {"fra", "nyc", "sin"};
  for (size_t i = 0; i < nodes; ++i) {
    SteeringNode n;
    n.id = "edge-" + std::string(sites[i % 3]) + "-" + std::to_string(i);
    n.site = sites[i % 3];
    n.ipv4 = "10." + std::to_string(i / 250) + "." + std::to_string(i % 250) + ".1";
    n.ipv6 = "2001:db8:" + std::to_string(i) + "::1";
    in.nodes.push_back(n);
  }
  for (size_t d = 0; d < domains; ++d) {
    in.domains.push_back("www" + std::to_string(d) + ".customer" + std::to_string(d % 5000) +
                         ".example");
  }

  std::vector<double> ms, cpu_ms;
  size_t names = 0, records = 0;
  for (int r = 0; r < runs; ++r) {
    double cpu_start = cpuMs();
    auto start = std::chrono::steady_clock::now();
    auto zone = cirrus::dns::buildSteeringZone(in);
    auto end = std::chrono::steady_clock::now();
    cpu_ms.push_back(cpuMs() - cpu_start);
    if (!zone) {
      std::fprintf(stderr, "build failed: %s\n", zone.error().message().c_str());
      return 1;
    }
    names = zone->nameCount();
    records = zone->recordCount();
    ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::sort(ms.begin(), ms.end());
  std::sort(cpu_ms.begin(), cpu_ms.end());
  std::printf(
      "zone build: %zu domains x %zu nodes in 3 sites, threads=%u (0 = all cores): "
      "wall best %.1f ms, median %.1f ms; CPU best %.1f ms (%d runs); %zu names, "
      "%zu records\n",
      domains, nodes, threads, ms.front(), ms[ms.size() / 2], cpu_ms.front(), runs, names, records);
  return 0;
}
