// `cirrus worker` (spec §2, §8): consumes the `health` queue (handler `cname.node_health`),
// runs the periodic scheduler (node health every NODE_HEALTH_INTERVAL_SECS) under the Redis
// leader lease, and serves /metrics + /healthz on WORKER_METRICS_BIND, on one io_context
// thread. The `acme` queue is not consumed by this build (no ACME client yet): its tasks stay
// queued for a worker that has one. SIGTERM: stop taking tasks, finish the one in hand,
// release the lease, exit 0.
#pragma once

#include "core/config.h"

namespace cirrus::worker {

/// Runs until SIGTERM/SIGINT; returns the process exit code: 0 after a clean stop, 1 when the
/// metrics listener cannot be bound or the stop deadline passed.
int runWorkerService(const config::CommonConfig& common, const config::WorkerConfig& worker);

}  // namespace cirrus::worker
