#include "acmedns/acmedns_metrics.h"

#include <string>

#include "acmedns/wire_codec.h"

namespace cirrus::acmedns {

AcmeDnsMetrics::AcmeDnsMetrics(metrics::Registry& registry)
    : registrations_(registry.counterFamily("cirrus_acmedns_registrations_total",
                                            "acme-dns POST /register calls by result.",
                                            {"result"})),
      updates_(registry.counterFamily("cirrus_acmedns_updates_total",
                                      "acme-dns POST /update calls by result.", {"result"})),
      queries_(registry.counterFamily("cirrus_acmedns_dns_queries_total",
                                      "DNS messages answered by the acme-dns authority, by rcode.",
                                      {"rcode"})) {}

void AcmeDnsMetrics::countQuery(uint16_t rcode) {
  // Bounded label set: the codes this server sends, anything else by number.
  switch (rcode) {
    case kRcodeNoError:
      queries_.labels({"NOERROR"}).inc();
      return;
    case kRcodeFormErr:
      queries_.labels({"FORMERR"}).inc();
      return;
    case kRcodeServFail:
      queries_.labels({"SERVFAIL"}).inc();
      return;
    case kRcodeNxDomain:
      queries_.labels({"NXDOMAIN"}).inc();
      return;
    case kRcodeNotImp:
      queries_.labels({"NOTIMP"}).inc();
      return;
    case kRcodeRefused:
      queries_.labels({"REFUSED"}).inc();
      return;
    case kRcodeBadVers:
      queries_.labels({"BADVERS"}).inc();
      return;
    default:
      queries_.labels({"other"}).inc();
  }
}

}  // namespace cirrus::acmedns
