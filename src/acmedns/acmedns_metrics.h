// The cirrus_acmedns_* metrics of `cirrus acme-dns` (acme-dns itself has none): registrations
// and updates by result, and DNS answers by response code. Served on the API listener's
// /metrics, to loopback clients only (docs/acme-dns.md).
#pragma once

#include <cstdint>
#include <string_view>

#include "core/metrics_registry.h"
#include "dnswire/rr_type.h"

namespace cirrus::acmedns {

/// Thread-safe (the registry's families are).
class AcmeDnsMetrics {
 public:
  explicit AcmeDnsMetrics(metrics::Registry& registry);

  /// result: "created" or the acme-dns error name ("malformed_json_payload", ...).
  void countRegistration(std::string_view result) { registrations_.labels({result}).inc(); }
  /// result: "ok" or the acme-dns error name ("forbidden", "bad_txt", ...).
  void countUpdate(std::string_view result) { updates_.labels({result}).inc(); }
  /// One answered message, by its full response code; a message that got no answer is
  /// counted as "dropped".
  void countQuery(dnswire::Rcode rcode);
  void countDropped() { queries_.labels({"dropped"}).inc(); }

 private:
  metrics::Family<metrics::Counter>& registrations_;
  metrics::Family<metrics::Counter>& updates_;
  metrics::Family<metrics::Counter>& queries_;
};

}  // namespace cirrus::acmedns
