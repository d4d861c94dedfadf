// RFC 5861 §3 stale-while-revalidate: the stale object has been served; one background
// revalidation per key (joined through the same in-flight map as collapsed misses, so a key
// being fetched anyway is not fetched twice) updates the store. Runs on the worker's loop,
// detached from the client connection: everything it needs is copied first.
#include <ctime>
#include <memory>

#include <boost/asio/co_spawn.hpp>

#include "cache/cache_control.h"
#include "cache/freshness.h"
#include "cache/revalidation.h"
#include "core/log.h"
#include "edge/client_connection.h"
#include "edge/edge_cache.h"
#include "edge/origin_fetch.h"
#include "edge/worker.h"

namespace cirrus::edge {

namespace asio = boost::asio;

namespace {

struct RefreshJob {
  std::vector<model::Origin> origins;
  std::string origin_head;
  cache::PrimaryKey key;
  cache::CachedObjectSharedPtr stale;
  std::vector<cache::OwnedField> request_fields;
  std::optional<int64_t> rule_ttl;
  int64_t default_ttl = 0;
  std::string domain;
  FlightPtr flight;
};

asio::awaitable<void> refresh(WorkerContext& ctx, std::shared_ptr<RefreshJob> job) {
  EdgeCache& store = *ctx.cache;
  auto request_time = static_cast<int64_t>(std::time(nullptr));
  auto r = co_await fetchBuffered(ctx, job->origins, job->origin_head, store.maxObjectBytes());
  auto now = static_cast<int64_t>(std::time(nullptr));
  if (r && r->too_large) r = upstreamProtocol("response larger than the memory tier takes");
  if (!r) {
    log::info("background revalidation failed",
              {{"key", job->key.text}, {"error", r.error().message()}});
    store.endFlight(job->key.text, job->flight);
    co_return;
  }
  std::vector<cache::HeaderField> rfields = r->views();
  std::vector<cache::HeaderField> qfields;
  for (const auto& f : job->request_fields) qfields.push_back({f.name, f.value});
  if (r->status == 304) {
    cache::RevalidationTimes t{request_time, now, job->rule_ttl, job->default_ttl};
    if (auto merged = cache::mergeNotModified(*job->stale, rfields, t)) store.insert(merged);
  } else if (r->status < 500) {
    cache::StorabilityInput in;
    in.method = "GET";
    in.status = r->status;
    in.request_fields = qfields;
    in.response_fields = rfields;
    if (cache::checkStorable(in) == cache::NoCacheReason::kNone) {
      cache::ObjectInput oi;
      oi.key = job->key;
      oi.vary = cache::parseVary(rfields);
      oi.variant = cache::secondaryKey(oi.vary.names, qfields);
      oi.domain = job->domain;
      oi.path = job->stale->path;
      oi.status = r->status;
      oi.reason = r->reason;
      oi.response_fields = rfields;
      oi.body = cache::Body::make(std::move(r->body));
      oi.request_time = request_time;
      oi.response_time = now;
      oi.rule_ttl = job->rule_ttl;
      oi.default_ttl = job->default_ttl;
      store.insert(cache::buildCachedObject(std::move(oi)));
    } else {
      store.purge({job->domain, cache::PurgeScope::kExactPath, job->stale->path, false}, now);
    }
  }
  // A 5xx leaves the stale object in place: stale-if-error may still serve it.
  store.endFlight(job->key.text, job->flight);
}

}  // namespace

void ClientConnection::startBackgroundRefresh(const model::DomainConf& conf,
                                              cache::CachedObjectSharedPtr stale,
                                              int64_t invalidated_at,
                                              std::optional<int64_t> rule_ttl,
                                              const RequestHead& head) {
  (void)invalidated_at;
  if (head.method != "GET") return;  // the refresh must be a GET; a HEAD triggers none
  EdgeCache& store = *ctx_.cache;
  bool leader = false;
  FlightPtr flight = store.joinFlight(key_.text, leader);
  if (!leader) return;  // a fetch of this key is already running
  store.background_refreshes.inc();
  auto job = std::make_shared<RefreshJob>();
  job->origins = conf.origins;
  strip_conditionals_ = true;
  extra_origin_fields_.clear();
  cache::ConditionalFields cf = cache::conditionalFields(*stale);
  if (!cf.if_none_match.empty())
    extra_origin_fields_ += "If-None-Match: " + cf.if_none_match + "\r\n";
  if (!cf.if_modified_since.empty()) {
    extra_origin_fields_ += "If-Modified-Since: " + cf.if_modified_since + "\r\n";
  }
  buildOriginHead(head, conf);
  strip_conditionals_ = false;
  extra_origin_fields_.clear();
  job->origin_head = origin_head_;
  job->key = key_;
  job->stale = std::move(stale);
  for (const auto& f : head.fields)
    job->request_fields.push_back({std::string(f.name), std::string(f.value)});
  job->rule_ttl = rule_ttl;
  job->default_ttl = conf.cache.default_ttl;
  job->domain = conf.domain;
  job->flight = std::move(flight);
  WorkerContext& ctx = ctx_;
  ++ctx.background_tasks;
  asio::co_spawn(ctx.ioc, refresh(ctx, job), [job, &store, &ctx](std::exception_ptr e) {
    --ctx.background_tasks;
    if (!e) return;
    store.endFlight(job->key.text, job->flight);
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error("background revalidation failed", {{"error", ex.what()}});
    }
  });
}

}  // namespace cirrus::edge
