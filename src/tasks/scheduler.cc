#include "tasks/scheduler.h"

#include <exception>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.h"

namespace cirrus::tasks {

namespace asio = boost::asio;

std::optional<int64_t> duePeriod(const PeriodicJob& job, int64_t now, int64_t lookback) {
  if (job.every.count() > 0) {
    const int64_t every = job.every.count();
    int64_t period = now / every;
    if (now % every != 0 && now < 0) --period;
    return period * every;
  }
  if (!job.cron) return std::nullopt;
  std::optional<int64_t> due;
  // Latest fire time in (now - lookback, now]; bounded by the minutes in the window.
  auto fire = job.cron->nextAfter(now - lookback);
  for (int guard = 0; fire && *fire <= now && guard < 100000; ++guard) {
    due = fire;
    fire = job.cron->nextAfter(*fire);
  }
  return due;
}

Scheduler::Scheduler(asio::any_io_executor executor, config::RedisOptions redis,
                     SchedulerOptions options, std::vector<PeriodicJob> jobs,
                     LeadershipObserver on_leadership, FireObserver on_fired)
    : executor_(executor),
      options_(std::move(options)),
      jobs_(std::move(jobs)),
      on_leadership_(std::move(on_leadership)),
      on_fired_(std::move(on_fired)),
      client_(std::make_unique<redis::Client>(executor, std::move(redis))),
      store_(*client_),
      lease_(*client_, options_.holder, options_.lease_ttl),
      timer_(executor) {}

Scheduler::~Scheduler() {
  client_->close();
}

void Scheduler::start() {
  if (running_) return;
  running_ = true;
  stopping_ = false;
  asio::co_spawn(executor_, loop(), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error("scheduler loop ended by an exception", {{"error", ex.what()}});
    }
  });
}

void Scheduler::stop(std::function<void()> done) {
  stopping_ = true;
  timer_.cancel();
  if (!running_) {
    if (done) done();
    return;
  }
  on_stopped_ = std::move(done);
}

void Scheduler::abandonForTest() {
  release_on_stop_ = false;
  stopping_ = true;
  timer_.cancel();
}

void Scheduler::setLeader(bool leader) {
  if (leader == was_leader_) return;
  was_leader_ = leader;
  log::info(leader ? "scheduler leadership taken" : "scheduler leadership lost",
            {{"holder", options_.holder}, {"fence", lease_.token()}});
  if (on_leadership_) on_leadership_(leader);
}

asio::awaitable<Result<void>> Scheduler::tickOnce(int64_t now) {
  auto steady_now = std::chrono::steady_clock::now();
  if (lease_.held()) {
    auto renewed = co_await lease_.renew();
    if (!renewed) {
      // Redis unreachable: past the TTL the lease has surely expired; stop acting as leader.
      if (steady_now - renewed_at_ >= options_.lease_ttl) {
        lease_.forget();
        setLeader(false);
      }
      co_return renewed.error();
    }
    if (*renewed) renewed_at_ = steady_now;
  }
  if (!lease_.held()) {
    auto token = co_await lease_.tryAcquire();
    if (!token) co_return token.error();
    if (*token) renewed_at_ = steady_now;
  }
  setLeader(lease_.held());
  if (!lease_.held()) co_return ok();

  const int64_t lookback =
      std::chrono::duration_cast<std::chrono::seconds>(options_.lease_ttl + 2 * options_.tick)
          .count() +
      1;
  for (const PeriodicJob& job : jobs_) {
    auto period = duePeriod(job, now, lookback);
    if (!period) continue;
    auto known = fired_.find(job.name);
    if (known != fired_.end() && known->second >= *period) continue;
    store::PeriodicSlot slot{job.name, *period, lease_.value(), lease_.token()};
    auto enqueued = co_await store_.enqueuePeriodic(job.queue, job.task_name, job.args, now, slot);
    if (!enqueued) co_return enqueued.error();
    switch (enqueued->outcome) {
      case store::PeriodicOutcome::kEnqueued:
        fired_[job.name] = *period;
        log::debug("periodic job enqueued",
                   {{"job", job.name}, {"period", *period}, {"task", enqueued->id}});
        if (on_fired_) on_fired_(job, *period, enqueued->id);
        break;
      case store::PeriodicOutcome::kAlreadyFired:
        fired_[job.name] = *period;
        break;
      case store::PeriodicOutcome::kStaleLease:
        log::warn("scheduler lease lost before enqueueing; not firing",
                  {{"job", job.name}, {"fence", lease_.token()}});
        lease_.forget();
        setLeader(false);
        co_return ok();
    }
  }
  co_return ok();
}

asio::awaitable<void> Scheduler::loop() {
  bool failing = false;
  while (!stopping_) {
    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    auto ticked = co_await tickOnce(now);
    if (!ticked && !failing) {
      log::warn("scheduler cannot reach Redis; retrying", {{"error", ticked.error().message()}});
    } else if (ticked && failing) {
      log::info("scheduler reaches Redis again");
    }
    failing = !ticked;
    if (stopping_) break;
    timer_.expires_after(options_.tick);
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (release_on_stop_ && lease_.held()) {
    auto released = co_await lease_.release();
    if (!released)
      log::warn("scheduler lease not released", {{"error", released.error().message()}});
  } else {
    lease_.forget();
  }
  setLeader(false);
  running_ = false;
  if (auto done = std::exchange(on_stopped_, nullptr)) done();
}

}  // namespace cirrus::tasks
