// The cirrus_task_* and cirrus_worker_* metrics of `cirrus worker` (spec §12): tasks by
// queue/name/outcome and their duration, queue depth, scheduler leadership, health probes by
// result and node transitions. Registered once at start-up; label values are bounded (queue
// and task names are the registered ones, outcomes and results are enums).
#pragma once

#include <string_view>

#include "core/metrics_registry.h"
#include "tasks/task_consumer.h"

namespace cirrus::worker {

/// Thread-safe through the registry.
class WorkerMetrics {
 public:
  explicit WorkerMetrics(metrics::Registry& registry);

  void countTask(const tasks::TaskReport& report);
  /// result: "ok" | "fail".
  void countProbe(bool ok) { probes_.labels({ok ? "ok" : "fail"}).inc(); }
  /// to: "up" | "down".
  void countTransition(bool up) { transitions_.labels({up ? "up" : "down"}).inc(); }
  void setLeader(bool leader) { leader_.set(leader ? 1 : 0); }
  void setQueueDepth(std::string_view queue, double depth) { depth_.labels({queue}).set(depth); }
  void countScheduled(std::string_view job) { scheduled_.labels({job}).inc(); }

 private:
  metrics::Family<metrics::Counter>& tasks_;
  metrics::Family<metrics::Histogram>& durations_;
  metrics::Family<metrics::Counter>& probes_;
  metrics::Family<metrics::Counter>& transitions_;
  metrics::Family<metrics::Gauge>& depth_;
  metrics::Family<metrics::Counter>& scheduled_;
  metrics::Gauge& leader_;
};

}  // namespace cirrus::worker
