#include "dns/steering_zone_source.h"

#include <algorithm>
#include <exception>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.h"
#include "store/keys.h"

namespace cirrus::dns {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

int64_t millis(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// What the build thread hands back to the io_context thread (default-constructible, as
// co_spawn's completion needs; `zone` is always set by the job).
struct BuildJob {
  std::optional<Result<Zone>> zone;
  ZoneBuildReport report;
  RebuildOutcome outcome = RebuildOutcome::kChanged;
  uint64_t content_hash = 0;
};

}  // namespace

ZoneSourceOptions ZoneSourceOptions::from(const config::DnsConfig& config) {
  ZoneSourceOptions o;
  ZoneBuildInput& b = o.build;
  b.base_domain = config.base_domain;
  b.ttl = config.default_ttl;
  b.replicas_per_site = static_cast<size_t>(std::max(config.replicas_per_site, 1));
  b.soa_mname = config.soa_mname;
  b.soa_rname = config.soa_rname;
  b.soa_refresh = config.soa_refresh;
  b.soa_retry = config.soa_retry;
  b.soa_expire = config.soa_expire;
  b.soa_minimum = config.soa_minimum;
  b.ns1_a = config.ns1_a;
  b.ns1_aaaa = config.ns1_aaaa;
  return o;
}

SteeringZoneSource::SteeringZoneSource(asio::io_context& ioc, const config::RedisOptions& redis,
                                       ZoneHolder& holder, DnsMetrics& metrics,
                                       ZoneSourceOptions options,
                                       std::function<void(uint32_t)> on_new_serial)
    : ioc_(ioc),
      holder_(holder),
      metrics_(metrics),
      options_(std::move(options)),
      on_new_serial_(std::move(on_new_serial)),
      client_(ioc.get_executor(), redis),
      domains_(client_),
      nodes_(client_),
      serials_(client_),
      subscriber_(ioc.get_executor(), redis),
      wake_(ioc),
      debouncer_(options_.debounce) {}

SteeringZoneSource::~SteeringZoneSource() {
  stop();
}

void SteeringZoneSource::start() {
  if (started_) return;
  started_ = true;
  subscriber_.onMessage([this](const redis::Subscriber::Message&) { markDirty(); });
  // Pub/sub is at-most-once (spec §4): whatever changed while the connection was down is only
  // seen by re-reading, so every (re)connect schedules a rebuild.
  subscriber_.onConnected([this] { markDirty(); });
  subscriber_.subscribe(store::keys::cnameDirtyChannel());
  // Domain writers that only announce on cdn:conf (external producers, the seed) still change
  // the set of access FQDNs; a rebuild with nothing new costs one read and keeps the serial.
  subscriber_.subscribe(store::keys::confChannel());
  subscriber_.start();
  asio::co_spawn(ioc_, loop(), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error("zone source stopped", {{"error", ex.what()}});
    }
  });
}

void SteeringZoneSource::stop() {
  if (stopped_) return;
  stopped_ = true;
  subscriber_.stop();
  wake_.cancel();
  client_.close();
}

void SteeringZoneSource::markDirty() {
  if (stopped_) return;
  debouncer_.onDirty(Clock::now());
  wake_.cancel();  // the loop recomputes its wake-up time
}

