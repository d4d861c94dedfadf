#include "worker/worker_service.h"

#include <memory>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "acme/key_pair.h"
#include "core/cron.h"
#include "core/log.h"
#include "core/metrics_registry.h"
#include "core/redis_client.h"
#include "core/service_runner.h"
#include "http/client.h"
#include "http/router.h"
#include "http/server.h"
#include "http/tls_context.h"
#include "tasks/issuance_request.h"
#include "tasks/scheduler.h"
#include "tasks/task_consumer.h"
#include "tasks/task_queue.h"
#include "tasks/task_registry.h"
#include "worker/certificate_issuer.h"
#include "worker/cname_resolver.h"
#include "worker/health_checker.h"
#include "worker/worker_metrics.h"

namespace cirrus::worker {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kHealthQueue = "health";
constexpr std::string_view kNodeHealthTask = "cname.node_health";
using tasks::kAcmeQueue;

// /metrics and /healthz on WORKER_METRICS_BIND. The worker is healthy while it runs: a Redis
// outage is waited out (the loops retry), and liveness should not restart it for that.
std::unique_ptr<http::Server> makeMetricsListener(asio::io_context& ioc, Endpoint bind,
                                                  const metrics::Registry& registry) {
  http::Router router;
  router.get("/healthz", [](http::RequestContext&) -> asio::awaitable<http::Response> {
    co_return http::makeResponse(http::status::ok, "ok\n");
  });
  router.get("/metrics", [&registry](http::RequestContext&) -> asio::awaitable<http::Response> {
    co_return http::makeResponse(http::status::ok, registry.render(), metrics::kContentType);
  });
  http::ServerOptions options;
  options.listen = std::move(bind);
  options.name = "worker-metrics";
  options.shutdown_grace = std::chrono::milliseconds(2000);
  return std::make_unique<http::Server>(ioc, std::move(options), std::move(router));
}

// Queue depth for the cirrus_task_queue_depth gauge, refreshed every few seconds (render()
// cannot wait for Redis).
asio::awaitable<void> watchDepth(redis::Client& client, WorkerMetrics& metrics,
                                 std::shared_ptr<bool> stopping) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  tasks::TaskQueue health(client, std::string(kHealthQueue), "depth");
  tasks::TaskQueue acme(client, std::string(kAcmeQueue), "depth");
  while (!*stopping) {
    if (auto d = co_await health.depth())
      metrics.setQueueDepth(kHealthQueue, static_cast<double>(*d));
    if (auto d = co_await acme.depth()) metrics.setQueueDepth(kAcmeQueue, static_cast<double>(*d));
    timer.expires_after(std::chrono::seconds(5));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

IssuerOptions issuerOptions(const config::WorkerConfig& worker) {
  IssuerOptions o;
  o.acme_directory = worker.acme_directory;
  o.acmedns_base_url = worker.acmedns_base_url;
  o.cert_key_type =
      acme::parseKeyType(worker.acme_cert_key_type).value_or(acme::KeyType::kEcdsaP256);
  o.lock_ttl = std::chrono::seconds(worker.acme_lock_ttl);
  o.enforce_cname_check = worker.enforce_acme_cname_check;
  o.wait_for_cname = worker.wait_for_cname;
  o.cname_wait = std::chrono::seconds(worker.cname_wait_secs);
  o.renew_before_days = worker.acme_renew_before_days;
  o.renew_max_per_scan = worker.acme_renew_max_per_scan;
  return o;
}

}  // namespace

int runWorkerService(const config::CommonConfig& common, const config::WorkerConfig& worker) {
  asio::io_context ioc;
  metrics::Registry registry;
  WorkerMetrics worker_metrics(registry);

  redis::Client redis(ioc.get_executor(), common.redis);
  // One client for health probes, the CA and acme-dns: the CA's trust adds ACME_CA_BUNDLE
  // (a development CA such as Pebble) to the system store.
  http::ClientTlsOptions tls_options;
  tls_options.ca_file = worker.acme_ca_bundle;
  auto tls = http::makeClientTlsContext(tls_options);
  if (!tls) {
    log::error("worker cannot start: ACME_CA_BUNDLE", {{"error", tls.error().message()}});
    return 2;
  }
  http::ClientOptions http_options;
  http_options.tls = *tls;
  http::Client http(ioc.get_executor(), http_options);

  HealthCheckOptions health_options;
  health_options.port = worker.node_health_port;
  health_options.timeout = std::chrono::seconds(worker.node_health_timeout_secs);
  health_options.thresholds = {worker.node_health_fails_to_down, worker.node_health_succs_to_up};
  NodeHealthChecker checker(ioc.get_executor(), redis, http, health_options, &worker_metrics);

  CertificateIssuer issuer(ioc.get_executor(), redis, http, issuerOptions(worker),
                           makeCnameLookup(ioc.get_executor(), worker.acme_dns_resolver));

  tasks::TaskRegistry registry_of_tasks;
  registry_of_tasks.add(std::string(kNodeHealthTask),
                        [&checker](tasks::TaskContext) { return checker.run(); });
  registry_of_tasks.add(std::string(tasks::kIssueCertificateTask),
                        [&issuer](tasks::TaskContext t) { return issuer.issue(std::move(t)); });
  registry_of_tasks.add(std::string(tasks::kScanAndRenewTask), [&issuer](tasks::TaskContext t) {
    return issuer.scanAndRenew(std::move(t));
  });

  const std::string identity = tasks::uniqueConsumerName();
  tasks::ConsumerOptions consumer_options;
  consumer_options.queue = std::string(kHealthQueue);
  consumer_options.consumer = identity;
  // A health round is superseded by the next period: retry briefly, then give up.
  consumer_options.retry.max_attempts = 3;
  consumer_options.retry.base_delay = std::chrono::seconds(1);
  consumer_options.retry.max_delay = std::chrono::seconds(worker.node_health_interval_secs);
  tasks::TaskConsumer health_consumer(
      ioc.get_executor(), common.redis, consumer_options, registry_of_tasks,
      [&worker_metrics](const tasks::TaskReport& r) { worker_metrics.countTask(r); });

  tasks::ConsumerOptions acme_options;
  acme_options.queue = std::string(kAcmeQueue);
  acme_options.consumer = identity;
  // Transient failures (CA or acme-dns unreachable, rate limits) retry: 30 s, 1 min, 2 min,
  // 4 min, all inside the issuance lock's default 15 minutes. An issuance can take minutes
  // (DNS propagation, CA validation): the heartbeat keeps it from being reclaimed meanwhile.
  acme_options.retry.max_attempts = 5;
  acme_options.retry.base_delay = std::chrono::seconds(30);
  acme_options.retry.max_delay = std::chrono::minutes(5);
  tasks::TaskConsumer acme_consumer(
      ioc.get_executor(), common.redis, acme_options, registry_of_tasks,
      [&worker_metrics](const tasks::TaskReport& r) { worker_metrics.countTask(r); });

  tasks::PeriodicJob renew_job;
  renew_job.name = std::string(tasks::kScanAndRenewTask);
  renew_job.queue = std::string(kAcmeQueue);
  renew_job.task_name = std::string(tasks::kScanAndRenewTask);
  renew_job.cron = CronSchedule::parse(worker.acme_renew_cron, nullptr);

  tasks::PeriodicJob health_job;
  health_job.name = std::string(kNodeHealthTask);
  health_job.queue = std::string(kHealthQueue);
  health_job.task_name = std::string(kNodeHealthTask);
  health_job.every = std::chrono::seconds(worker.node_health_interval_secs);
  tasks::SchedulerOptions scheduler_options;
  scheduler_options.holder = identity;
  scheduler_options.tick = std::chrono::milliseconds(500);
  tasks::Scheduler scheduler(
      ioc.get_executor(), common.redis, scheduler_options, {health_job, renew_job},
      [&worker_metrics](bool leader) { worker_metrics.setLeader(leader); },
      [&worker_metrics](const tasks::PeriodicJob& job, int64_t, const std::string&) {
        worker_metrics.countScheduled(job.name);
      });

  auto metrics_listener = makeMetricsListener(ioc, worker.metrics_bind, registry);
  if (auto r = metrics_listener->start(); !r) {
    log::error("worker cannot start", {{"error", r.error().message()}});
    return 1;
  }
  health_consumer.start();
  acme_consumer.start();
  scheduler.start();
  auto stopping = std::make_shared<bool>(false);
  asio::co_spawn(ioc, watchDepth(redis, worker_metrics, stopping), asio::detached);

  log::info("worker running", {{"consumer", identity},
                               {"queues", nlohmann::json::array({kHealthQueue, kAcmeQueue})},
                               {"metrics", worker.metrics_bind.toString()},
                               {"health_interval_secs", worker.node_health_interval_secs}});
  log::info("ACME issuance", {{"directory", worker.acme_directory},
                              {"acmedns", worker.acmedns_base_url},
                              {"renew_cron", worker.acme_renew_cron},
                              {"cname_check", worker.enforce_acme_cname_check}});

  ServiceRunOptions run;
  run.stop_deadline = std::chrono::milliseconds(10'000);
  int code = runUntilSignalled(
      ioc,
      [&](std::function<void()> done) {
        log::info("worker stopping");
        *stopping = true;
        // Four parts drain in parallel; `done` runs when the last one has.
        auto remaining = std::make_shared<int>(4);
        auto one_done = [remaining, done] {
          if (--*remaining == 0) done();
        };
        scheduler.stop(one_done);
        health_consumer.stop(one_done);
        acme_consumer.stop(one_done);
        metrics_listener->stop(one_done);
      },
      run);
  log::info("worker stopped", {{"exit", code}});
  return code;
}

}  // namespace cirrus::worker
