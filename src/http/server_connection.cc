// The per-connection coroutine of http::Server, after Beast's awaitable server example: the
// handler knows nothing of sockets, and a deadline is set before every read and write.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "core/log.h"
#include "http/server_state.h"

namespace cirrus::http::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr size_t kFirstReadBytes = 4096;
// Lingering close: after answering and closing on our own initiative (an error, or
// Connection: close), unread pipelined bytes would make the kernel send RST, which can
// destroy the response before the client reads it. Drain for a bounded time instead.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kLingerBytes = 1024 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// The Date header changes once a second; format it once per second per thread.
const std::string& currentDate() {
  thread_local std::time_t cached_second = 0;
  thread_local std::string cached_value;
  auto now = std::chrono::system_clock::now();
  std::time_t second = std::chrono::system_clock::to_time_t(now);
  if (second != cached_second) {
    cached_second = second;
    cached_value = httpDate(now);
  }
  return cached_value;
}

// The status to answer a request that could not be read, or nullopt to just close (the peer
// went away or stopped talking; a timed-out socket is already closed by beast::tcp_stream).
std::optional<status> statusForReadError(const error_code& ec) {
  if (ec == bhttp::error::header_limit) return status::request_header_fields_too_large;
  if (ec == bhttp::error::body_limit) return status::payload_too_large;
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return std::nullopt;
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) {
    return status::bad_request;
  }
  return std::nullopt;
}

std::string_view reasonFor(status code) {
  switch (code) {
    case status::request_header_fields_too_large:
      return "request header fields too large";
    case status::payload_too_large:
      return "request body too large";
    default:
      return "malformed request";
  }
}

bool validTarget(const Request& req) {
  std::string_view target = req.target();
  if (target.starts_with('/')) return true;
  if (target.starts_with("http://") || target.starts_with("https://")) return true;
  return target == "*" && req.method() == verb::options;
}

// Everything the server adds to every response (RFC 9110 §6.6.1 Date, §10.2.4 Server) and
// the framing: Content-Length computed here, never trusted from the handler.
void finalizeResponse(Response& res, unsigned request_version, bool keep_alive,
                      const ServerOptions& options) {
  res.version(request_version == 10 ? 10 : 11);
  auto code = static_cast<unsigned>(res.result_int());
  // RFC 9110 §6.4.1: 1xx, 204 and 304 never carry content.
  if (code / 100 == 1 || code == 204 || code == 304) res.body().clear();
  res.prepare_payload();
  res.keep_alive(keep_alive);
  if (res.find(field::date) == res.end()) res.set(field::date, currentDate());
  if (!options.server_header.empty() && res.find(field::server) == res.end()) {
    res.set(field::server, options.server_header);
  }
}

class Session {
 public:
  Session(std::shared_ptr<ServerState> state, ConnectionHandleSharedPtr handle,
          tcp::endpoint remote, bool tls)
      : state_(std::move(state)),
        s_(*state_),
        handle_(std::move(handle)),
        remote_(std::move(remote)),
        tls_(tls) {}

  // Serves requests until the connection should close; true when we close it on purpose after
  // a response (so a graceful close is worth it), false when the peer is gone or silent.
  template <class Stream>
  asio::awaitable<bool> serve(Stream& stream);

 private:
  template <class Stream>
  asio::awaitable<bool> writeResponse(Stream& stream, Response& res, bool head_only);
  template <class Stream>
  asio::awaitable<void> answerReadError(Stream& stream, status code, std::string_view method);

  asio::awaitable<Response> respond(RequestContext& ctx);
  void report(std::string_view method, std::string_view route, const Response& res,
              bool write_failed);

  std::shared_ptr<ServerState> state_;
  ServerState& s_;
  ConnectionHandleSharedPtr handle_;
  tcp::endpoint remote_;
  bool tls_;
  Clock::time_point started_ = Clock::now();
};

template <class Stream>
asio::awaitable<bool> Session::serve(Stream& stream) {
  auto& lowest = beast::get_lowest_layer(stream);
  const ServerOptions& opts = s_.options;
  beast::flat_buffer buffer;
  bool first = true;
  for (;;) {
    // Wait for the first byte separately, so that keep-alive idleness and a slow request head
    // have their own deadlines, and so stop() knows which connections it may close at once.
    if (buffer.size() == 0) {
      if (s_.stopping.load()) co_return false;
      handle_->idle = true;
      lowest.expires_after(first ? opts.header_timeout : opts.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(kFirstReadBytes), kTuple);
      handle_->idle = false;
      if (ec) co_return false;
      buffer.commit(n);
    }
    first = false;
    started_ = Clock::now();

    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(
        static_cast<std::uint32_t>(std::min<size_t>(opts.header_limit, UINT32_MAX)));
    parser.body_limit(opts.body_limit);
    lowest.expires_after(opts.header_timeout);
    auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
    if (hec) {
      auto code = statusForReadError(hec);
      if (!code) co_return false;
      std::string_view method = parser.got_some() ? parser.get().method_string() : "";
      co_await answerReadError(stream, *code, method);
      co_return true;
    }

    if (!parser.is_done()) {
      // RFC 9110 §10.1.1: a client that sent Expect: 100-continue may wait for this.
      if (beast::iequals(parser.get()[field::expect], "100-continue")) {
        lowest.expires_after(opts.write_timeout);
        auto [cec, cn] = co_await asio::async_write(stream, asio::buffer(kContinue), kTuple);
        if (cec) co_return false;
      }
      lowest.expires_after(opts.body_timeout);
      auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
      if (bec) {
        auto code = statusForReadError(bec);
        if (!code) co_return false;
        co_await answerReadError(stream, *code, parser.get().method_string());
        co_return true;
      }
    }

    RequestContext ctx(parser.release());
    ctx.remote = remote_;
    ctx.tls = tls_;
    ctx.connection_id = handle_->id;
    ctx.started = started_;
    Response res = co_await respond(ctx);

    const Request& req = ctx.request;
    bool keep_alive = req.keep_alive() && res.keep_alive() && !s_.stopping.load();
    finalizeResponse(res, req.version(), keep_alive, opts);
    bool written = co_await writeResponse(stream, res, req.method() == verb::head);
    report(req.method_string(), ctx.route, res, !written);
    if (!written) co_return false;
    if (!keep_alive) co_return true;
  }
}

