#include "dns/dns_metrics.h"

#include <iterator>
#include <string>
#include <vector>

namespace cirrus::dns {
namespace {

constexpr dnswire::RRType kLabelledTypes[] = {
    dnswire::RRType::kA,     dnswire::RRType::kAaaa, dnswire::RRType::kSoa, dnswire::RRType::kNs,
    dnswire::RRType::kCname, dnswire::RRType::kMx,   dnswire::RRType::kTxt, dnswire::RRType::kPtr,
    dnswire::RRType::kAny,   dnswire::RRType::kAxfr, dnswire::RRType::kIxfr};

std::vector<double> buildBuckets() {
  return {0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

}  // namespace

DnsMetrics::DnsMetrics(metrics::Registry& registry)
    : notifies_sent(registry.counter("cirrus_dns_notifies_sent_total",
                                     "NOTIFY messages sent to secondaries (retries included).")),
      notify_acks(registry.counter("cirrus_dns_notify_acks_total",
                                   "NOTIFY messages acknowledged by a secondary.")),
      notify_failures(registry.counter(
          "cirrus_dns_notify_failures_total",
          "Serial changes a secondary did not acknowledge within the retry attempts.")),
      zone_serial(registry.gauge("cirrus_dns_zone_serial", "SOA serial of the served zone.")),
      zone_records(
          registry.gauge("cirrus_dns_zone_records", "Records in the served zone, SOA included.")),
      zone_domains(registry.gauge("cirrus_dns_zone_domains",
                                  "Customer domains in the last successful build.")),
      tcp_connections(registry.gauge("cirrus_dns_tcp_connections", "Open DNS TCP connections.")),
      build_seconds(registry.histogram("cirrus_dns_zone_build_seconds",
                                       "Time to read the store and build the steering zone.",
                                       buildBuckets())),
      rebuilds(registry.counterFamily("cirrus_dns_zone_rebuilds_total",
                                      "Zone rebuilds by result (changed, unchanged, failed).",
                                      {"result"})),
      queries_(registry.counterFamily("cirrus_dns_queries_total",
                                      "DNS messages answered, by question type and rcode.",
                                      {"qtype", "rcode"})),
      transfers_(registry.counterFamily("cirrus_dns_transfers_total",
                                        "Zone transfers by type (axfr, ixfr) and result.",
                                        {"type", "result"})),
      dropped_(registry.counter("cirrus_dns_dropped_total",
                                "Messages dropped without an answer (unparsable or a response).")) {
  for (const char* result : {"changed", "unchanged", "failed"}) rebuilds.labels({result});
}

size_t DnsMetrics::typeSlot(dnswire::RRType type) {
  for (size_t i = 0; i < std::size(kLabelledTypes); ++i) {
    if (kLabelledTypes[i] == type) return i;
  }
  return kTypeSlots - 1;  // "other"
}

void DnsMetrics::countQuery(dnswire::RRType qtype, dnswire::Rcode rcode) {
  size_t t = typeSlot(qtype);
  auto code = static_cast<size_t>(rcode);
  if (code >= kRcodeSlots) code = kRcodeSlots - 1;
  metrics::Counter*& slot = cache_[t][code];
  if (slot == nullptr) {
    std::string type_label = t == kTypeSlots - 1 ? "other" : toString(qtype);
    std::string rcode_label =
        code == kRcodeSlots - 1 && static_cast<size_t>(rcode) != code ? "other" : toString(rcode);
    slot = &queries_.labels({type_label, rcode_label});
  }
  slot->inc();
}

void DnsMetrics::countTransfer(std::string_view type, std::string_view result) {
  transfers_.labels({type, result}).inc();
}

}  // namespace cirrus::dns
