// The origin phase of ClientConnection (see client_connection.h): origin choice (smooth WRR
// with failover on connect failure), header rules of spec §5 and RFC 9110 §7.6, streaming of
// request and response bodies through fixed buffers (a write completes before the next read,
// which is the backpressure), and the 502/504 answers.
#include <array>
#include <charconv>
#include <cstring>

#include <fmt/format.h>
#include <boost/asio/buffer.hpp>

#include "core/log.h"
#include "edge/client_connection.h"
#include "edge/worker.h"

namespace cirrus::edge {

namespace asio = boost::asio;
using syntax::iequals;
using syntax::isHopByHop;
using syntax::listedIn;

namespace {

// The client's own validators and ranges (RFC 9110 §13.1, §14.2): dropped when the edge
// revalidates its stored response with its own validators.
bool isConditional(std::string_view name) {
  return iequals(name, "if-none-match") || iequals(name, "if-modified-since") ||
         iequals(name, "if-match") || iequals(name, "if-unmodified-since") ||
         iequals(name, "if-range") || iequals(name, "range");
}

void appendField(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

std::string_view originForm(std::string_view target) {
  if (target.starts_with("http://") || target.starts_with("https://")) {
    size_t slash = target.find_first_of("/?", target.find("//") + 2);
    if (slash == std::string_view::npos) return "/";
    return target.substr(slash);  // "?q" without a path is fixed below by the caller
  }
  return target;
}

// "1a2b\r\n" for a chunk of n bytes.
struct ChunkHeader {
  std::array<char, 20> text;
  size_t size = 0;
  ChunkHeader() : text{} {}
  explicit ChunkHeader(size_t n) {
    auto r = std::to_chars(text.data(), text.data() + 16, n, 16);
    r.ptr[0] = '\r';
    r.ptr[1] = '\n';
    size = static_cast<size_t>(r.ptr - text.data()) + 2;
  }
  asio::const_buffer buffer() const { return asio::buffer(text.data(), size); }
};

constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kLastChunk = "0\r\n\r\n";
constexpr size_t kMaxPiecesPerWrite = 32;

// Collects re-chunked pieces for one writev.
struct ChunkBatch {
  std::array<ChunkHeader, kMaxPiecesPerWrite> headers;
  std::array<asio::const_buffer, kMaxPiecesPerWrite * 3 + 2> buffers;
  size_t count = 0;
  size_t pieces = 0;
  void clear() { count = pieces = 0; }
  bool full() const { return pieces == kMaxPiecesPerWrite; }
  void add(asio::const_buffer b) { buffers[count++] = b; }
  void addChunk(std::string_view data, bool chunked) {
    if (!chunked) {
      add(asio::buffer(data));
      ++pieces;
      return;
    }
    headers[pieces] = ChunkHeader(data.size());
    add(headers[pieces].buffer());
    add(asio::buffer(data));
    add(asio::buffer(kCrlf));
    ++pieces;
  }
  std::span<const asio::const_buffer> span() const { return {buffers.data(), count}; }
};

}  // namespace

void ClientConnection::buildOriginHead(const RequestHead& head, const model::DomainConf& conf) {
  std::string& out = origin_head_;
  out.clear();
  std::string_view path = originForm(head.target);
  out.append(head.method);
  out.push_back(' ');
  if (path.front() == '?') out.push_back('/');
  out.append(path);
  out.append(" HTTP/1.1\r\n");

  // Spec §5: Host is the customer domain unless upstream_headers has a Host entry.
  std::string_view host = conf.domain;
  for (const auto& [name, value] : conf.upstream_headers) {
    if (iequals(name, "host")) host = value;
  }
  appendField(out, "Host", host);

  std::string_view connection = head.field("connection");
  size_t xff_start = std::string::npos;
  size_t via_start = std::string::npos;
  for (const auto& f : head.fields) {
    std::string_view n = f.name;
    if (isHopByHop(n) || iequals(n, "host") || iequals(n, "content-length") ||
        iequals(n, "expect") || iequals(n, "x-forwarded-proto") || listedIn(connection, n)) {
      continue;
    }
    if (strip_conditionals_ && isConditional(n)) continue;
    if (iequals(n, "x-forwarded-for")) {
      // Several fields are one list (RFC 9110 §5.3): keep them, append ours to the last.
      if (xff_start == std::string::npos) xff_start = 0;
      continue;
    }
    if (iequals(n, "via")) {
      if (via_start == std::string::npos) via_start = 0;
      continue;
    }
    bool overridden = false;
    for (const auto& [name, value] : conf.upstream_headers) {
      if (iequals(name, n)) overridden = true;
    }
    if (!overridden) appendField(out, n, f.value);
  }
  // X-Forwarded-For: previous hops, then the client address.
  out.append("X-Forwarded-For: ");
  if (xff_start != std::string::npos) {
    for (const auto& f : head.fields) {
      if (iequals(f.name, "x-forwarded-for") && !f.value.empty()) {
        out.append(f.value);
        out.append(", ");
      }
    }
  }
  out.append(remote_text_);
  out.append(transport_->isTls() ? "\r\nX-Forwarded-Proto: https\r\n"
                                 : "\r\nX-Forwarded-Proto: http\r\n");
  // RFC 9110 §7.6.3: Via names the protocol version received from the client.
  out.append("Via: ");
  if (via_start != std::string::npos) {
    for (const auto& f : head.fields) {
      if (iequals(f.name, "via") && !f.value.empty()) {
        out.append(f.value);
        out.append(", ");
      }
    }
  }
  out.append(head.version_minor == 0 ? "1.0 cirrus\r\n" : "1.1 cirrus\r\n");
  for (const auto& [name, value] : conf.upstream_headers) {
    if (!iequals(name, "host")) appendField(out, name, value);
  }
  if (head.framing == BodyFraming::kContentLength) {
    fmt::format_to(std::back_inserter(out), "Content-Length: {}\r\n", head.content_length);
  } else if (head.framing == BodyFraming::kChunked) {
    out.append("Transfer-Encoding: chunked\r\n");
  } else if (head.method == "POST" || head.method == "PUT" || head.method == "PATCH") {
    out.append("Content-Length: 0\r\n");
  }
  out.append(extra_origin_fields_);
  out.append("\r\n");
}

void ClientConnection::buildClientHead(const RequestHead& head, const ResponseHead& rh,
                                       bool chunk_to_client, bool close) {
  std::string& out = client_head_;
  out.clear();
  fmt::format_to(std::back_inserter(out), "HTTP/1.1 {} ", rh.status);
  out.append(rh.reason);
  out.append("\r\n");
  std::string_view connection = rh.field("connection");
  bool had_via = false;
  for (const auto& f : rh.fields) {
    std::string_view n = f.name;
    if (isHopByHop(n) || listedIn(connection, n)) continue;
    // Purge tags are for the CDN (spec §6), never for clients: Fastly strips Surrogate-Key and
    // Cloudflare Cache-Tag the same way. Stored objects keep them only as tags.
    if (iequals(n, "surrogate-key") || iequals(n, "cache-tag")) continue;
    if (iequals(n, "content-length")) {
      // Kept only where it describes a body that is not sent (HEAD, 304).
      if (rh.framing != BodyFraming::kNone || rh.status == 204) continue;
    }
    if (iequals(n, "via")) {
      out.append("Via: ");
      out.append(f.value);
      out.append(rh.version_minor == 0 ? ", 1.0 cirrus\r\n" : ", 1.1 cirrus\r\n");
      had_via = true;
      continue;
    }
    appendField(out, n, f.value);
  }
  if (!had_via) out.append(rh.version_minor == 0 ? "Via: 1.0 cirrus\r\n" : "Via: 1.1 cirrus\r\n");
  if (rh.framing == BodyFraming::kContentLength) {
    fmt::format_to(std::back_inserter(out), "Content-Length: {}\r\n", rh.content_length);
  } else if (chunk_to_client) {
    out.append("Transfer-Encoding: chunked\r\n");
  }
  out.append(extra_fields_);
  if (close) {
    out.append("Connection: close\r\n");
  } else if (head.version_minor == 0) {
    out.append("Connection: keep-alive\r\n");
  }
  out.append("\r\n");
}

asio::awaitable<RequestOutcome> ClientConnection::proxy(const RequestHead& head,
                                                        const model::DomainConf& conf) {
  RequestOutcome outcome;
  outcome.source = ResponseSource::kOrigin;
  buildOriginHead(head, conf);
  consumeHead(head);  // the head's views are not used past this point (cache path: bodyless)
  RequestHead scalars = head;
  scalars.fields = {};

  thread_local std::vector<size_t> order;
  ctx_.selectorFor(conf).pickOrder(order);
  std::vector<size_t> tries(order);  // `order` may be reused by another coroutine meanwhile
  bool any_timeout = false;
  std::string last_error;
  for (size_t index : tries) {
    const model::Origin& origin = conf.origins[index];
    bool allow_reuse = true;
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto conn = co_await ctx_.pool.acquire(origin, allow_reuse);
      if (!conn) {
        if (isTimeout(conn.error())) any_timeout = true;
        last_error = conn.error().message();
        break;  // failover to the next origin (spec §5)
      }
      outcome.origin = fmt::format("{}:{}", origin.host, origin.port);
      Exchange r = co_await exchange(*conn, scalars, outcome);
      if (r == Exchange::kRetryFresh) {
        allow_reuse = false;  // the pooled connection had been closed by the origin
        continue;
      }
      co_return outcome;
    }
  }
  log::warn("no origin reachable", {{"domain", conf.domain}, {"error", last_error}});
  outcome.status = any_timeout ? 504 : 502;
  (any_timeout ? ctx_.metrics.shared().upstream_timeouts : ctx_.metrics.shared().upstream_errors)
      .inc();
  if (fill_ != nullptr && staleOnError()) co_return outcome;
  // The body was not read: close rather than parse it as the next request.
  outcome.close = scalars.framing != BodyFraming::kNone;
  std::string_view body = any_timeout ? "origin timeout" : "no origin reachable";
  outcome.body_bytes = body.size() + 1;
  if (!co_await writeSimple(outcome.status, body, outcome.close || ctx_.draining)) {
    outcome.close = true;
  }
  co_return outcome;
}

asio::awaitable<void> ClientConnection::failExchange(RequestOutcome& outcome, unsigned status,
                                                     std::string_view body, bool close) {
  auto& m = ctx_.metrics.shared();
  outcome.status = status;
  outcome.close = close;
  (status == 504 ? m.upstream_timeouts : m.upstream_errors).inc();
  if (fill_ != nullptr && staleOnError()) co_return;
  outcome.body_bytes = body.size() + 1;
  if (!co_await writeSimple(status, body, close || ctx_.draining)) outcome.close = true;
}

asio::awaitable<bool> ClientConnection::failBody(RequestOutcome& outcome, unsigned status,
                                                 std::string_view body) {
  outcome.status = status;
  outcome.close = true;
  if (status == 502) ctx_.metrics.shared().upstream_errors.inc();
  if (status == 504) ctx_.metrics.shared().upstream_timeouts.inc();
  if (status != 499) {  // 499: the client went away; nobody to answer
    outcome.body_bytes = body.size() + 1;
    co_await writeSimple(status, body, true);
  }
  co_return false;
}

asio::awaitable<std::pair<bool, bool>> ClientConnection::readOrigin(Transport& origin, size_t& ob,
                                                                    size_t& oe) {
  origin.setDeadline(ctx_.options.origin_read_timeout);
  auto [ec, n] =
      co_await origin.readSome(asio::buffer(origin_buf_.get(), ctx_.options.buffer_size));
  // The timeout is for this read only: the client write that follows may take longer (a slow
  // client, an HTTP/2 window) without the origin connection expiring meanwhile.
  origin.clearDeadline();
  ob = 0;
  oe = n;
  if (ec == asio::error::eof || (!ec && n == 0)) co_return std::pair{true, true};
  if (ec) {
    if (origin.timedOut()) ctx_.metrics.shared().upstream_timeouts.inc();
    co_return std::pair{false, false};
  }
  co_return std::pair{true, false};
}

asio::awaitable<ClientConnection::Exchange> ClientConnection::exchange(OriginConnection& conn,
                                                                       const RequestHead& head,
                                                                       RequestOutcome& outcome) {
  Transport& origin = *conn.transport;
  auto& m = ctx_.metrics.shared();
  (void)m;
  bool has_body = head.framing != BodyFraming::kNone;
  auto sent_at = Clock::now();

  origin.setDeadline(ctx_.options.origin_read_timeout);
  std::array<asio::const_buffer, 1> head_buf{asio::buffer(origin_head_)};
  if (co_await origin.writeAll(head_buf)) {
    if (conn.reused) co_return Exchange::kRetryFresh;
    co_await failExchange(outcome, 502, "origin write failed", has_body);
    co_return Exchange::kFailed;
  }
  if (has_body) {
    if (head.expect_continue) {
      // RFC 9110 §10.1.1: the origin is reachable, so ask the client for its body now.
      static constexpr std::string_view k100 = "HTTP/1.1 100 Continue\r\n\r\n";
      std::array<asio::const_buffer, 1> b{asio::buffer(k100)};
      if (!co_await writeClient(b)) {
        outcome.status = 499;
        outcome.close = true;
        co_return Exchange::kFailed;
      }
    }
    if (!co_await sendRequestBody(origin, head, outcome)) co_return Exchange::kFailed;
  }

  // Response head; 1xx interim responses (100, 103) are skipped.
  ResponseHeadParser parser;
  ResponseHead rh;
  bool is_head = head.method == "HEAD";
  size_t ob = 0;
  size_t oe = 0;
  if (!origin_buf_) origin_buf_.reset(new char[ctx_.options.buffer_size]);
  char* obuf = origin_buf_.get();
  size_t ocap = ctx_.options.buffer_size;
  while (true) {
    if (oe > ob) {
      auto st = parser.parse(std::string_view(obuf + ob, oe - ob), is_head, rh);
      if (st == ResponseHeadParser::Status::kError) {
        log::warn("bad origin response",
                  {{"origin", outcome.origin}, {"error", toString(parser.error())}});
        co_await failExchange(outcome, 502, "bad origin response", has_body);
        co_return Exchange::kFailed;
      }
      if (st == ResponseHeadParser::Status::kComplete) {
        if (rh.status >= 200) break;
        if (rh.status == 101) {
          co_await failExchange(outcome, 502, "protocol upgrade not supported", true);
          co_return Exchange::kFailed;
        }
        ob += rh.head_bytes;
        parser.reset();
        continue;
      }
    }
    if (ob > 0) {
      std::memmove(obuf, obuf + ob, oe - ob);
      oe -= ob;
      ob = 0;
    }
    if (oe == ocap) {
      co_await failExchange(outcome, 502, "origin response head too large", has_body);
      co_return Exchange::kFailed;
    }
    origin.setDeadline(ctx_.options.origin_read_timeout);
    auto [ec, n] = co_await origin.readSome(asio::buffer(obuf + oe, ocap - oe));
    origin.clearDeadline();
    if (ec || n == 0) {
      if (origin.timedOut()) {
        co_await failExchange(outcome, 504, "origin timeout", has_body);
        co_return Exchange::kFailed;
      }
      if (oe == 0 && conn.reused && !has_body) co_return Exchange::kRetryFresh;
      co_await failExchange(outcome, 502, "origin closed the connection", has_body);
      co_return Exchange::kFailed;
    }
    oe += n;
  }
  auto upstream = Clock::now() - sent_at;
  outcome.upstream_seconds = std::chrono::duration<double>(upstream).count();
  m.upstream_response.observe(upstream);
  outcome.status = rh.status;
  if (rh.bodyPending(oe - ob - rh.head_bytes)) origin.quickAck();
  if (fill_ != nullptr && cacheOriginHead(rh)) {
    // A 304 or a stale-if-error answer: the cache path serves the stored object. A bodiless
    // 304 leaves the connection reusable; anything else is dropped with its unread body.
    if (rh.framing == BodyFraming::kNone && rh.keep_alive && oe == ob + rh.head_bytes) {
      ctx_.pool.release(std::move(conn));
    }
    co_return Exchange::kDone;
  }

  bool chunk_to_client = rh.framing == BodyFraming::kChunked ||
                         (rh.framing == BodyFraming::kUntilClose && head.version_minor == 1);
  if (head.version_minor == 0 && rh.framing == BodyFraming::kChunked) chunk_to_client = false;
  bool close = !head.keep_alive || ctx_.draining ||
               (!chunk_to_client &&
                (rh.framing == BodyFraming::kUntilClose || rh.framing == BodyFraming::kChunked));
  buildClientHead(head, rh, chunk_to_client, close);
  outcome.close = close;
  bool reusable = co_await relayResponseBody(origin, head, rh, ob + rh.head_bytes, oe,
                                             chunk_to_client, outcome);
  if (reusable && rh.keep_alive) ctx_.pool.release(std::move(conn));
  co_return Exchange::kDone;
}

asio::awaitable<bool> ClientConnection::sendRequestBody(Transport& origin, const RequestHead& head,
                                                        RequestOutcome& outcome) {
  if (head.framing == BodyFraming::kContentLength) {
    uint64_t remaining = head.content_length;
    while (true) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(remaining, end_ - begin_));
      if (n > 0) {
        std::array<asio::const_buffer, 1> b{asio::buffer(buf_.get() + begin_, n)};
        origin.setDeadline(ctx_.options.origin_read_timeout);
        if (co_await origin.writeAll(b)) {
          co_return co_await failBody(outcome, origin.timedOut() ? 504 : 502,
                                      "origin write failed");
        }
        origin.clearDeadline();  // the next client read has its own timeout
        begin_ += n;
        remaining -= n;
      }
      if (remaining == 0) co_return true;
      if (!co_await readMore()) co_return co_await failBody(outcome, 499, "");
    }
  }
  ChunkedDecoder decoder(ctx_.options.chunked_limits);
  ChunkBatch batch;
  while (true) {
    batch.clear();
    bool done = false;
    while (!batch.full()) {
      auto step = decoder.decode(buffered());
      begin_ += step.consumed;
      if (step.status == ChunkedDecoder::Status::kData) {
        batch.addChunk(step.data, true);
        continue;
      }
      if (step.status == ChunkedDecoder::Status::kError) {
        ctx_.metrics.shared().rejected.labels({"bad chunked body"}).inc();
        co_return co_await failBody(outcome, 400, "bad chunked body");
      }
      done = step.status == ChunkedDecoder::Status::kDone;
      break;
    }
    if (done) batch.add(asio::buffer(kLastChunk));
    if (batch.count > 0) {
      origin.setDeadline(ctx_.options.origin_read_timeout);
      if (co_await origin.writeAll(batch.span())) {
        co_return co_await failBody(outcome, origin.timedOut() ? 504 : 502, "origin write failed");
      }
      origin.clearDeadline();
    }
    if (done) co_return true;
    if (!batch.full() && !co_await readMore()) co_return co_await failBody(outcome, 499, "");
  }
}

