#include "edge/http2_connection.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.h"
#include "edge/client_connection.h"
#include "edge/worker.h"

namespace cirrus::edge {

namespace asio = boost::asio;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr size_t kReadBuffer = 16 * 1024;
constexpr size_t kSendBatch = 64 * 1024;
constexpr int32_t kConnectionWindow = 1 << 20;

Http2Connection& self(void* user_data) {
  return *static_cast<Http2Connection*>(user_data);
}

std::string_view view(const uint8_t* p, size_t n) {
  return {reinterpret_cast<const char*>(p), n};
}

void logFailure(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    log::error("edge coroutine failed", {{"what", "http2 stream"}, {"error", ex.what()}});
  }
}

// Drops what the front of a buffer has already handed on once it is half the buffer.
void compactFront(std::string& s, size_t& begin) {
  if (begin == s.size()) {
    s.clear();
    begin = 0;
  } else if (begin > 0 && begin >= s.size() / 2) {
    s.erase(0, begin);
    begin = 0;
  }
}

asio::awaitable<void> sleepUntilWoken(asio::steady_timer& t) {
  t.expires_at(asio::steady_timer::time_point::max());
  co_await t.async_wait(kTuple);
}

// --- nghttp2 trampolines ---

int onBeginHeadersCb(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
  if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
  return self(user_data).onBeginHeaders(frame->hd.stream_id);
}

int onHeaderCb(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name, size_t namelen,
               const uint8_t* value, size_t valuelen, uint8_t, void* user_data) {
  // Trailer fields (a second HEADERS) are dropped, as the HTTP/1.1 path drops chunked trailers.
  if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
  return self(user_data).onHeader(frame->hd.stream_id, view(name, namelen), view(value, valuelen));
}

int onFrameRecvCb(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
  bool end_stream = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
  switch (frame->hd.type) {
    case NGHTTP2_HEADERS:
      if (frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
        return self(user_data).onRequestHeadersEnd(frame->hd.stream_id, end_stream);
      }
      return end_stream ? self(user_data).onRequestEnd(frame->hd.stream_id) : 0;
    case NGHTTP2_DATA:
      return end_stream ? self(user_data).onRequestEnd(frame->hd.stream_id) : 0;
    default:
      return 0;
  }
}

int onDataChunkCb(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data, size_t len,
                  void* user_data) {
  return self(user_data).onData(stream_id, view(data, len));
}

int onStreamCloseCb(nghttp2_session*, int32_t stream_id, uint32_t error_code, void* user_data) {
  return self(user_data).onStreamClose(stream_id, error_code);
}

int onFrameSendCb(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
  bool end_stream = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
  if (end_stream && (frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA)) {
    return self(user_data).onStreamEndSent(frame->hd.stream_id);
  }
  return 0;
}

ssize_t readBodyCb(nghttp2_session*, int32_t stream_id, uint8_t* buf, size_t length,
                   uint32_t* data_flags, nghttp2_data_source*, void* user_data) {
  return self(user_data).readBody(stream_id, buf, length, data_flags);
}

int sendDataCb(nghttp2_session*, nghttp2_frame* frame, const uint8_t* framehd, size_t length,
               nghttp2_data_source*, void* user_data) {
  return self(user_data).sendData(frame->hd.stream_id, framehd, length, frame->data.padlen);
}

nghttp2_nv field(std::string_view name, std::string_view value) {
  return {reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
          NGHTTP2_NV_FLAG_NONE};
}

}  // namespace

// --- Http2Connection ---

Http2Connection::Http2Connection(WorkerContext& ctx, TransportPtr transport,
                                 asio::ip::tcp::endpoint remote)
    : ctx_(ctx),
      transport_(std::move(transport)),
      remote_(remote),
      write_wake_(ctx.ioc.get_executor()) {}

Http2Connection::~Http2Connection() {
  shutdown("edge");
  if (session_ != nullptr) nghttp2_session_del(session_);
}