template <class Stream>
asio::awaitable<bool> Session::writeResponse(Stream& stream, Response& res, bool head_only) {
  beast::get_lowest_layer(stream).expires_after(s_.options.write_timeout);
  bhttp::response_serializer<bhttp::string_body> serializer(res);
  // A HEAD answer keeps the Content-Length the GET would have had, without the content.
  if (head_only) {
    auto [ec, n] = co_await bhttp::async_write_header(stream, serializer, kTuple);
    co_return !ec;
  }
  auto [ec, n] = co_await bhttp::async_write(stream, serializer, kTuple);
  co_return !ec;
}

template <class Stream>
asio::awaitable<void> Session::answerReadError(Stream& stream, status code,
                                               std::string_view method) {
  std::string method_copy(method);  // the parser's buffer is not ours to keep
  Response res = problemResponse(code, std::string(reasonFor(code)));
  finalizeResponse(res, 11, false, s_.options);
  bool written = co_await writeResponse(stream, res, false);
  report(method_copy, "", res, !written);
}

asio::awaitable<Response> Session::respond(RequestContext& ctx) {
  const Request& req = ctx.request;
  // RFC 9112 §3.2: an HTTP/1.1 request without exactly one Host header is answered 400.
  if (req.version() >= 11 && req.count(field::host) != 1) {
    co_return problemResponse(status::bad_request, "missing or repeated Host header");
  }
  if (!validTarget(req)) co_return problemResponse(status::bad_request, "invalid request target");
  std::string error;
  try {
    co_return co_await s_.router.dispatch(ctx);
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "unknown exception";
  }
  log::error("http handler threw", {{"listener", s_.options.name},
                                    {"method", std::string(req.method_string())},
                                    {"route", ctx.route},
                                    {"error", error}});
  co_return problemResponse(status::internal_server_error, "Internal Server Error");
}

void Session::report(std::string_view method, std::string_view route, const Response& res,
                     bool write_failed) {
  if (!s_.options.on_access) return;
  AccessRecord record;
  record.method = method;
  record.route = route;
  record.status = res.result_int();
  record.duration = Clock::now() - started_;
  record.connection_id = handle_->id;
  record.remote = remote_;
  record.tls = tls_;
  record.response_body_bytes = res.body().size();
  record.write_failed = write_failed;
  try {
    s_.options.on_access(record);
  } catch (const std::exception& e) {
    log::error("http access hook threw", {{"listener", s_.options.name}, {"error", e.what()}});
  }
}

asio::awaitable<void> lingerPlain(beast::tcp_stream& tcp) {
  error_code ignored;
  tcp.socket().shutdown(tcp::socket::shutdown_send, ignored);
  tcp.expires_after(kLingerTime);
  char discard[4096];
  size_t total = 0;
  while (total < kLingerBytes) {
    auto [ec, n] = co_await tcp.async_read_some(asio::buffer(discard), kTuple);
    if (ec) break;
    total += n;
  }
}

}  // namespace

asio::awaitable<void> serveConnection(std::shared_ptr<ServerState> state,
                                      ConnectionHandleSharedPtr handle, tcp::socket socket) {
  if (state->stopping.load()) co_return;
  error_code ec;
  tcp::endpoint remote = socket.remote_endpoint(ec);
  socket.set_option(tcp::no_delay(true), ec);
  const ServerOptions& opts = state->options;
  Session session(state, handle, remote, opts.tls != nullptr);
  // Clears the stop() hook before the stream it points to is destroyed.
  struct Unhook {
    ConnectionHandle& h;
    ~Unhook() { h.tcp = nullptr; }
  };

  beast::tcp_stream tcp(std::move(socket));
  if (!opts.tls) {
    handle->tcp = &tcp;
    Unhook unhook{*handle};
    if (co_await session.serve(tcp)) co_await lingerPlain(tcp);
    co_return;
  }

  TlsStream stream(std::move(tcp), *opts.tls);
  handle->tcp = &beast::get_lowest_layer(stream);
  Unhook unhook{*handle};
  stream.next_layer().expires_after(opts.header_timeout);
  auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
  if (hec) {
    log::debug("tls handshake failed", {{"listener", opts.name},
                                        {"client", remote.address().to_string()},
                                        {"error", hec.message()}});
    co_return;
  }
  if (co_await session.serve(stream)) {
    // close_notify (RFC 8446 §6.1), bounded: a peer that never answers costs kLingerTime.
    stream.next_layer().expires_after(kLingerTime);
    auto [sec] = co_await stream.async_shutdown(kTuple);
    (void)sec;
  }
}

}  // namespace cirrus::http::detail
