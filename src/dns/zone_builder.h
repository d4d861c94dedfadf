// Steering zone builder (spec §7): from the domains and nodes read out of Redis to the zone
// under CNAME_BASE_DOMAIN. Pure: the caller reads the store, picks the serial (dns/serial.h)
// and decides from contentHash()/sameContent() whether the rebuild changed anything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "dns/zone.h"

namespace cirrus::dns {

struct SteeringNode {
  std::string id;
  std::string ipv4;  // textual; "" when the node has none
  std::string ipv6;
  std::string site;  // "" means "default"
  bool enabled = true;
  bool active = true;
};

struct ZoneBuildInput {
  std::string base_domain;   // CNAME_BASE_DOMAIN: the zone apex
  uint32_t ttl = 60;         // CNAME_DEFAULT_TTL: A/AAAA of the access FQDNs
  uint32_t apex_ttl = 3600;  // SOA, NS and glue: they change rarely
  size_t replicas_per_site = 2;
  std::string soa_mname;  // "" means ns1.<base>
  std::string soa_rname;  // "" means hostmaster.<base>
  uint32_t soa_refresh = 3600;
  uint32_t soa_retry = 600;
  uint32_t soa_expire = 1209600;
  uint32_t soa_minimum = 60;
  uint32_t serial = 0;
  std::string ns1_a;                 // DNS_NS1_A glue; "" for none
  std::string ns1_aaaa;              // DNS_NS1_AAAA glue; "" for none
  std::vector<std::string> domains;  // A-label customer domains
  std::vector<SteeringNode> nodes;
  /// Threads for the rendezvous scoring (domains x nodes XXH64s, the bulk of the work);
  /// 0 means std::thread::hardware_concurrency(). The zone is the same for any value.
  unsigned threads = 0;
};

/// What the builder skipped, for the caller to log.
struct ZoneBuildReport {
  std::vector<std::string> rejected_domains;   // not a valid name under the base, or ns1
  std::vector<std::string> ignored_addresses;  // "<node id>: <address>" that did not parse
  size_t eligible_nodes = 0;
  size_t names_without_nodes = 0;  // access FQDNs left without address records
};

/// Builds the steering zone:
/// - Eligible nodes: enabled, active, and at least one address that parses.
/// - For each domain, access FQDN = accessFqdn(domain, base) (core/rendezvous.h); for each site
///   the top replicas_per_site eligible nodes by rendezvousScore(node id, access FQDN). The
///   name's A RRset holds the picked nodes' IPv4 addresses and its AAAA RRset their IPv6
///   addresses (an IPv6-only pick adds only AAAA), all with `ttl`.
/// - No eligible node: the name exists without records, so resolvers get NODATA (a cacheable
///   "no address now", RFC 2308 §5) rather than NXDOMAIN, which would also deny every name
///   below it (RFC 8020); never the addresses of a dead fleet.
/// - Apex: SOA with `serial`, NS ns1.<base>, glue A/AAAA for ns1 when given.
/// Errors (badRequest naming the setting): a base domain, SOA name or glue address that does
/// not parse. Invalid domains are skipped and listed in `report`.
Result<Zone> buildSteeringZone(const ZoneBuildInput& input, ZoneBuildReport* report = nullptr);

}  // namespace cirrus::dns