bool Http2Connection::initSession() {
  nghttp2_session_callbacks* cb = nullptr;
  if (nghttp2_session_callbacks_new(&cb) != 0) return false;
  nghttp2_session_callbacks_set_on_begin_headers_callback(cb, onBeginHeadersCb);
  nghttp2_session_callbacks_set_on_header_callback(cb, onHeaderCb);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cb, onFrameRecvCb);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, onDataChunkCb);
  nghttp2_session_callbacks_set_on_stream_close_callback(cb, onStreamCloseCb);
  nghttp2_session_callbacks_set_on_frame_send_callback(cb, onFrameSendCb);
  nghttp2_session_callbacks_set_send_data_callback(cb, sendDataCb);
  nghttp2_option* opt = nullptr;
  if (nghttp2_option_new(&opt) != 0) {
    nghttp2_session_callbacks_del(cb);
    return false;
  }
  // Request DATA goes back into the client's window only as the request path reads it.
  nghttp2_option_set_no_auto_window_update(opt, 1);
  int rv = nghttp2_session_server_new2(&session_, cb, this, opt);
  nghttp2_option_del(opt);
  nghttp2_session_callbacks_del(cb);
  if (rv != 0) return false;
  const auto header_limit = static_cast<uint32_t>(ctx_.options.request_limits.max_header_bytes);
  nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, ctx_.options.http2_max_streams},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, header_limit},
  };
  if (nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings)) != 0) {
    return false;
  }
  // Many streams may upload at once: the connection window is larger than one stream's.
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, kConnectionWindow);
  return true;
}

asio::awaitable<void> Http2Connection::run(std::string preread) {
  auto keep = shared_from_this();
  if (!initSession()) {
    log::error("http2 session setup failed", {});
    transport_->close();
    co_return;
  }
  ctx_.connections.insert(this);
  ctx_.metrics.shared().http2_connections.inc();
  ctx_.metrics.shared().active_connections.fetch_add(1, std::memory_order_relaxed);
  idle_since_ = sent_progress_ = std::chrono::steady_clock::now();
  if (ctx_.draining) closeIfIdle();
  if (!preread.empty() &&
      nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(preread.data()),
                               preread.size()) < 0) {
    shutdown("client");
    co_return;
  }
  asio::co_spawn(
      ctx_.ioc, [keep]() -> asio::awaitable<void> { co_await keep->writeLoop(); }, logFailure);
  refreshDeadline();
  auto buf = std::make_unique<uint8_t[]>(kReadBuffer);
  while (!closed_) {
    auto [ec, n] = co_await transport_->readSome(asio::buffer(buf.get(), kReadBuffer));
    // shutdown() may have run while this read was completing: feed nothing more to nghttp2.
    if (closed_ || ec || n == 0) break;  // the client closed, reset, or a timeout passed
    // A protocol error queues GOAWAY and stops reading; a negative value is fatal.
    if (nghttp2_session_mem_recv(session_, buf.get(), n) < 0) break;
    wantWrite();
    refreshDeadline();
    if (nghttp2_session_want_read(session_) == 0) {
      // The writer flushes what is queued (a GOAWAY) and closes.
      if (nghttp2_session_want_write(session_) != 0) co_return;
      break;
    }
  }
  shutdown(transport_->timedOut() ? "edge" : "client");
}

asio::awaitable<void> Http2Connection::writeLoop() {
  while (!closed_) {
    send_buf_.clear();
    while (send_buf_.size() < kSendBatch) {
      // Each call yields one frame: returned, or appended by sendData() for DATA (then the
      // call itself returns 0), so the loop ends when a call adds nothing.
      size_t before = send_buf_.size();
      const uint8_t* data = nullptr;
      ssize_t n = nghttp2_session_mem_send(session_, &data);
      if (n < 0) {
        shutdown("edge");
        co_return;
      }
      if (n > 0) send_buf_.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
      if (send_buf_.size() == before) break;
    }
    if (send_buf_.empty()) {
      if (nghttp2_session_want_read(session_) == 0 && nghttp2_session_want_write(session_) == 0) {
        shutdown("edge");  // GOAWAY exchanged and every stream answered
        co_return;
      }
      refreshDeadline();
      co_await sleepUntilWoken(write_wake_);
      continue;
    }
    writing_ = true;
    transport_->setDeadline(ctx_.options.send_timeout);
    const asio::const_buffer out[] = {asio::buffer(send_buf_)};
    auto ec = co_await transport_->writeAll(out);
    writing_ = false;
    if (ec) {
      shutdown(transport_->timedOut() ? "edge" : "client");
      co_return;
    }
    refreshDeadline();
  }
}

