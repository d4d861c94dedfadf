// The acme-dns zone's answers, as pure functions: SOA and NS at the apex, the TXT values of
// `<subdomain>.<zone>` with TTL 1 (as acme-dns: a validating CA must never see a stale value),
// NODATA and NXDOMAIN with the SOA for negative caching (RFC 2308 §3), REFUSED outside the zone
// (without AA). Names compare case-insensitively (RFC 4343). The store lookup in between is
// the listener's business: classify() says which subdomain to read, answer() takes the result.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "acmedns/query.h"
#include "dnswire/message.h"
#include "dnswire/name.h"
#include "store/acmedns_store.h"

namespace cirrus::acmedns {

/// The zone the authority serves: ACMEDNS_ZONE with its SOA and NS (ns.<zone>; docs/acme-dns.md
/// says how to delegate to it).
class AuthorityZone {
 public:
  /// nullopt when `zone` is not a valid domain name.
  static std::optional<AuthorityZone> create(std::string_view zone);

  const dnswire::Name& apex() const { return apex_; }  // lower-case
  dnswire::ResourceRecord soa() const;
  dnswire::ResourceRecord ns() const;
  /// RFC 2308 §3: the SOA of a negative answer has TTL min(SOA TTL, SOA MINIMUM).
  dnswire::ResourceRecord negativeSoa() const;

  static constexpr uint32_t kSoaTtl = 300;
  static constexpr uint32_t kSoaMinimum = 1;  // negative answers live one second
  static constexpr uint32_t kTxtTtl = 1;

 private:
  dnswire::Name apex_;
  std::string soa_rdata_;
  std::string ns_rdata_;
};

/// Where a query's name falls.
struct Placement {
  enum class Kind { kOutside, kApex, kSubdomain, kOther };
  Kind kind = Kind::kOutside;
  std::string subdomain;  // lower-case first label, for kSubdomain
};

/// kSubdomain is exactly one label below the apex; kOther is anything deeper.
Placement classify(const AuthorityZone& zone, const Query& query);

/// True when answer() needs the store's records of placement.subdomain first: an IN (or ANY
/// class) query for a subdomain, of a type this server answers.
bool needsRecords(const Query& query, const Placement& placement);

/// The response. `records` is what the store holds for a kSubdomain placement, or nullopt
/// when the store could not be read (SERVFAIL); it is ignored for other placements.
Response answer(const AuthorityZone& zone, const Query& query, const Placement& placement,
                const std::optional<store::AcmeDnsRecords>& records);

}  // namespace cirrus::acmedns
