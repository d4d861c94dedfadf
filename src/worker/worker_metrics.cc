#include "worker/worker_metrics.h"

#include <string>

namespace cirrus::worker {

WorkerMetrics::WorkerMetrics(metrics::Registry& registry)
    : tasks_(registry.counterFamily("cirrus_task_total",
                                    "Task deliveries by queue, name and outcome.",
                                    {"queue", "name", "outcome"})),
      durations_(registry.histogramFamily("cirrus_task_duration_seconds",
                                          "Time from taking a task to recording its outcome.",
                                          {"queue", "name"})),
      probes_(registry.counterFamily("cirrus_worker_health_probes_total",
                                     "Node health probes by result.", {"result"})),
      transitions_(registry.counterFamily("cirrus_worker_node_transitions_total",
                                          "Node active flips by direction.", {"to"})),
      depth_(registry.gaugeFamily("cirrus_task_queue_depth",
                                  "Entries waiting in a queue (stream plus delayed retries).",
                                  {"queue"})),
      scheduled_(registry.counterFamily("cirrus_task_scheduled_total",
                                        "Periodic tasks enqueued by this process as leader.",
                                        {"job"})),
      leader_(registry.gauge("cirrus_worker_scheduler_leader",
                             "1 while this process holds the scheduler lease.")) {}

void WorkerMetrics::countTask(const tasks::TaskReport& report) {
  std::string outcome(tasks::toString(report.outcome));
  // An unknown name comes from whoever wrote the queue: never a label value.
  std::string name = report.outcome == tasks::TaskOutcome::kUnknownTask ? "unknown" : report.name;
  tasks_.labels({report.queue, name, outcome}).inc();
  durations_.labels({report.queue, name}).observe(report.duration);
}

}  // namespace cirrus::worker