void Http2Connection::wantWrite() {
  write_wake_.cancel();
}

void Http2Connection::refreshDeadline() {
  if (closed_ || writing_) return;  // a write in progress has the send timeout
  // Deadlines run from fixed points (a stream opened, DATA last went out, the last stream
  // closed), so frames that make no progress (PINGs, a trickled header block) extend nothing.
  // A stream in the request path has that path's own timeouts; it adds none here.
  using Clock = std::chrono::steady_clock;
  Clock::time_point at = Clock::time_point::max();
  for (const auto& [id, s] : streams_) {
    if (!s->begun && !s->reset) at = std::min(at, s->opened + ctx_.options.client_header_timeout);
    if (s->outBuffered() > 0) at = std::min(at, sent_progress_ + ctx_.options.send_timeout);
  }
  if (streams_.empty()) at = idle_since_ + ctx_.options.keepalive_timeout;
  if (at == Clock::time_point::max()) {
    transport_->clearDeadline();
  } else {
    transport_->setDeadlineAt(at);
  }
}

void Http2Connection::shutdown(const char* by) {
  if (closed_) return;
  closed_ = true;
  transport_->close();
  write_wake_.cancel();
  for (auto& [id, s] : streams_) {
    if (!s->reset && !s->response_done) ctx_.metrics.shared().http2_resets.labels({by}).inc();
    s->reset = true;
    s->session = nullptr;
    s->read_wake.cancel();
    s->write_wake.cancel();
  }
  streams_.clear();
  if (ctx_.connections.erase(this) > 0) {
    ctx_.metrics.shared().active_connections.fetch_sub(1, std::memory_order_relaxed);
  }
}

void Http2Connection::closeIfIdle() {
  if (closed_ || goaway_sent_ || session_ == nullptr) return;
  goaway_sent_ = true;
  // Streams already opened are answered; the client opens new ones on another connection.
  // Streams above the last id that arrive before the GOAWAY is written are refused by begin().
  goaway_last_id_ = nghttp2_session_get_last_proc_stream_id(session_);
  nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, goaway_last_id_, NGHTTP2_NO_ERROR, nullptr, 0);
  wantWrite();
}

void Http2Connection::abort() {
  shutdown("edge");
}

// --- receiving ---

int Http2Connection::onBeginHeaders(int32_t stream_id) {
  if (closed_) return NGHTTP2_ERR_CALLBACK_FAILURE;
  auto s = std::make_shared<H2Stream>(ctx_.ioc.get_executor(), stream_id);
  s->session = this;
  s->opened = std::chrono::steady_clock::now();
  streams_[stream_id] = s;
  nghttp2_session_set_stream_user_data(session_, stream_id, s.get());
  ctx_.metrics.shared().http2_streams.inc();
  return 0;
}

int Http2Connection::onHeader(int32_t stream_id, std::string_view name, std::string_view value) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return 0;
  H2Stream& s = *it->second;
  // Over the limit the fields are counted, not kept; the stream is answered 431.
  if (s.request.bytes() + name.size() + value.size() >
      ctx_.options.request_limits.max_header_bytes) {
    s.too_large = true;
    return 0;
  }
  s.request.add(name, value);
  return 0;
}

