// One client connection of the edge: reads request heads with the strict parser, answers
// rejections itself (…OrReject), routes by Host through the config snapshot and hands each
// request to the proxy path (proxy.cc), strictly one at a time so pipelined requests are
// answered in order. Bodies are streamed through a fixed per-connection buffer.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "cache/cache_control.h"
#include "cache/cache_key.h"
#include "cache/cache_rules.h"
#include "cache/cache_status.h"
#include "cache/cache_store.h"
#include "cache/cached_object.h"
#include "edge/chunked_decoder.h"
#include "edge/drain_target.h"
#include "edge/origin_pool.h"
#include "edge/request_parser.h"
#include "edge/response_head_parser.h"
#include "edge/transport.h"
#include "model/domain_conf.h"

namespace cirrus::edge {

struct WorkerContext;

/// Where a response came from: the edge itself, the origin (streamed), or a stored object.
enum class ResponseSource { kEdge, kOrigin, kCache };

/// What the access log and metrics learn about one request.
struct RequestOutcome {
  unsigned status = 0;
  uint64_t body_bytes = 0;
  ResponseSource source = ResponseSource::kEdge;
  std::string origin;  // "host:port" of the origin that answered
  double upstream_seconds = -1;
  bool close = false;  // the connection must close after this request
  // Set when the request went through the cache path (Cache-Status, X-Cache, the access
  // log's cache field and nginx_cache_status_total).
  std::optional<cache::CachePhase> cache_phase;
};

/// The cache's part in one origin exchange of the cache path (cache_path.cc): what the hook in
/// exchange() needs to decide storability, and what it found.
struct CacheFill {
  enum class Result {
    kStreamed,            // the origin's answer went to the client (maybe captured)
    kServeObject,         // a 304 revalidated `serve`: the caller sends it
    kServeStale,          // the origin failed and stale-if-error allows `serve`
    kRetryUnconditional,  // the 304 did not match the stored object: fetch again
  };
  const model::DomainConf* conf = nullptr;
  cache::HeaderSpan request_fields;
  cache::CacheControl request_cc;
  std::optional<int64_t> rule_ttl;
  cache::CachedObjectSharedPtr stale;  // the stored object being revalidated, if any
  int64_t invalidated_at = 0;
  bool revalidating = false;  // the request carries the stored object's validators
  bool variant_miss = false;
  bool head_request = false;
  std::string_view target;  // origin-form, a view into the request head
  int64_t request_time = 0;

  // Unsafe methods (RFC 9111 §4.4): only collect what the answer invalidates.
  bool invalidate_only = false;
  std::string owned_method;
  std::string owned_target;
  std::vector<std::string> invalidate;

  Result result = Result::kStreamed;
  cache::CachedObjectSharedPtr serve;
  cache::CacheOutcome outcome;
  // The client's own conditionals (If-None-Match, If-Modified-Since, If-Match,
  // If-Unmodified-Since) were left out of the origin request so the full response can be
  // stored; a storable answer with a Content-Length is then held (not streamed) and the client
  // is answered from the stored object: 304 / 412 / 200 (RFC 9111 §4.3.2).
  bool own_conditionals_stripped = false;
  bool hold = false;
  // Capture of a storable response while it streams to the client.
  bool capture = false;
  bool complete = false;
  size_t max_body = 0;
  std::string body;
  unsigned status = 0;
  std::string reason;
  std::vector<cache::OwnedField> fields;
  int64_t response_time = 0;
};

/// One slice block as the slice path obtained it (slice_path.cc).
struct SliceBlockResult {
  cache::CachedObjectSharedPtr obj;
  bool whole = false;       // the origin answered 200 to the block's Range: serve it whole
  bool from_cache = false;  // found fresh in the cache
  unsigned error = 0;       // 502 / 504 / 416 from the origin
  bool too_large = false;   // a whole (200) answer too large to hold: proxy it instead
};

/// What tryHit() learned, handed to cachePath() when the request was not a plain memory hit.
struct CacheStart {
  cache::CacheControl req_cc;
  cache::RequestPlan plan;
  std::string_view target;  // origin-form
  bool looked_up = false;   // the key is built and the memory tier was asked
  cache::LookupResult found;
};

/// A prepared answer from a stored object: its head (or a 304/206/416 head), the body slice;
/// `keep` holds the object until the write completes.
struct HitAnswer {
  std::string_view head;
  std::string_view body;
  int body_fd = -1;  // the stored body's descriptor (cache::Body::fd()); body is at body_offset
  int64_t body_offset = 0;
  cache::CachedObjectSharedPtr keep;
};

class ClientConnection final : public DrainTarget {
 public:
  /// `h2_stream`: the transport is one HTTP/2 stream (http2_connection.cc), which the session
  /// already counts as a client connection.
  ClientConnection(WorkerContext& ctx, TransportPtr transport,
                   boost::asio::ip::tcp::endpoint remote, bool h2_stream = false);
  ~ClientConnection();

