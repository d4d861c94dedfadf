#include "edge/client_connection.h"

#include <cstring>

#include <fmt/format.h>
#include <boost/asio/buffer.hpp>

#include "cache/cache_status.h"
#include "edge/http2_connection.h"
#include "edge/worker.h"

namespace cirrus::edge {

namespace asio = boost::asio;

namespace {

std::string_view reasonFor(unsigned status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 408:
      return "Request Timeout";
    case 414:
      return "URI Too Long";
    case 417:
      return "Expectation Failed";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

// The request target's path for the access log ("http://a/x?y" → "/x?y").
std::string_view logPath(std::string_view target) {
  if (target.starts_with("http://") || target.starts_with("https://")) {
    size_t slash = target.find('/', target.find("//") + 2);
    return slash == std::string_view::npos ? "/" : target.substr(slash);
  }
  return target;
}

// The authority of an absolute-form target ("http://a.test:80/x" → "a.test:80").
std::string_view targetAuthority(std::string_view target) {
  size_t start = target.find("//") + 2;
  size_t end = target.find_first_of("/?", start);
  return target.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

}  // namespace

ClientConnection::ClientConnection(WorkerContext& ctx, TransportPtr transport,
                                   asio::ip::tcp::endpoint remote, bool h2_stream)
    : ctx_(ctx),
      transport_(std::move(transport)),
      remote_(remote),
      remote_text_(remote.address().to_string()),
      parser_(ctx.options.request_limits),
      buf_(new char[ctx.options.buffer_size]),
      cap_(ctx.options.buffer_size),
      h2_stream_(h2_stream) {
  ctx_.connections.insert(this);
  if (!h2_stream_) ctx_.metrics.shared().active_connections.fetch_add(1, std::memory_order_relaxed);
}

ClientConnection::~ClientConnection() {
  ctx_.connections.erase(this);
  if (!h2_stream_) ctx_.metrics.shared().active_connections.fetch_sub(1, std::memory_order_relaxed);
}

void ClientConnection::closeIfIdle() {
  // A connection that has not been served yet may carry a request already in flight (it
  // was accepted during the drain); it gets one answer, with Connection: close.
  if (idle_ && begin_ == end_ && served_ > 0 && transport_) {
    closed_ = true;
    transport_->close();
  }
}

void ClientConnection::compact() {
  if (begin_ == end_) {
    begin_ = end_ = 0;
  } else if (begin_ > 0) {
    std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
}

asio::awaitable<bool> ClientConnection::readMore() {
  compact();
  if (end_ == cap_) co_return false;
  transport_->setDeadline(ctx_.options.client_body_timeout);
  auto [ec, n] = co_await transport_->readSome(asio::buffer(buf_.get() + end_, cap_ - end_));
  transport_->clearDeadline();
  if (ec || n == 0) co_return false;
  end_ += n;
  co_return true;
}

// Every client deadline covers one operation and is cleared when it completes: what follows
// (an origin that takes up to EDGE_ORIGIN_READ_TIMEOUT) has its own timeout and must not be
// cut by a client timeout left armed.
asio::awaitable<bool> ClientConnection::writeClient(std::span<const asio::const_buffer> b) {
  transport_->setDeadline(ctx_.options.send_timeout);
  auto ec = co_await transport_->writeAll(b);
  transport_->clearDeadline();
  co_return !ec;
}

asio::awaitable<bool> ClientConnection::readHead(RequestHead& head) {
  parser_.reset();
  host_key_.clear();
  head_consumed_ = false;
  compact();
  idle_ = begin_ == end_;
  transport_->setDeadline(idle_ ? ctx_.options.keepalive_timeout
                                : ctx_.options.client_header_timeout);
  while (true) {
    if (end_ > begin_) {
      auto status = parser_.parse(buffered(), head);
      if (status == RequestParser::Status::kComplete) {
        transport_->clearDeadline();
        co_return true;
      }
      if (status == RequestParser::Status::kError) {
        HeadError e = parser_.error();
        ctx_.metrics.shared().rejected.labels({toString(e)}).inc();
        co_await rejectOrClose(statusFor(e), toString(e));
        co_return false;
      }
    }
    if (ctx_.draining && idle_ && served_ > 0) co_return false;
    compact();
    if (end_ == cap_) {
      co_await rejectOrClose(431, "header block too large");
      co_return false;
    }
    auto [ec, n] = co_await transport_->readSome(asio::buffer(buf_.get() + end_, cap_ - end_));
    if (ec || n == 0) co_return false;  // peer closed, reset, or idle/header timeout
    if (idle_) {
      idle_ = false;
      transport_->setDeadline(ctx_.options.client_header_timeout);
    }
    end_ += n;
  }
}

asio::awaitable<bool> ClientConnection::writeSimple(unsigned status, std::string_view body,
                                                    bool close) {
  client_head_.clear();
  fmt::format_to(std::back_inserter(client_head_),
                 "HTTP/1.1 {} {}\r\nContent-Type: text/plain; charset=utf-8\r\n"
                 "Content-Length: {}\r\n{}\r\n",
                 status, reasonFor(status), body.size() + 1, close ? "Connection: close\r\n" : "");
  std::array<asio::const_buffer, 3> b{asio::buffer(client_head_), asio::buffer(body),
                                      asio::buffer("\n", 1)};
  co_return co_await writeClient(b);
}

asio::awaitable<void> ClientConnection::rejectOrClose(unsigned status, std::string_view reason) {
  auto started = Clock::now();
  co_await writeSimple(status, reason, true);
  RequestOutcome o;
  o.status = status;
  o.body_bytes = reason.size() + 1;
  o.close = true;
  req_method_.clear();
  req_path_.clear();
  logRequest("", o, started);
}

void ClientConnection::logRequest(std::string_view host, const RequestOutcome& o,
                                  Clock::time_point started) {
  auto elapsed = Clock::now() - started;
  ctx_.metrics.countRequest(host, o.status);
  if (o.cache_phase) ctx_.metrics.countCacheStatus(*o.cache_phase);
  ctx_.metrics.shared().request_duration.observe(elapsed);
  if (!ctx_.access_log.enabled()) return;
  AccessEntry e;
  e.time = std::chrono::system_clock::now();
  e.client = remote_text_;
  e.host = host_key_;
  e.method = req_method_;
  e.path = req_path_;
  e.status = o.status;
  e.bytes = o.body_bytes;
  e.duration = std::chrono::duration<double>(elapsed).count();
  e.origin = o.origin;
  e.upstream_time = o.upstream_seconds;
  if (o.cache_phase) e.cache = cache::toString(*o.cache_phase);
  ctx_.access_log.write(e);
}

asio::awaitable<bool> ClientConnection::readH2cPreface() {
  std::string_view preface = Http2Connection::kPreface;
  transport_->setDeadline(ctx_.options.client_header_timeout);
  while (end_ - begin_ < preface.size()) {
    if (!preface.starts_with(buffered())) co_return false;  // HTTP/1.1 after all
    auto [ec, n] = co_await transport_->readSome(asio::buffer(buf_.get() + end_, cap_ - end_));
    if (ec || n == 0) co_return false;
    end_ += n;
  }
  transport_->clearDeadline();
  co_return buffered().starts_with(preface);
}

asio::awaitable<void> ClientConnection::run() {
  // h2c with prior knowledge (RFC 9113 §3.3) on the plain listener: the first bytes decide.
  if (ctx_.options.h2c && !h2_stream_ && !transport_->isTls()) {
    bool h2 = co_await readH2cPreface();
    if (h2) {
      // The session counts itself as the client connection from here on.
      ctx_.metrics.shared().active_connections.fetch_sub(1, std::memory_order_relaxed);
      ctx_.connections.erase(this);  // the session is the drain's target now
      h2_stream_ = true;
      std::string preread(buffered());
      auto session = std::make_shared<Http2Connection>(ctx_, std::move(transport_), remote_);
      co_await session->run(std::move(preread));
      co_return;
    }
    if (end_ == begin_) {  // closed or timed out before sending anything
      transport_->close();
      co_return;
    }
  }
  RequestHead head;
  while (!closed_) {
    if (!co_await readHead(head)) break;
    auto started = Clock::now();
    ++served_;
    ctx_.refreshConfig();
    std::string_view host = head.host;
    if (head.target.starts_with("http")) host = targetAuthority(head.target);  // RFC 9112 §3.2.2
    normalizeHost(host, host_key_);
    // The head's views die when the buffer is compacted while streaming the body.
    if (ctx_.access_log.enabled()) {
      req_method_.assign(head.method);
      req_path_.assign(logPath(head.target));
    }
    const model::DomainConf* conf = ctx_.config.snapshot().find(host_key_);
    RequestOutcome outcome;
    if (head.expect_other) {
      outcome.status = 417;
      outcome.close = true;
    } else if (conf == nullptr || !conf->enabled) {
      outcome.status = 404;
      // An unread request body would be parsed as the next request: close instead.
      outcome.close = head.framing != BodyFraming::kNone || !head.keep_alive;
    }
    if (outcome.status != 0) {
      std::string_view body = outcome.status == 404 ? "unknown domain" : "expectation failed";
      outcome.body_bytes = body.size() + 1;
      bool ok = co_await writeSimple(outcome.status, body, outcome.close || ctx_.draining);
      logRequest("", outcome, started);
      if (!ok || outcome.close || ctx_.draining) break;
      begin_ += head.head_bytes;
      continue;
    }
    if (ctx_.cache != nullptr && conf->cache.enable) {
      CacheStart start;
      HitAnswer hit;
      if (tryHit(head, *conf, start, outcome, hit)) {
        if (!co_await writeHit(hit)) outcome.close = true;
      } else {
        extra_fields_.clear();
        outcome = co_await cachePath(head, *conf, start);
        extra_fields_.clear();
      }
    } else {
      outcome = co_await proxy(head, *conf);
    }
    logRequest(conf->domain, outcome, started);
    if (outcome.close || !head.keep_alive || ctx_.draining) break;
  }
  transport_->close();
}

}  // namespace cirrus::edge