int Http2Connection::onRequestHeadersEnd(int32_t stream_id, bool end_stream) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return 0;
  std::shared_ptr<H2Stream> s = it->second;
  s->headers_done = true;
  s->request_ended = end_stream;
  s->reader.emplace(s->request.method() == "HEAD", ctx_.options.buffer_size);
  if (s->too_large) {
    s->begun = true;
    ctx_.metrics.shared().rejected.labels({toString(HeadError::kHeadersTooLarge)}).inc();
    answerDirect(*s, 431, "request header fields too large\n");
    return 0;
  }
  if (!s->request.valid()) {
    s->begun = true;
    ctx_.metrics.shared().rejected.labels({"bad h2 field"}).inc();
    answerDirect(*s, 400, "bad request\n");
    return 0;
  }
  // Without END_STREAM and without a content-length the framing waits for the first DATA
  // with bytes (chunked) or END_STREAM (no body): a GET ended by an empty DATA frame must not
  // become a chunked request (which the cache bypasses).
  if (end_stream || s->request.hasContentLength()) begin(s, false);
  return 0;
}

void Http2Connection::begin(const std::shared_ptr<H2Stream>& s, bool chunked) {
  s->begun = true;
  if (goaway_sent_ && s->id > goaway_last_id_) {
    resetStream(*s, NGHTTP2_REFUSED_STREAM);  // opened after the GOAWAY: never processed
    return;
  }
  // A client resetting streams at once frees their slots while their requests still run:
  // past twice the stream limit, new streams are refused until some finish.
  if (running_ >= 2 * static_cast<size_t>(ctx_.options.http2_max_streams)) {
    resetStream(*s, NGHTTP2_REFUSED_STREAM);
    return;
  }
  s->chunked = chunked;
  s->in = s->request.http1Head(chunked);
  refreshDeadline();
  auto transport = std::make_unique<StreamTransport>(ctx_.sweeper, s, transport_->isTls(),
                                                     ctx_.ioc.get_executor());
  auto conn = std::make_shared<ClientConnection>(ctx_, std::move(transport), remote_, true);
  ++running_;
  auto keep = shared_from_this();
  // Posted: co_spawn would start the coroutine right here, inside nghttp2_session_mem_recv.
  asio::post(ctx_.ioc, [conn, keep]() {
    asio::co_spawn(
        keep->ctx_.ioc,
        [conn, keep]() -> asio::awaitable<void> {
          co_await conn->run();
          --keep->running_;
        },
        logFailure);
  });
}

int Http2Connection::onRequestEnd(int32_t stream_id) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return 0;
  H2Stream& s = *it->second;
  s.request_ended = true;
  if (!s.begun && s.headers_done) {
    begin(it->second, false);  // the body was empty after all
    return 0;
  }
  if (s.chunked) s.in.append(kLastChunk);
  s.read_wake.cancel();
  return 0;
}

int Http2Connection::onData(int32_t stream_id, std::string_view data) {
  auto it = streams_.find(stream_id);
  if (it != streams_.end() && !it->second->begun && it->second->headers_done && !data.empty()) {
    begin(it->second, true);  // a body without a content-length: chunked on the HTTP/1.1 side
  }
  if (it == streams_.end() || it->second->reset || it->second->request.valid() == false ||
      it->second->too_large) {
    // Nobody reads it: give the connection's window back at once.
    nghttp2_session_consume_connection(session_, data.size());
    return 0;
  }
  H2Stream& s = *it->second;
  compactFront(s.in, s.in_begin);
  if (s.chunked) {
    appendChunk(s.in, data);
  } else {
    s.in.append(data);
  }
  s.unconsumed += data.size();
  giveBackWindow(s);
  s.read_wake.cancel();
  return 0;
}

void Http2Connection::giveBackWindow(H2Stream& s) {
  if (closed_ || s.reset || s.unconsumed == 0 || s.inBuffered() >= kRequestHighWater) return;
  nghttp2_session_consume(session_, s.id, s.unconsumed);
  s.unconsumed = 0;
  wantWrite();
}

int Http2Connection::onStreamClose(int32_t stream_id, uint32_t error_code) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return 0;
  std::shared_ptr<H2Stream> s = std::move(it->second);
  streams_.erase(it);
  if (s->unconsumed > 0) nghttp2_session_consume_connection(session_, s->unconsumed);
  // Closed before its response was complete, or with an error: the client reset it (the
  // edge's own resets are counted where it sends them and mark the stream first).
  if (!s->reset && (error_code != NGHTTP2_NO_ERROR || !s->response_done)) {
    ctx_.metrics.shared().http2_resets.labels({"client"}).inc();
  }
  s->reset = true;
  s->session = nullptr;
  s->read_wake.cancel();
  s->write_wake.cancel();
  if (streams_.empty()) idle_since_ = std::chrono::steady_clock::now();
  refreshDeadline();
  return 0;
}

