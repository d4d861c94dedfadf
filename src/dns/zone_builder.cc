#include "dns/zone_builder.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <system_error>
#include <thread>

#include "core/rendezvous.h"

namespace cirrus::dns {
namespace {

// Eligible nodes of one site, as parallel arrays: ids for the picker, addresses by index.
struct Site {
  std::vector<std::string_view> ids;
  std::optional<RendezvousPicker> picker;  // over `ids`, made once all members are known
  std::vector<const std::string*> ipv4;    // 4-octet RDATA or empty
  std::vector<const std::string*> ipv6;    // 16-octet RDATA or empty
};

constexpr unsigned kMaxThreads = 8;
constexpr size_t kDomainsPerThread = 2000;  // below this a thread costs more than it saves

// One domain's share of the zone, made in parallel and inserted serially.
struct PreparedName {
  std::optional<dnswire::Name> owner;  // empty when the domain was rejected
  RRset rrsets[2] = {RRset(dnswire::RRType::kA, 0), RRset(dnswire::RRType::kAaaa, 0)};
};

struct ParsedNode {
  std::string ipv4;
  std::string ipv6;
};

Result<dnswire::Name> parseName(std::string_view text, std::string_view what) {
  auto n = dnswire::Name::fromText(text);
  if (!n) {
    return badRequest(std::string(what) + ": '" + std::string(text) +
                      "': " + std::string(toString(n.error())));
  }
  return n->lowered();
}

std::string stripDot(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

Result<Zone> buildSteeringZone(const ZoneBuildInput& input, ZoneBuildReport* report) {
  ZoneBuildReport local_report;
  ZoneBuildReport& rep = report ? *report : local_report;
  rep = ZoneBuildReport{};

  const std::string base = stripDot(input.base_domain);
  if (base.empty()) return badRequest("CNAME_BASE_DOMAIN: empty");
  auto apex = parseName(base, "CNAME_BASE_DOMAIN");
  if (!apex) return apex.error();
  auto mname =
      parseName(input.soa_mname.empty() ? "ns1." + base : input.soa_mname, "DNS_SOA_MNAME");
  if (!mname) return mname.error();
  auto rname =
      parseName(input.soa_rname.empty() ? "hostmaster." + base : input.soa_rname, "DNS_SOA_RNAME");
  if (!rname) return rname.error();
  auto ns1 = apex->prepend("ns1");
  if (!ns1) return badRequest("CNAME_BASE_DOMAIN: too long for ns1.<base>");

  dnswire::SoaRdata soa{*mname,          *rname,           input.serial,     input.soa_refresh,
                        input.soa_retry, input.soa_expire, input.soa_minimum};
  Zone zone(*apex, soa, input.apex_ttl);
  zone.reserve(input.domains.size() + input.domains.size() / 4 + 8);

  const std::string ns_rdata = dnswire::encodeName(*ns1);
  std::string_view ns_view = ns_rdata;
  zone.setRRset(*apex, dnswire::RRType::kNs, input.apex_ttl, {&ns_view, 1});
  if (!input.ns1_a.empty()) {
    auto a = dnswire::encodeAFromText(input.ns1_a);
    if (!a) return badRequest("DNS_NS1_A: '" + input.ns1_a + "' is not an IPv4 address");
    std::string_view v = *a;
    zone.setRRset(*ns1, dnswire::RRType::kA, input.apex_ttl, {&v, 1});
  }
  if (!input.ns1_aaaa.empty()) {
    auto a = dnswire::encodeAaaaFromText(input.ns1_aaaa);
    if (!a) return badRequest("DNS_NS1_AAAA: '" + input.ns1_aaaa + "' is not an IPv6 address");
    std::string_view v = *a;
    zone.setRRset(*ns1, dnswire::RRType::kAaaa, input.apex_ttl, {&v, 1});
  }

  // Per node, once: parsed addresses and site membership.
  std::vector<ParsedNode> parsed(input.nodes.size());
  std::map<std::string_view, Site> sites;
  for (size_t i = 0; i < input.nodes.size(); ++i) {
    const SteeringNode& node = input.nodes[i];
    if (!node.enabled || !node.active) continue;
    if (!node.ipv4.empty()) {
      if (auto a = dnswire::encodeAFromText(node.ipv4)) {
        parsed[i].ipv4 = std::move(*a);
      } else {
        rep.ignored_addresses.push_back(node.id + ": " + node.ipv4);
      }
    }
    if (!node.ipv6.empty()) {
      if (auto a = dnswire::encodeAaaaFromText(node.ipv6)) {
        parsed[i].ipv6 = std::move(*a);
      } else {
        rep.ignored_addresses.push_back(node.id + ": " + node.ipv6);
      }
    }
    if (parsed[i].ipv4.empty() && parsed[i].ipv6.empty()) continue;
    Site& site = sites[node.site.empty() ? std::string_view("default") : node.site];
    site.ids.push_back(node.id);
    site.ipv4.push_back(&parsed[i].ipv4);
    site.ipv6.push_back(&parsed[i].ipv6);
    ++rep.eligible_nodes;
  }

  // Phase 1, in parallel over domains: owner name, rendezvous picks (the bulk of the work:
  // domains x nodes XXH64s) and the finished A/AAAA RRsets. Phase 2, serial: into the zone.
  std::vector<const Site*> site_list;
  for (auto& [site_name, site] : sites) {
    site.picker.emplace(site.ids);
    site_list.push_back(&site);
  }
  const size_t k = input.replicas_per_site;
  std::vector<PreparedName> prepared(input.domains.size());
  auto prepare = [&](size_t begin, size_t end) {
    std::string fqdn;
    std::vector<size_t> top(k);
    std::vector<std::string_view> a_rdatas, aaaa_rdatas;
    for (size_t d = begin; d < end; ++d) {
      const std::string& domain = input.domains[d];
      accessFqdnInto(fqdn, domain, base);
      auto owner = dnswire::Name::fromText(fqdn);
      if (stripDot(domain).empty() || !owner || *owner == *ns1 || *owner == *apex ||
          !owner->isSubdomainOf(*apex)) {
        continue;  // prepared[d].owner stays empty: rejected
      }
      a_rdatas.clear();
      aaaa_rdatas.clear();
      for (const Site* site : site_list) {
        size_t n = site->picker->pick(fqdn, top);
        for (size_t j = 0; j < n; ++j) {
          if (!site->ipv4[top[j]]->empty()) a_rdatas.push_back(*site->ipv4[top[j]]);
          if (!site->ipv6[top[j]]->empty()) aaaa_rdatas.push_back(*site->ipv6[top[j]]);
        }
      }
      PreparedName& p = prepared[d];
      p.owner = std::move(*owner).lowered();
      p.rrsets[0] = RRset::fromRdatas(dnswire::RRType::kA, input.ttl, a_rdatas);
      p.rrsets[1] = RRset::fromRdatas(dnswire::RRType::kAaaa, input.ttl, aaaa_rdatas);
    }
  };
  unsigned threads = input.threads ? input.threads : std::thread::hardware_concurrency();
  threads = std::clamp(threads, 1u, kMaxThreads);
  if (input.domains.size() < kDomainsPerThread * 2) threads = 1;
  std::vector<std::thread> workers;
  const size_t chunk = (input.domains.size() + threads - 1) / threads;
  for (unsigned t = 1; t < threads; ++t) {
    size_t begin = std::min(input.domains.size(), t * chunk);
    size_t end = std::min(input.domains.size(), begin + chunk);
    try {
      workers.emplace_back(prepare, begin, end);
    } catch (const std::system_error&) {
      prepare(begin, end);  // no thread available: do the chunk here
    }
  }
  prepare(0, std::min(input.domains.size(), chunk));
  for (auto& w : workers) w.join();

  for (size_t d = 0; d < prepared.size(); ++d) {
    PreparedName& p = prepared[d];
    if (!p.owner) {
      rep.rejected_domains.push_back(input.domains[d]);
      continue;
    }
    if (p.rrsets[0].empty() && p.rrsets[1].empty()) ++rep.names_without_nodes;
    zone.replaceName(std::move(*p.owner), p.rrsets);
  }
  return zone;
}

}  // namespace cirrus::dns