asio::awaitable<bool> ClientConnection::relayResponseBody(Transport& origin,
                                                          const RequestHead& head,
                                                          const ResponseHead& rh, size_t ob,
                                                          size_t oe, bool chunk_to_client,
                                                          RequestOutcome& outcome) {
  (void)head;
  char* obuf = origin_buf_.get();
  bool head_pending = true;
  ChunkBatch batch;
  auto startBatch = [&] {
    batch.clear();
    if (head_pending) {
      batch.add(asio::buffer(client_head_));
      head_pending = false;
    }
  };
  auto failMidway = [&] {
    // Headers are out: the only honest signal left is closing the connection.
    outcome.close = true;
    return false;
  };
  CacheFill* fill = fill_ != nullptr && fill_->capture ? fill_ : nullptr;
  if (fill != nullptr && fill->hold) {
    // Read to the end without writing: the cache path answers from the stored object.
    // cacheOriginHead holds only Content-Length bodies within max_body.
    uint64_t remaining = rh.content_length;
    while (true) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(remaining, oe - ob));
      fill->body.append(obuf + ob, n);
      remaining -= n;
      ob += n;
      if (remaining == 0) {
        fill->complete = true;
        co_return ob == oe;
      }
      auto [ok, eof] = co_await readOrigin(origin, ob, oe);
      if (!ok || eof) co_return false;
    }
  }
  auto capture = [&](std::string_view data) {
    if (fill == nullptr) return;
    if (fill->body.size() + data.size() > fill->max_body) {
      fill->capture = false;  // larger than the memory tier takes: stream only
      fill->outcome.reason = cache::NoCacheReason::kTooLarge;
      fill->body.clear();
      fill->body.shrink_to_fit();
      fill = nullptr;
      return;
    }
    fill->body.append(data);
  };
  // The object is stored before the last bytes go to the client: a client that asks again as
  // soon as it has the answer (on any connection, any worker) must find it.
  auto completed = [&] {
    if (fill == nullptr) return;
    fill->complete = true;
    storeCaptured(*fill);
  };

  switch (rh.framing) {
    case BodyFraming::kNone: {
      startBatch();
      completed();
      if (!co_await writeClient(batch.span())) co_return failMidway();
      co_return oe == ob;
    }
    case BodyFraming::kContentLength: {
      uint64_t remaining = rh.content_length;
      while (true) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(remaining, oe - ob));
        startBatch();
        if (n > 0) batch.add(asio::buffer(obuf + ob, n));
        capture(std::string_view(obuf + ob, n));
        outcome.body_bytes += n;
        remaining -= n;
        if (remaining == 0) completed();
        if (batch.count > 0) {
          if (!co_await writeClient(batch.span())) co_return failMidway();
        }
        ob += n;
        if (remaining == 0) co_return ob == oe;
        auto [ok, eof] = co_await readOrigin(origin, ob, oe);
        if (!ok || eof) co_return failMidway();
      }
    }
    case BodyFraming::kChunked: {
      ChunkedDecoder decoder(ctx_.options.chunked_limits);
      while (true) {
        startBatch();
        bool done = false;
        bool error = false;
        while (!batch.full()) {
          auto step = decoder.decode(std::string_view(obuf + ob, oe - ob));
          ob += step.consumed;
          if (step.status == ChunkedDecoder::Status::kData) {
            batch.addChunk(step.data, chunk_to_client);
            capture(step.data);
            outcome.body_bytes += step.data.size();
            continue;
          }
          done = step.status == ChunkedDecoder::Status::kDone;
          error = step.status == ChunkedDecoder::Status::kError;
          break;
        }
        if (done && chunk_to_client) batch.add(asio::buffer(kLastChunk));
        if (done) completed();
        if (batch.count > 0 && !co_await writeClient(batch.span())) co_return failMidway();
        if (error) co_return failMidway();
        if (done) co_return ob == oe;
        if (batch.full()) continue;
        auto [ok, eof] = co_await readOrigin(origin, ob, oe);
        if (!ok || eof) co_return failMidway();
      }
    }
    case BodyFraming::kUntilClose: {
      while (true) {
        startBatch();
        if (oe > ob) {
          batch.addChunk(std::string_view(obuf + ob, oe - ob), chunk_to_client);
          capture(std::string_view(obuf + ob, oe - ob));
          outcome.body_bytes += oe - ob;
        }
        if (batch.count > 0 && !co_await writeClient(batch.span())) co_return failMidway();
        auto [ok, eof] = co_await readOrigin(origin, ob, oe);
        if (!ok) co_return failMidway();
        if (eof) {
          completed();
          if (chunk_to_client) {
            std::array<asio::const_buffer, 1> b{asio::buffer(kLastChunk)};
            if (!co_await writeClient(b)) co_return failMidway();
          }
          co_return false;
        }
      }
    }
  }
  co_return false;
}

}  // namespace cirrus::edge