int Http2Connection::onStreamEndSent(int32_t stream_id) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return 0;
  // RFC 9113 §8.1: the response is complete before the request; ask the client to stop
  // sending without an error.
  if (!it->second->request_ended) {
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_NO_ERROR);
  }
  return 0;
}

// --- sending ---

void Http2Connection::requestRead(H2Stream& s) {
  giveBackWindow(s);
}

void Http2Connection::responseWritten(H2Stream& s, std::string_view bytes) {
  if (closed_ || s.reset || !s.reader) return;
  compactFront(s.out, s.out_begin);
  // The send timeout of queued output runs from when output starts waiting.
  if (s.outBuffered() == 0) sent_progress_ = std::chrono::steady_clock::now();
  auto state = s.reader->feed(bytes, s.out);
  if (state == Http1ResponseReader::State::kError) {
    resetStream(s, NGHTTP2_INTERNAL_ERROR);
    return;
  }
  if (!s.head_submitted && s.reader->hasHead()) submitHead(s);
  if (state == Http1ResponseReader::State::kDone) s.response_done = true;
  resume(s);
  refreshDeadline();
}

void Http2Connection::responseClosed(H2Stream& s) {
  if (closed_ || s.reset || !s.reader) return;
  if (s.response_done) return;
  if (!s.reader->finish()) {
    // REFUSED_STREAM tells the client the request was not processed and may be retried: only
    // true when the request path never read any of it. A cut response is an INTERNAL_ERROR.
    resetStream(s,
                s.read_any || s.head_submitted ? NGHTTP2_INTERNAL_ERROR : NGHTTP2_REFUSED_STREAM);
    return;
  }
  if (!s.head_submitted) submitHead(s);
  s.response_done = true;
  resume(s);
}

void Http2Connection::submitHead(H2Stream& s) {
  s.head_submitted = true;
  std::string status = std::to_string(s.reader->status());
  std::vector<nghttp2_nv> nva;
  nva.reserve(s.reader->fields().size() + 1);
  nva.push_back(field(":status", status));
  for (const auto& f : s.reader->fields()) nva.push_back(field(f.name, f.value));
  nghttp2_data_provider body{};
  body.read_callback = readBodyCb;
  int rv = nghttp2_submit_response(session_, s.id, nva.data(), nva.size(),
                                   s.reader->hasBody() ? &body : nullptr);
  if (rv != 0) {
    resetStream(s, NGHTTP2_INTERNAL_ERROR);
    return;
  }
  wantWrite();
}

void Http2Connection::answerDirect(H2Stream& s, unsigned status, std::string_view body) {
  std::string response = "HTTP/1.1 " + std::to_string(status) +
                         " Error\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
  responseWritten(s, response);
}

void Http2Connection::resetStream(H2Stream& s, uint32_t error_code) {
  if (s.reset) return;
  s.reset = true;
  ctx_.metrics.shared().http2_resets.labels({"edge"}).inc();
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, s.id, error_code);
  s.read_wake.cancel();
  s.write_wake.cancel();
  wantWrite();
}

void Http2Connection::resume(H2Stream& s) {
  if (s.deferred && !s.reset) {
    s.deferred = false;
    nghttp2_session_resume_data(session_, s.id);
  }
  wantWrite();
}

long Http2Connection::readBody(int32_t stream_id, uint8_t*, size_t length, uint32_t* flags) {
  auto* s = static_cast<H2Stream*>(nghttp2_session_get_stream_user_data(session_, stream_id));
  if (s == nullptr || s->reset) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  // NO_COPY: sendData() writes the frame straight from the stream's queue into the send
  // buffer, one copy instead of two (queue -> nghttp2's frame -> send buffer).
  size_t avail = s->outBuffered() - s->out_promised;
  size_t n = std::min(length, avail);
  if (n > 0) {
    *flags |= NGHTTP2_DATA_FLAG_NO_COPY;
    s->out_promised += n;
  }
  if (n == avail && s->response_done) {
    *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<long>(n);
  }
  if (n == 0) {
    s->deferred = true;
    return NGHTTP2_ERR_DEFERRED;
  }
  return static_cast<long>(n);
}

