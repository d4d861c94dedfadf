// Slicing (spec §5 slice): for a domain with slice.enable, a GET is answered from aligned
// blocks of slice.size bytes, each cached under its own key (SliceBlock) and fetched from the
// origin with a Range when missing. Any single client Range (and the full response) is cut
// from the blocks: 206 / 416 / Content-Range / If-Range as for a stored object. Blocks are
// stitched only while they are one representation (sameRepresentation: equal length and strong
// ETag, else equal Last-Modified); when a block disagrees with the first, the origin object
// changed between fetches and every block of the answer is fetched again.
#include <array>
#include <ctime>

#include <boost/asio/buffer.hpp>

#include "cache/freshness.h"
#include "cache/range.h"
#include "edge/client_connection.h"
#include "edge/edge_cache.h"
#include "edge/origin_fetch.h"
#include "edge/worker.h"

namespace cirrus::edge {

namespace asio = boost::asio;
using cache::CachePhase;

namespace {

// Blocks fetched and checked before the head goes out; beyond this many, blocks are fetched
// while streaming and a representation change can only close the connection.
constexpr int64_t kPrefetchBlocks = 16;

int64_t unixNow() {
  return static_cast<int64_t>(std::time(nullptr));
}

}  // namespace

asio::awaitable<SliceBlockResult> ClientConnection::sliceBlock(const RequestHead& head,
                                                               const model::DomainConf& conf,
                                                               std::string_view target,
                                                               int64_t index, bool force,
                                                               std::optional<int64_t> rule_ttl) {
  SliceBlockResult out;
  EdgeCache& store = *ctx_.cache;
  int64_t size = conf.cache.slice.size;
  cache::HeaderSpan fields(head.fields.data(), head.fields.size());
  cache::PrimaryKey key =
      cache::makePrimaryKey(transport_->isTls() ? "https" : "http", host_key_, target,
                            conf.cache.query_string, cache::SliceBlock{size, index});
  if (!force) {
    cache::LookupResult r = co_await store.lookup(key.id, key.text, fields);
    if (r) {
      cache::ReuseDecision d = cache::decideReuse(
          r.object->policy, r.object->times, r.invalidated_at, cache::CacheControl{}, unixNow());
      if (d.action == cache::Reuse::kFresh) {
        out.obj = r.object;
        out.from_cache = true;
        co_return out;
      }
    }
  }
  strip_conditionals_ = true;
  extra_origin_fields_ = "Range: " + cache::blockRangeHeader(index, size) + "\r\n";
  buildOriginHead(head, conf);
  strip_conditionals_ = false;
  extra_origin_fields_.clear();
  std::string origin_head = origin_head_;
  int64_t request_time = unixNow();
  size_t max_body = std::max(static_cast<size_t>(size), store.maxObjectBytes());
  auto fetched = co_await fetchBuffered(ctx_, conf.origins, origin_head, max_body);
  if (!fetched) {
    out.error = isTimeout(fetched.error()) ? 504 : 502;
    co_return out;
  }
  if (fetched->too_large) {
    out.too_large = true;
    co_return out;
  }
  auto views = fetched->views();
  cache::HeaderSpan rfields(views);
  std::optional<int64_t> complete;
  auto kind = cache::classifyBlockResponse(fetched->status,
                                           cache::findField(rfields, "Content-Range"), index, size,
                                           static_cast<int64_t>(fetched->body.size()), complete);
  if (kind == cache::BlockFetch::kMismatch) {
    out.error = fetched->status == 416 ? 416 : 502;
    co_return out;
  }
  std::string path = cache::canonicalTarget(target, conf.cache.query_string);
  cache::ObjectInput in;
  in.key = kind == cache::BlockFetch::kBlock ? key : cache::PrimaryKey{};
  in.vary = cache::parseVary(rfields);
  in.variant = cache::secondaryKey(in.vary.names, fields);
  in.domain = conf.domain;
  in.path = path;
  in.status = fetched->status;
  in.reason = fetched->reason;
  in.response_fields = rfields;
  in.body = cache::Body::make(std::move(fetched->body));
  in.request_time = request_time;
  in.response_time = unixNow();
  in.rule_ttl = rule_ttl;
  in.default_ttl = conf.cache.default_ttl;
  cache::StorabilityInput si;
  si.method = "GET";
  si.status = fetched->status;
  si.request_fields = fields;
  si.response_fields = rfields;
  si.allow_partial = true;
  bool storable = cache::checkStorable(si) == cache::NoCacheReason::kNone;
  out.obj = cache::buildCachedObject(std::move(in));
  // A 200: the origin ignores ranges; it is served whole and not sliced.
  out.whole = kind == cache::BlockFetch::kWhole;
  if (!out.whole && storable) store.insert(out.obj);
  co_return out;
}

asio::awaitable<RequestOutcome> ClientConnection::slicePath(const RequestHead& head,
                                                            const model::DomainConf& conf,
                                                            std::string_view target,
                                                            std::optional<int64_t> rule_ttl) {
  int64_t size = conf.cache.slice.size;
  cache::RangeRequest rr = cache::parseRange(head.field("range"));
  if (rr.kind != cache::RangeKind::kSingle) rr = cache::RangeRequest{};
  int64_t base_index = rr.first ? *rr.first / size : 0;
  bool all_cached = true;
  cache::CacheOutcome co;
  auto fail = [&](unsigned status) -> asio::awaitable<RequestOutcome> {
    co.phase = CachePhase::kMiss;
    if (status == 502) ctx_.metrics.shared().upstream_errors.inc();
    if (status == 504) ctx_.metrics.shared().upstream_timeouts.inc();
    co_return co_await answerSimple(head, status,
                                    status == 504 ? "origin timeout" : "bad origin response", co);
  };

  for (int attempt = 0; attempt < 2; ++attempt) {
    bool force = attempt > 0;
    SliceBlockResult base = co_await sliceBlock(head, conf, target, base_index, force, rule_ttl);
    if (base.error == 416 && base_index > 0) {
      // The range starts past the end: block 0 tells the length, and the answer is a 416.
      base = co_await sliceBlock(head, conf, target, 0, force, rule_ttl);
    }
    if (base.error != 0) co_return co_await fail(base.error == 416 ? 502 : base.error);
    if (base.too_large) {
      // The origin ignores ranges and the object is larger than a block can be: stream it
      // through the uncached path (RFC 9110 §14.2 lets the client's Range go unanswered).
      co.phase = CachePhase::kMiss;
      co.reason = cache::NoCacheReason::kTooLarge;
      cache::appendCacheFields(extra_fields_, std::nullopt, co);
      RequestOutcome o = co_await proxy(head, conf);
      o.cache_phase = CachePhase::kMiss;
      co_return o;
    }
    all_cached = all_cached && base.from_cache;
    co.phase = all_cached ? CachePhase::kHit : CachePhase::kMiss;
    if (base.whole) {
      co.reason = cache::NoCacheReason::kPartialContent;
      co_return co_await serveStored(head, *base.obj, co, 0);
    }
    if (!base.obj->complete_length) co_return co_await fail(502);
    int64_t complete = *base.obj->complete_length;
    bool if_range_ok = cache::ifRangeAllows(head.field("if-range"), base.obj->etag,
                                            base.obj->last_modified, base.obj->times.date);
    cache::RangePlan plan = cache::planRange(rr, complete, if_range_ok);
    if (plan.answer == cache::RangeAnswer::kNotSatisfiable || complete == 0) {
      cache_head_ = cache::rangeResponseHead(*base.obj, plan, complete);
      // 416, or an empty representation: no body either way.
      std::vector<cache::CachedObjectSharedPtr> none;
      unsigned status = plan.answer == cache::RangeAnswer::kNotSatisfiable ? 416 : 200;
      co_return co_await writeSliced(head, co, std::move(none), 0, -1, status);
    }
    int64_t first = plan.answer == cache::RangeAnswer::kPartial ? plan.first : 0;
    int64_t last = plan.answer == cache::RangeAnswer::kPartial ? plan.last : complete - 1;
    cache::BlockSpan span = cache::blocksCovering(first, last, size);
    std::vector<cache::CachedObjectSharedPtr> blocks;
    bool changed = false;
    int64_t prefetch_end = std::min(span.last_index, span.first_index + kPrefetchBlocks - 1);
    for (int64_t i = span.first_index; i <= prefetch_end && !changed; ++i) {
      if (i == base_index) {
        blocks.push_back(base.obj);
        continue;
      }
      SliceBlockResult b = co_await sliceBlock(head, conf, target, i, force, rule_ttl);
      if (b.error != 0 || b.whole || b.too_large) {
        co_return co_await fail(b.error != 0 ? b.error : 502);
      }
      all_cached = all_cached && b.from_cache;
      if (!cache::sameRepresentation(*b.obj, *base.obj)) {
        changed = true;
        break;
      }
      blocks.push_back(b.obj);
    }
    if (changed) continue;  // the origin object changed between blocks: fetch all again
    co.phase = all_cached ? CachePhase::kHit : CachePhase::kMiss;
    cache_head_ = cache::rangeResponseHead(*base.obj, plan, complete);
    co_return co_await writeSliced(head, co, std::move(blocks), first, last,
                                   plan.answer == cache::RangeAnswer::kPartial ? 206 : 200, &conf,
                                   target, rule_ttl, base.obj);
  }
  co_return co_await fail(502);
}

asio::awaitable<RequestOutcome> ClientConnection::writeSliced(
    const RequestHead& head, const cache::CacheOutcome& co,
    std::vector<cache::CachedObjectSharedPtr> blocks, int64_t first, int64_t last, unsigned status,
    const model::DomainConf* conf, std::string_view target, std::optional<int64_t> rule_ttl,
    cache::CachedObjectSharedPtr base) {
  consumeHead(head);
  RequestOutcome o = cacheAnswerOutcome(head, co, status);
  buildCacheSuffix(head, std::nullopt, co, o.close);
  std::array<asio::const_buffer, 2> hb{asio::buffer(cache_head_), asio::buffer(cache_suffix_)};
  if (!co_await writeClient(hb)) {
    o.close = true;
    co_return o;
  }
  if (last < first || head.method == "HEAD") co_return o;
  int64_t size = conf->cache.slice.size;
  cache::BlockSpan span = cache::blocksCovering(first, last, size);
  for (int64_t i = span.first_index; i <= span.last_index; ++i) {
    auto pos = static_cast<size_t>(i - span.first_index);
    cache::CachedObjectSharedPtr block;
    if (pos < blocks.size()) {
      block = blocks[pos];
    } else {
      SliceBlockResult b = co_await sliceBlock(head, *conf, target, i, false, rule_ttl);
      if (b.error != 0 || b.whole || b.too_large || !cache::sameRepresentation(*b.obj, *base)) {
        o.close = true;  // the head is out: closing is the only signal left
        co_return o;
      }
      block = b.obj;
    }
    cache::BlockPiece piece = cache::pieceOfBlock(i, size, first, last);
    std::string_view body = block->body->view();
    if (piece.offset + piece.length > static_cast<int64_t>(body.size())) {
      o.close = true;
      co_return o;
    }
    transport_->setDeadline(ctx_.options.send_timeout);
    FileBytes bytes{
        body.substr(static_cast<size_t>(piece.offset), static_cast<size_t>(piece.length)),
        block->body->fd(), piece.offset};
    bool failed = static_cast<bool>(co_await transport_->writeAllThenBody({}, bytes));
    transport_->clearDeadline();  // the next block may come from the origin
    if (failed) {
      o.close = true;
      co_return o;
    }
    o.body_bytes += static_cast<uint64_t>(piece.length);
  }
  co_return o;
}

}  // namespace cirrus::edge
