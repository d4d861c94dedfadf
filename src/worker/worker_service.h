// `cirrus worker` (spec §2, §8): consumes the `health` queue (`cname.node_health`) and the
// `acme` queue (`acme.issue_certificate`, `acme.scan_and_renew`), runs the periodic scheduler
// (node health every NODE_HEALTH_INTERVAL_SECS, the renewal scan on ACME_RENEW_CRON) under the
// Redis leader lease, and serves /metrics + /healthz on WORKER_METRICS_BIND, on one io_context
// thread. SIGTERM: stop taking tasks, finish the one in hand,
// release the lease, exit 0.
#pragma once

#include "core/config.h"

namespace cirrus::worker {

/// Runs until SIGTERM/SIGINT; returns the process exit code: 0 after a clean stop, 1 when the
/// metrics listener cannot be bound or the stop deadline passed.
int runWorkerService(const config::CommonConfig& common, const config::WorkerConfig& worker);

}  // namespace cirrus::worker