  /// Serves requests until the peer closes, an error, or a drain. Never throws. On a plain
  /// listener with h2c enabled, a connection opening with the HTTP/2 preface is handed to an
  /// Http2Connection.
  boost::asio::awaitable<void> run();
  /// Drain: closes the connection now if it is between requests.
  void closeIfIdle() override;
  /// Drain deadline passed: closes the connection whatever it is doing.
  void abort() override {
    closed_ = true;
    if (transport_) transport_->close();
  }

 private:
  using Clock = std::chrono::steady_clock;

  // client_connection.cc
  /// Reads until the buffer holds the h2c preface (true) or bytes that cannot start it.
  boost::asio::awaitable<bool> readH2cPreface();
  boost::asio::awaitable<bool> readHead(RequestHead& head);
  boost::asio::awaitable<void> rejectOrClose(unsigned status, std::string_view reason);
  boost::asio::awaitable<bool> writeSimple(unsigned status, std::string_view body, bool close);
  /// host: the metric label (a configured domain or "").
  void logRequest(std::string_view host, const RequestOutcome& o, Clock::time_point started);
  std::string_view buffered() const { return {buf_.get() + begin_, end_ - begin_}; }
  void compact();
  /// Reads more client bytes into the buffer (deadline: client_body_timeout).
  boost::asio::awaitable<bool> readMore();

  // cache_path.cc: the cache in front of the origin phase (spec §11, RFC 9111).
  /// The synchronous part of the hit path: plan, key, memory lookup, reuse decision and the
  /// answer's buffers. True: `answer` is ready to write (writeHit). False: cachePath() takes
  /// over with what `start` holds.
  bool tryHit(const RequestHead& head, const model::DomainConf& conf, CacheStart& start,
              RequestOutcome& o, HitAnswer& answer);
  /// The outcome of an answer the cache path writes itself (hit, slice, 412, 504).
  RequestOutcome cacheAnswerOutcome(const RequestHead& head, const cache::CacheOutcome& co,
                                    unsigned status) const;
  /// cache_suffix_ = Via, Age (when given), Cache-Status, X-Cache, Connection, the blank line:
  /// what follows a stored or assembled head.
  void buildCacheSuffix(const RequestHead& head, std::optional<int64_t> age,
                        const cache::CacheOutcome& co, bool close);
  bool prepareStored(const RequestHead& head, const cache::CachedObject& obj,
                     const cache::CacheOutcome& co, int64_t age, RequestOutcome& o,
                     HitAnswer& answer);
  boost::asio::awaitable<bool> writeHit(const HitAnswer& answer);
  boost::asio::awaitable<RequestOutcome> cachePath(const RequestHead& head,
                                                   const model::DomainConf& conf,
                                                   CacheStart& start);
  boost::asio::awaitable<RequestOutcome> fetchThroughCache(const RequestHead& head,
                                                           const model::DomainConf& conf,
                                                           CacheFill& fill);
  boost::asio::awaitable<RequestOutcome> serveStored(const RequestHead& head,
                                                     const cache::CachedObject& obj,
                                                     const cache::CacheOutcome& co, int64_t age);
  boost::asio::awaitable<RequestOutcome> answerSimple(const RequestHead& head, unsigned status,
                                                      std::string_view body,
                                                      const cache::CacheOutcome& co);
  // slice_path.cc
  boost::asio::awaitable<RequestOutcome> slicePath(const RequestHead& head,
                                                   const model::DomainConf& conf,
                                                   std::string_view target,
                                                   std::optional<int64_t> rule_ttl);
  boost::asio::awaitable<SliceBlockResult> sliceBlock(const RequestHead& head,
                                                      const model::DomainConf& conf,
                                                      std::string_view target, int64_t index,
                                                      bool force, std::optional<int64_t> rule_ttl);
  boost::asio::awaitable<RequestOutcome> writeSliced(
      const RequestHead& head, const cache::CacheOutcome& co,
      std::vector<cache::CachedObjectSharedPtr> blocks, int64_t first, int64_t last,
      unsigned status, const model::DomainConf* conf = nullptr, std::string_view target = {},
      std::optional<int64_t> rule_ttl = std::nullopt, cache::CachedObjectSharedPtr base = nullptr);
  /// Called by exchange() once the origin's final response head is parsed. True: the cache
  /// path takes over (a 304 merged, or stale-if-error); nothing was sent to the client.
  bool cacheOriginHead(const ResponseHead& rh);
  cache::CachedObjectSharedPtr storeCaptured(CacheFill& fill);
  /// The origin failed: true (and fill_ set to serve the stale object) when RFC 5861
  /// stale-if-error allows it; the caller then writes nothing to the client.
  bool staleOnError();
  void startBackgroundRefresh(const model::DomainConf& conf, cache::CachedObjectSharedPtr stale,
                              int64_t invalidated_at, std::optional<int64_t> rule_ttl,
                              const RequestHead& head);
  void consumeHead(const RequestHead& head) {
    if (!head_consumed_) begin_ += head.head_bytes;
    head_consumed_ = true;
  }

