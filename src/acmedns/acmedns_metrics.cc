#include "acmedns/acmedns_metrics.h"

#include <string>

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

void AcmeDnsMetrics::countQuery(dnswire::Rcode rcode) {
  using dnswire::Rcode;
  // Bounded label set: the codes this server sends, anything else by number.
  switch (rcode) {
    case Rcode::kNoError:
      queries_.labels({"NOERROR"}).inc();
      return;
    case Rcode::kFormErr:
      queries_.labels({"FORMERR"}).inc();
      return;
    case Rcode::kServFail:
      queries_.labels({"SERVFAIL"}).inc();
      return;
    case Rcode::kNxDomain:
      queries_.labels({"NXDOMAIN"}).inc();
      return;
    case Rcode::kNotImp:
      queries_.labels({"NOTIMP"}).inc();
      return;
    case Rcode::kRefused:
      queries_.labels({"REFUSED"}).inc();
      return;
    case Rcode::kBadVers:
      queries_.labels({"BADVERS"}).inc();
      return;
    default:
      queries_.labels({"other"}).inc();
  }
}

}  // namespace cirrus::acmedns
