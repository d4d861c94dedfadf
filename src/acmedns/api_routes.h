// The acme-dns compatible HTTP API (joohoi/acme-dns: POST /register, POST /update,
// GET /health) plus a loopback-only GET /metrics. Error bodies are acme-dns's
// `{"error": "<name>"}`, not the control plane's `{"detail": ...}`: ACME clients written for
// acme-dns read these.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "acmedns/acmedns_metrics.h"
#include "core/metrics_registry.h"
#include "http/router.h"
#include "store/acmedns_store.h"

namespace cirrus::acmedns {

struct ApiDependencies {
  store::AcmeDnsStore& store;  // bound to the io_context the router's server runs on
  AcmeDnsMetrics& metrics;
  const metrics::Registry& registry;  // rendered by /metrics
  std::string zone;                   // fulldomain = <subdomain>.<zone>
  std::function<int64_t()> unix_now;  // created_at of new accounts
};

/// The router of the API listener. Every referenced object must outlive the server.
http::Router makeApiRouter(ApiDependencies deps);

}  // namespace cirrus::acmedns
