// The cache path of ClientConnection (see client_connection.h, docs/cache.md "What the edge
// does with it"): request plan and bypass, lookup, reuse decision (RFC 9111 §4.2.4, RFC 5861),
// answers from stored objects (client conditionals, HEAD, single ranges), request collapsing,
// revalidation through the origin phase, and capture of storable responses while they stream.
#include <array>
#include <chrono>
#include <ctime>
#include <memory>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cache/freshness.h"
#include "cache/range.h"
#include "cache/revalidation.h"
#include "edge/client_connection.h"
#include "edge/edge_cache.h"
#include "edge/worker.h"

namespace cirrus::edge {

namespace asio = boost::asio;
using cache::CachePhase;
using cache::NoCacheReason;

namespace {

int64_t unixNow() {
  return static_cast<int64_t>(std::time(nullptr));
}

bool hasOwnConditional(const RequestHead& head) {
  return !head.field("if-none-match").empty() || !head.field("if-modified-since").empty() ||
         !head.field("if-match").empty() || !head.field("if-unmodified-since").empty();
}

// The origin-form target of a request ("http://a/x?y" → "/x?y").
std::string_view originTarget(std::string_view target) {
  if (target.starts_with("http://") || target.starts_with("https://")) {
    size_t slash = target.find_first_of("/?", target.find("//") + 2);
    return slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  return target;
}

// Ends a collapsed fetch whatever way the leader's coroutine leaves.
struct FlightGuard {
  EdgeCache& cache;
  std::string key;
  FlightPtr flight;
  ~FlightGuard() {
    if (flight) cache.endFlight(key, flight);
  }
};

}  // namespace

bool ClientConnection::tryHit(const RequestHead& head, const model::DomainConf& conf,
                              CacheStart& start, RequestOutcome& o, HitAnswer& answer) {
  cache::HeaderSpan fields(head.fields.data(), head.fields.size());
  start.req_cc = cache::requestCacheControl(fields);
  start.target = originTarget(head.target);
  std::string_view path = start.target.substr(0, start.target.find('?'));
  start.plan = cache::planRequest(ctx_.rulesFor(conf), head.method, path, fields, start.req_cc);
  // A request with a body (even a GET) is forwarded as is: its bytes follow in the buffer.
  if (start.plan.lookup() && head.framing != BodyFraming::kNone) {
    start.plan.bypass = NoCacheReason::kMethod;
  }
  if (!start.plan.lookup() || (conf.cache.slice.enable && head.method == "GET")) return false;
  cache::makePrimaryKeyInto(key_, transport_->isTls() ? "https" : "http", host_key_, start.target,
                            conf.cache.query_string);
  start.found = ctx_.cache->lookupMemory(key_.id, key_.text, fields);
  start.looked_up = true;
  if (!start.found) return false;
  const cache::CachedObject& obj = *start.found.object;
  cache::ReuseDecision d = cache::decideReuse(obj.policy, obj.times, start.found.invalidated_at,
                                              start.req_cc, unixNow());
  cache::CacheOutcome co;
  co.ttl = d.ttl;
  switch (d.action) {
    case cache::Reuse::kFresh:
      co.phase = CachePhase::kHit;
      break;
    case cache::Reuse::kStale:
      co.phase = CachePhase::kStale;
      break;
    case cache::Reuse::kStaleWhileRevalidate:
      co.phase = CachePhase::kStale;
      break;
    default:
      return false;
  }
  if (!prepareStored(head, obj, co, d.age, o, answer)) return false;
  if (d.action == cache::Reuse::kStaleWhileRevalidate) {
    startBackgroundRefresh(conf, start.found.object, start.found.invalidated_at,
                           start.plan.rule_ttl, head);
  }
  answer.keep = std::move(start.found.object);
  consumeHead(head);
  return true;
}

asio::awaitable<RequestOutcome> ClientConnection::cachePath(const RequestHead& head,
                                                            const model::DomainConf& conf,
                                                            CacheStart& start) {
  EdgeCache& store = *ctx_.cache;
  cache::HeaderSpan fields(head.fields.data(), head.fields.size());
  const cache::CacheControl& req_cc = start.req_cc;
  std::string_view target = start.target;
  const cache::RequestPlan& plan = start.plan;

  if (!plan.lookup()) {
    cache::CacheOutcome co;
    co.phase = CachePhase::kBypass;
    co.reason = plan.bypass;
    cache::appendCacheFields(extra_fields_, std::nullopt, co);
    if (cache::isSafeMethod(head.method)) {
      RequestOutcome o = co_await proxy(head, conf);
      o.cache_phase = CachePhase::kBypass;
      co_return o;
    }
    // RFC 9111 §4.4: a non-error answer to an unsafe method invalidates the target and the
    // same-host Location / Content-Location; the hook collects them from the response head.
    // Copies: the head's views die while a request body streams.
    CacheFill inv;
    inv.conf = &conf;
    inv.invalidate_only = true;
    inv.owned_method.assign(head.method);
    inv.owned_target.assign(target);
    fill_ = &inv;
    RequestOutcome o = co_await proxy(head, conf);
    fill_ = nullptr;
    o.cache_phase = CachePhase::kBypass;
    for (const std::string& p : inv.invalidate) {
      cache::PurgeSelector sel;
      sel.domain = conf.domain;
      sel.scope = cache::PurgeScope::kExactPath;
      sel.value = cache::canonicalTarget(p, conf.cache.query_string);
      store.purge(sel, unixNow());
    }
    co_return o;
  }

  if (conf.cache.slice.enable && head.method == "GET") {
    co_return co_await slicePath(head, conf, target, plan.rule_ttl);
  }
  CacheFill fill;
  fill.conf = &conf;
  fill.request_fields = fields;
  fill.request_cc = req_cc;
  fill.rule_ttl = plan.rule_ttl;
  fill.target = target;
  fill.head_request = head.method == "HEAD";

  // tryHit() built the key and looked in memory already.
  cache::LookupResult found = std::move(start.found);
  if (!found && store.hasDisk()) found = co_await store.lookup(key_.id, key_.text, fields);
  int64_t now = unixNow();
  if (found) {
    const cache::CachedObject& obj = *found.object;
    cache::ReuseDecision d =
        cache::decideReuse(obj.policy, obj.times, found.invalidated_at, req_cc, now);
    cache::CacheOutcome co;
    co.ttl = d.ttl;
    switch (d.action) {
      case cache::Reuse::kFresh:
        co.phase = CachePhase::kHit;
        co_return co_await serveStored(head, obj, co, d.age);
      case cache::Reuse::kStale:
        co.phase = CachePhase::kStale;
        co_return co_await serveStored(head, obj, co, d.age);
      case cache::Reuse::kStaleWhileRevalidate:
        co.phase = CachePhase::kStale;
        startBackgroundRefresh(conf, found.object, found.invalidated_at, plan.rule_ttl, head);
        co_return co_await serveStored(head, obj, co, d.age);
      case cache::Reuse::kOnlyIfCachedFail:
        co.phase = CachePhase::kMiss;
        co_return co_await answerSimple(head, 504, "not cached", co);
      case cache::Reuse::kRevalidate:
        break;
    }
    // Revalidation is collapsed like a miss: one conditional request per key.
    fill.stale = found.object;
    fill.invalidated_at = found.invalidated_at;
    fill.revalidating = cache::hasValidator(obj);
  } else {
    fill.variant_miss = found.variant_miss;
    if (req_cc.only_if_cached) {
      cache::CacheOutcome co;
      co.phase = CachePhase::kMiss;
      co_return co_await answerSimple(head, 504, "not cached", co);
    }
  }

  // Request collapsing: one origin fetch per key; the others wait for it (bounded), then look
  // again. What the leader could not store (private, Set-Cookie, another Vary variant) is
  // never handed to them: they miss again and fetch on their own.
  bool leader = false;
  FlightPtr flight = store.joinFlight(key_.text, leader);
  if (leader) {
    FlightGuard guard{store, key_.text, flight};
    co_return co_await fetchThroughCache(head, conf, fill);
  }
  store.collapsed.inc();
  auto timer = std::make_shared<asio::steady_timer>(ctx_.ioc);
  timer->expires_after(store.options().collapse_timeout);
  asio::any_io_executor ex = ctx_.ioc.get_executor();
  bool woken = true;
  if (flight->addWaiter([ex, timer] { asio::post(ex, [timer] { timer->cancel(); }); })) {
    auto [ec] = co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
    woken = ec == asio::error::operation_aborted;
  }
  if (!woken) store.collapse_timeouts.inc();
  if (woken) {
    cache::LookupResult again = co_await store.lookup(key_.id, key_.text, fields);
    if (again) {
      const cache::CachedObject& obj = *again.object;
      cache::ReuseDecision d =
          cache::decideReuse(obj.policy, obj.times, again.invalidated_at, req_cc, unixNow());
      if (d.action == cache::Reuse::kFresh) {
        cache::CacheOutcome co;
        co.phase = CachePhase::kHit;
        co.ttl = d.ttl;
        co_return co_await serveStored(head, obj, co, d.age);
      }
    }
  }
  co_return co_await fetchThroughCache(head, conf, fill);
}

asio::awaitable<RequestOutcome> ClientConnection::fetchThroughCache(const RequestHead& head,
                                                                    const model::DomainConf& conf,
                                                                    CacheFill& fill) {
  fill.max_body = ctx_.cache->maxObjectBytes();
  fill.request_time = unixNow();
  extra_origin_fields_.clear();
  // A client's conditional GET on a miss: ask for the whole response, store it, and answer the
  // conditional from it, so the next client finds it cached (nginx and Varnish do the same).
  // A Range stays with the origin: one seek into a large uncached object must not pull all of
  // it (domains with slice.enable serve ranges from cached blocks).
  fill.own_conditionals_stripped = !fill.revalidating && !fill.head_request &&
                                   head.field("range").empty() && hasOwnConditional(head);
  strip_conditionals_ = fill.revalidating || fill.own_conditionals_stripped;
  if (fill.revalidating) {
    cache::ConditionalFields cf = cache::conditionalFields(*fill.stale);
    if (!cf.if_none_match.empty()) {
      extra_origin_fields_ += "If-None-Match: " + cf.if_none_match + "\r\n";
    }
    if (!cf.if_modified_since.empty()) {
      extra_origin_fields_ += "If-Modified-Since: " + cf.if_modified_since + "\r\n";
    }
  }
  fill_ = &fill;
  RequestOutcome o = co_await proxy(head, conf);
  fill_ = nullptr;
  strip_conditionals_ = false;
  extra_origin_fields_.clear();

  if (fill.result == CacheFill::Result::kRetryUnconditional) {
    // RFC 9111 §4.3.4: a 304 that does not select the stored response; fetch it anew.
    fill.result = CacheFill::Result::kStreamed;
    fill.revalidating = false;
    head_consumed_ = false;
    begin_ -= head.head_bytes;
    extra_fields_.clear();
    fill_ = &fill;
    o = co_await proxy(head, conf);
    fill_ = nullptr;
  }
  switch (fill.result) {
    case CacheFill::Result::kServeObject: {
      cache::CacheOutcome co;
      co.phase = CachePhase::kRevalidated;
      co.forward_status = 304;
      int64_t now = unixNow();
      cache::ReuseDecision d =
          cache::decideReuse(fill.serve->policy, fill.serve->times, 0, cache::CacheControl{}, now);
      co.ttl = d.ttl;
      RequestOutcome served = co_await serveStored(head, *fill.serve, co, d.age);
      served.origin = o.origin;
      served.upstream_seconds = o.upstream_seconds;
      co_return served;
    }
    case CacheFill::Result::kServeStale: {
      cache::CacheOutcome co;
      co.phase = CachePhase::kStale;
      co.forward_status = o.status;
      int64_t now = unixNow();
      cache::ReuseDecision d = cache::decideReuse(fill.serve->policy, fill.serve->times,
                                                  fill.invalidated_at, cache::CacheControl{}, now);
      co.ttl = d.ttl;
      RequestOutcome served = co_await serveStored(head, *fill.serve, co, d.age);
      served.origin = o.origin;
      co_return served;
    }
    default:
      break;
  }
  o.cache_phase = fill.outcome.phase;
  if (fill.hold) {
    cache::CacheOutcome co = fill.outcome;
    if (!fill.complete) {
      // Nothing went to the client yet: a clean 502 instead of a cut body.
      ctx_.metrics.shared().upstream_errors.inc();
      RequestOutcome failed = co_await answerSimple(head, 502, "bad origin response", co);
      failed.origin = o.origin;
      co_return failed;
    }
    cache::CachedObjectSharedPtr obj = storeCaptured(fill);
    cache::ReuseDecision d =
        cache::decideReuse(obj->policy, obj->times, 0, cache::CacheControl{}, unixNow());
    co.ttl = d.ttl;
    RequestOutcome served = co_await serveStored(head, *obj, co, d.age);
    served.cache_phase = co.phase;
    served.origin = o.origin;
    served.upstream_seconds = o.upstream_seconds;
    co_return served;
  }
  co_return o;  // a complete capture was stored by relayResponseBody before its last write
}

bool ClientConnection::staleOnError() {
  CacheFill& fill = *fill_;
  if (!fill.stale) return false;
  if (!cache::canServeStaleOnError(fill.stale->policy, fill.stale->times, fill.invalidated_at,
                                   fill.request_cc, unixNow())) {
    return false;
  }
  fill.result = CacheFill::Result::kServeStale;
  fill.serve = fill.stale;
  return true;
}

bool ClientConnection::cacheOriginHead(const ResponseHead& rh) {
  CacheFill& fill = *fill_;
  int64_t now = unixNow();
  cache::HeaderSpan rfields(rh.fields.data(), rh.fields.size());
  if (fill.invalidate_only) {
    fill.invalidate = cache::invalidatedPaths(fill.owned_method, rh.status, fill.conf->domain,
                                              fill.owned_target, rfields);
    return false;
  }
  if (fill.revalidating && rh.status == 304) {
    cache::RevalidationTimes t;
    t.request_time = fill.request_time;
    t.response_time = now;
    t.rule_ttl = fill.rule_ttl;
    t.default_ttl = fill.conf->cache.default_ttl;
    auto merged = cache::mergeNotModified(*fill.stale, rfields, t);
    if (!merged) {
      fill.result = CacheFill::Result::kRetryUnconditional;
      return true;
    }
    ctx_.cache->insert(merged);
    fill.serve = std::move(merged);
    fill.result = CacheFill::Result::kServeObject;
    return true;
  }
  if (fill.stale && rh.status >= 500 && staleOnError()) return true;

  cache::CacheOutcome& co = fill.outcome;
  co.phase = fill.stale ? CachePhase::kExpired : CachePhase::kMiss;
  co.forward_status = rh.status;
  co.variant_miss = fill.variant_miss;
  cache::StorabilityInput in;
  in.method = "GET";
  if (fill.head_request) in.method = "HEAD";
  in.status = rh.status;
  in.request_fields = fill.request_fields;
  in.response_fields = rfields;
  in.request_cc = &fill.request_cc;
  co.reason = cache::checkStorable(in);
  if (co.reason == NoCacheReason::kNone && rh.framing == BodyFraming::kContentLength &&
      rh.content_length > fill.max_body) {
    co.reason = NoCacheReason::kTooLarge;
  }
  if (co.reason == NoCacheReason::kNone) {
    fill.capture = true;
    co.stored = true;
    fill.status = rh.status;
    fill.reason.assign(rh.reason);
    fill.fields.clear();
    fill.fields.reserve(rh.fields.size());
    for (const auto& f : rh.fields)
      fill.fields.push_back({std::string(f.name), std::string(f.value)});
    fill.response_time = now;
    if (rh.framing == BodyFraming::kContentLength) fill.body.reserve(rh.content_length);
    fill.hold = fill.own_conditionals_stripped && rh.framing == BodyFraming::kContentLength;
  } else if (fill.stale && !fill.head_request && co.reason != NoCacheReason::kTooLarge) {
    // The origin no longer lets this be stored: drop the old copy.
    ctx_.cache->purge({fill.conf->domain, cache::PurgeScope::kExactPath, fill.stale->path, false},
                      now);
  }
  cache::appendCacheFields(extra_fields_, std::nullopt, co);
  return false;
}

cache::CachedObjectSharedPtr ClientConnection::storeCaptured(CacheFill& fill) {
  std::vector<cache::HeaderField> views;
  views.reserve(fill.fields.size());
  for (const auto& f : fill.fields) views.push_back({f.name, f.value});
  cache::ObjectInput in;
  in.key = key_;
  in.vary = cache::parseVary(views);
  in.variant = cache::secondaryKey(in.vary.names, fill.request_fields);
  in.domain = fill.conf->domain;
  std::string path = cache::canonicalTarget(fill.target, fill.conf->cache.query_string);
  in.path = path;
  in.status = fill.status;
  in.reason = fill.reason;
  in.response_fields = views;
  in.body = cache::Body::make(std::move(fill.body));
  in.request_time = fill.request_time;
  in.response_time = fill.response_time;
  in.rule_ttl = fill.rule_ttl;
  in.default_ttl = fill.conf->cache.default_ttl;
  cache::CachedObjectSharedPtr obj = cache::buildCachedObject(std::move(in));
  ctx_.cache->insert(obj);
  return obj;
}

}  // namespace cirrus::edge
