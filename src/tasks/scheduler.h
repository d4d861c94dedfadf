// Scheduler: periodic jobs (every N seconds, or a cron expression) enqueued exactly once per
// period across any number of worker processes (spec §8). Every process runs one; the one
// holding the LeaderLease enqueues, through TaskStore::enqueuePeriodic, which checks the lease
// and fencing token and a per-job "last period fired" marker in one script: a deposed leader
// writes nothing, and a new leader never fires a period its predecessor already fired.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/cron.h"
#include "core/redis_client.h"
#include "core/result.h"
#include "store/task_store.h"
#include "tasks/leader_lease.h"

namespace cirrus::tasks {

struct PeriodicJob {
  std::string name;       // job id (marker key), e.g. "cname.node_health"
  std::string queue;      // e.g. "health"
  std::string task_name;  // e.g. "cname.node_health"
  nlohmann::json args = nlohmann::json::object();
  std::chrono::seconds every{0};     // an interval job when positive...
  std::optional<CronSchedule> cron;  // ...else a cron job
};

/// The period a job is due for at `now` (unix s), identified by its start: an interval job's
/// current period floor(now / every) * every; a cron job's latest fire time in
/// (now - lookback, now], or nullopt when it has none (a fire time older than lookback is
/// skipped, so a long outage does not fire a backlog).
std::optional<int64_t> duePeriod(const PeriodicJob& job, int64_t now, int64_t lookback);

struct SchedulerOptions {
  std::string holder;                           // unique per process (uniqueConsumerName())
  std::chrono::milliseconds lease_ttl{10'000};  // a dead leader is replaced after this
  std::chrono::milliseconds tick{1'000};        // how often due jobs and the lease are checked
};

/// Threading: every member is called on `executor`'s thread.
class Scheduler {
 public:
  using LeadershipObserver = std::function<void(bool leader)>;
  using FireObserver =
      std::function<void(const PeriodicJob& job, int64_t period, const std::string& task_id)>;

  Scheduler(boost::asio::any_io_executor executor, config::RedisOptions redis,
            SchedulerOptions options, std::vector<PeriodicJob> jobs,
            LeadershipObserver on_leadership = {}, FireObserver on_fired = {});
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// Ticks every options.tick until stop(). Redis errors are logged once per outage; a leader
  /// that cannot renew within lease_ttl stops acting as leader.
  void start();
  /// Ends the loop, releases the lease (so another process takes over at once), then `done`.
  void stop(std::function<void()> done);
  /// Ends the loop without releasing the lease, as if the process had died.
  void abandonForTest();

  /// One tick at `now` (unix s): renew or try to take the lease, then enqueue due jobs.
  boost::asio::awaitable<Result<void>> tickOnce(int64_t now);

  bool leader() const { return lease_.held(); }
  int64_t fenceToken() const { return lease_.token(); }

 private:
  boost::asio::awaitable<void> loop();
  void setLeader(bool leader);

  boost::asio::any_io_executor executor_;
  SchedulerOptions options_;
  std::vector<PeriodicJob> jobs_;
  LeadershipObserver on_leadership_;
  FireObserver on_fired_;
  std::unique_ptr<redis::Client> client_;
  store::TaskStore store_;
  LeaderLease lease_;
  boost::asio::steady_timer timer_;
  std::map<std::string, int64_t> fired_;  // job name -> last period known fired
  std::chrono::steady_clock::time_point renewed_at_{};
  bool was_leader_ = false;
  bool running_ = false;
  bool stopping_ = false;
  bool release_on_stop_ = true;
  std::function<void()> on_stopped_;
};

}  // namespace cirrus::tasks