  // proxy.cc: the origin phase of one routed request.
  boost::asio::awaitable<RequestOutcome> proxy(const RequestHead& head,
                                               const model::DomainConf& conf);
  enum class Exchange { kDone, kRetryFresh, kFailed };
  boost::asio::awaitable<Exchange> exchange(OriginConnection& conn, const RequestHead& head,
                                            RequestOutcome& outcome);
  boost::asio::awaitable<bool> sendRequestBody(Transport& origin, const RequestHead& head,
                                               RequestOutcome& outcome);
  boost::asio::awaitable<bool> relayResponseBody(Transport& origin, const RequestHead& head,
                                                 const ResponseHead& rh, size_t origin_begin,
                                                 size_t origin_end, bool chunk_to_client,
                                                 RequestOutcome& outcome);
  boost::asio::awaitable<void> failExchange(RequestOutcome& outcome, unsigned status,
                                            std::string_view body, bool close);
  boost::asio::awaitable<bool> failBody(RequestOutcome& outcome, unsigned status,
                                        std::string_view body);
  /// {ok, eof}; refills the origin buffer from its start.
  boost::asio::awaitable<std::pair<bool, bool>> readOrigin(Transport& origin, size_t& ob,
                                                           size_t& oe);
  void buildOriginHead(const RequestHead& head, const model::DomainConf& conf);
  void buildClientHead(const RequestHead& head, const ResponseHead& rh, bool chunk_to_client,
                       bool close);
  boost::asio::awaitable<bool> writeClient(std::span<const boost::asio::const_buffer> b);

  WorkerContext& ctx_;
  TransportPtr transport_;
  boost::asio::ip::tcp::endpoint remote_;
  std::string remote_text_;
  RequestParser parser_;
  std::unique_ptr<char[]> buf_;
  size_t cap_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool idle_ = true;
  bool closed_ = false;
  bool h2_stream_ = false;
  uint64_t served_ = 0;     // requests read on this connection
  std::string host_key_;    // normalised Host of the current request
  std::string req_method_;  // copies for the access log
  std::string req_path_;
  std::string origin_head_;     // serialised origin request head (reused)
  std::string client_head_;     // serialised response head (reused)
  bool head_consumed_ = false;  // begin_ already moved past the current request's head
  // Cache path state (only touched for cache-enabled domains).
  std::string extra_fields_;         // fields the cache adds to a streamed response head
  std::string extra_origin_fields_;  // conditional fields of a revalidation
  bool strip_conditionals_ = false;  // drop the client's own conditionals from the origin head
  CacheFill* fill_ = nullptr;
  cache::PrimaryKey key_;
  std::string cache_suffix_;
  std::string cache_head_;
  std::unique_ptr<char[]> origin_buf_;
};

}  // namespace cirrus::edge