asio::awaitable<void> SteeringZoneSource::loop() {
  auto next_full = Clock::now();  // the start-up build runs at once
  while (!stopped_) {
    auto now = Clock::now();
    if (debouncer_.due(now) || now >= next_full) {
      debouncer_.fired();
      bool ok = co_await rebuild();
      if (stopped_) co_return;
      next_full = Clock::now() + (ok ? options_.safety_interval : options_.retry_interval);
      continue;
    }
    auto wake_at = next_full;
    if (auto d = debouncer_.deadline()) wake_at = std::min(wake_at, *d);
    wake_.expires_at(wake_at);
    // operation_aborted means markDirty() moved the deadline (or stop()): just recompute.
    co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<bool> SteeringZoneSource::rebuild() {
  auto started = Clock::now();
  auto fail = [&](std::string_view what, const Error& e) {
    metrics_.rebuilds.labels({"failed"}).inc();
    log::warn("zone rebuild failed; serving the last zone",
              {{"step", what}, {"error", e.message()}, {"serial", metrics_.zone_serial.value()}});
    return false;
  };
  auto domains = co_await domains_.list();
  if (!domains) co_return fail("read domains", domains.error());
  auto nodes = co_await nodes_.list();
  if (!nodes) co_return fail("read nodes", nodes.error());
  if (stopped_) co_return true;

  ZoneBuildInput input = options_.build;
  input.domains = std::move(*domains);
  input.nodes.reserve(nodes->size());
  for (const auto& n : *nodes) {
    input.nodes.push_back({n.id, n.ipv4, n.ipv6, n.site, n.enabled, n.active});
  }
  const auto read_done = Clock::now();
  ZoneSharedPtr served = holder_.current();
  input.serial = served ? served->serial() : 0;
  const size_t domain_count = input.domains.size();
  // Build and compare on build_pool_: the served zone is immutable and buildSteeringZone() pure,
  // so the job shares nothing mutable with this thread. Only this coroutine publishes, so the
  // zone compared against is still the served one when the job returns.
  auto job = [input = std::move(input), served,
              served_hash = served_hash_]() -> asio::awaitable<BuildJob> {
    ZoneBuildReport report;
    auto zone = buildSteeringZone(input, &report);
    uint64_t hash = 0;
    RebuildOutcome outcome = RebuildOutcome::kChanged;
    if (zone) {
      hash = zone->contentHash();
      outcome = classifyRebuild(served.get(), served_hash, *zone, hash);
    }
    BuildJob out{std::move(zone), std::move(report), outcome, hash};
    co_return out;
  };
  BuildJob job_result = co_await asio::co_spawn(build_pool_, std::move(job), asio::use_awaitable);
  if (stopped_) co_return true;
  const auto build_done = Clock::now();
  auto& built = *job_result.zone;
  const ZoneBuildReport& report = job_result.report;
  if (!built) co_return fail("build", built.error());
  if (!report.rejected_domains.empty()) {
    log::warn("domains left out of the zone", {{"count", report.rejected_domains.size()},
                                               {"first", report.rejected_domains.front()}});
  }
  if (!report.ignored_addresses.empty()) {
    log::warn("node addresses ignored", {{"count", report.ignored_addresses.size()},
                                         {"first", report.ignored_addresses.front()}});
  }
  metrics_.zone_domains.set(static_cast<double>(domain_count));

  const RebuildOutcome outcome = job_result.outcome;
  if (outcome == RebuildOutcome::kUnchanged) {
    metrics_.build_seconds.observe(Clock::now() - started);
    metrics_.rebuilds.labels({"unchanged"}).inc();
    log::debug("zone rebuilt without change", {{"serial", served->serial()}});
    co_return true;
  }

  auto unix_now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  std::optional<uint32_t> served_serial;
  if (served) served_serial = served->serial();
  auto stored = co_await serials_.advance(serialCandidate(served_serial, unix_now));
  if (!stored) co_return fail("advance serial", stored.error());
  if (stopped_) co_return true;
  uint32_t serial = chooseSerial(served_serial, *stored, unix_now);
  built->setSerial(serial);
  auto zone = std::make_shared<const Zone>(std::move(*built));
  size_t records = zone->recordCount();
  // publish() diffs the old and new zone for the IXFR journal: also off this thread. Queries
  // keep seeing the old zone until the swap at its end.
  auto publish = [&holder = holder_, zone]() -> asio::awaitable<void> {
    holder.publish(zone);
    co_return;
  };
  co_await asio::co_spawn(build_pool_, std::move(publish), asio::use_awaitable);
  served_hash_ = job_result.content_hash;
  if (stopped_) co_return true;  // no NOTIFY after stop()

  metrics_.build_seconds.observe(Clock::now() - started);
  metrics_.rebuilds.labels({"changed"}).inc();
  metrics_.zone_serial.set(static_cast<double>(serial));
  metrics_.zone_records.set(static_cast<double>(records));
  log::info("zone published", {{"serial", serial},
                               {"records", records},
                               {"domains", domain_count},
                               {"eligible_nodes", report.eligible_nodes},
                               {"names_without_nodes", report.names_without_nodes},
                               {"read_ms", millis(read_done - started)},
                               {"build_ms", millis(build_done - read_done)},
                               {"publish_ms", millis(Clock::now() - build_done)},
                               {"first", outcome == RebuildOutcome::kFirst}});
  if (on_new_serial_) on_new_serial_(serial);
  co_return true;
}

}  // namespace cirrus::dns