int Http2Connection::sendData(int32_t stream_id, const uint8_t* framehd, size_t length,
                              size_t padlen) {
  auto* s = static_cast<H2Stream*>(nghttp2_session_get_stream_user_data(session_, stream_id));
  if (s == nullptr || length > s->out_promised) return NGHTTP2_ERR_CALLBACK_FAILURE;
  send_buf_.append(reinterpret_cast<const char*>(framehd), 9);
  if (padlen > 0) send_buf_.push_back(static_cast<char>(padlen - 1));
  send_buf_.append(s->out, s->out_begin, length);
  if (padlen > 1) send_buf_.append(padlen - 1, '\0');
  s->out_begin += length;
  s->out_promised -= length;
  if (s->out_begin == s->out.size()) {
    s->out.clear();
    s->out_begin = 0;
  }
  if (length > 0) {
    sent_progress_ = std::chrono::steady_clock::now();
    if (s->outBuffered() < kResponseHighWater) s->write_wake.cancel();
  }
  return 0;
}

// --- StreamTransport ---

StreamTransport::StreamTransport(DeadlineSweeper& sweeper, std::shared_ptr<H2Stream> stream,
                                 bool tls, asio::any_io_executor ex)
    : Transport(sweeper), stream_(std::move(stream)), tls_(tls), unused_socket_(ex) {}

StreamTransport::~StreamTransport() {
  StreamTransport::close();
}

asio::awaitable<std::pair<Transport::error_code, size_t>> StreamTransport::readSome(
    asio::mutable_buffer buffer) {
  std::shared_ptr<H2Stream> s = stream_;
  while (true) {
    if (closed_ || s->reset) co_return std::pair{error_code(asio::error::operation_aborted), 0};
    if (s->inBuffered() > 0) {
      size_t n = std::min(buffer.size(), s->inBuffered());
      std::memcpy(buffer.data(), s->in.data() + s->in_begin, n);
      s->in_begin += n;
      s->read_any = true;
      compactFront(s->in, s->in_begin);
      if (s->session != nullptr) s->session->requestRead(*s);
      co_return std::pair{error_code(), n};
    }
    if (s->request_ended) co_return std::pair{error_code(asio::error::eof), 0};
    co_await sleepUntilWoken(s->read_wake);
  }
}

asio::awaitable<Transport::error_code> StreamTransport::writeAll(
    std::span<const asio::const_buffer> buffers) {
  std::shared_ptr<H2Stream> s = stream_;
  // Fed in slices, waiting for the client's window between them, so a large cached body is
  // not copied whole into the stream's queue.
  for (const auto& b : buffers) {
    std::string_view rest(static_cast<const char*>(b.data()), b.size());
    while (!rest.empty()) {
      if (closed_ || s->reset || s->session == nullptr) co_return asio::error::broken_pipe;
      size_t n = std::min(rest.size(), Http2Connection::kResponseHighWater);
      s->session->responseWritten(*s, rest.substr(0, n));
      rest.remove_prefix(n);
      while (s->outBuffered() > Http2Connection::kResponseHighWater && !s->reset) {
        if (closed_) co_return asio::error::broken_pipe;
        co_await sleepUntilWoken(s->write_wake);
      }
    }
  }
  // A stream closed after its whole response was queued is a success for the writer.
  if (closed_ || (s->reset && !s->response_done)) co_return asio::error::broken_pipe;
  co_return error_code();
}

void StreamTransport::close() {
  if (closed_) return;
  closed_ = true;
  stream_->read_wake.cancel();
  stream_->write_wake.cancel();
  if (stream_->session != nullptr && !stream_->reset) stream_->session->responseClosed(*stream_);
}

}  // namespace cirrus::edge
