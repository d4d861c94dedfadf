#include "http/client.h"

#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <deque>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "core/log.h"

namespace cirrus::http {
namespace detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr int kMaxInterimResponses = 8;

}  // namespace

struct PooledConnection {
  std::optional<beast::tcp_stream> plain;
  std::optional<TlsStream> tls;
  beast::flat_buffer buffer;
  Clock::time_point idle_since;

  beast::tcp_stream& lowest() { return tls ? tls->next_layer() : *plain; }
};
using PooledConnectionPtr = std::unique_ptr<PooledConnection>;

struct ClientState {
  ClientState(asio::any_io_executor ex, ClientOptions opts)
      : executor(std::move(ex)), options(std::move(opts)) {}

  asio::any_io_executor executor;
  ClientOptions options;
  std::atomic<uint64_t> opened{0};
  std::atomic<uint64_t> reused{0};
  std::atomic<uint64_t> retries{0};

  mutable std::mutex mu;
  std::unordered_map<std::string, std::deque<PooledConnectionPtr>> idle;

  PooledConnectionPtr take(const std::string& key);
  void give(const std::string& key, PooledConnectionPtr conn);
};

namespace {

// A pooled connection the server has closed shows EOF; catching it here avoids most retries.
bool looksAlive(PooledConnection& conn) {
  char byte;
  ssize_t n = ::recv(conn.lowest().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return false;
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
  // Unsolicited bytes: on TLS possibly a session ticket (RFC 8446 §4.6.1), which the next read
  // consumes; on plain HTTP a protocol error, so the connection is not reused.
  return conn.tls.has_value();
}

bool isIdempotent(verb method) {
  switch (method) {
    case verb::get:
    case verb::head:
    case verb::put:
    case verb::delete_:
    case verb::options:
    case verb::trace:
      return true;
    default:
      return false;
  }
}

bool validHeaderText(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

Result<Request> buildRequest(verb method, const Url& url, const Headers& headers, std::string body,
                             const std::string& user_agent, bool keep_alive) {
  Request req{method, url.target, 11};
  bool has_host = false;
  bool has_user_agent = false;
  for (const auto& [name, value] : headers) {
    // CR/LF in a header would let a value inject header lines (RFC 9110 §5.5).
    if (name.empty() || !validHeaderText(name) || !validHeaderText(value) ||
        name.find_first_of(" \t:") != std::string::npos) {
      return badRequest("invalid request header \"" + name + "\"");
    }
    if (beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding")) {
      continue;  // framing is ours
    }
    has_host = has_host || beast::iequals(name, "host");
    has_user_agent = has_user_agent || beast::iequals(name, "user-agent");
    req.insert(name, value);
  }
  if (!has_host) req.set(field::host, url.authority());
  if (!has_user_agent && !user_agent.empty()) req.set(field::user_agent, user_agent);
  req.body() = std::move(body);
  req.prepare_payload();
  req.keep_alive(keep_alive);
  return req;
}

std::string poolKey(const Url& url, const std::string& server_name, bool verify) {
  return fmt::format("{}://{}:{}|{}|{}", url.scheme, url.host, url.port, server_name,
                     verify ? 1 : 0);
}

struct Exchange {
  std::optional<Response> response;
  std::optional<Error> error;
  bool reusable = false;
  bool got_response_bytes = false;
  bool timed_out = false;
};

Error readError(const error_code& ec, bool got_some, const std::string& where,
                const RequestOptions& opts) {
  if (ec == beast::error::timeout) {
    return upstreamTimeout(
        fmt::format("{}: no complete response within {}ms", where, opts.read_timeout.count()));
  }
  if (ec == bhttp::error::body_limit) {
    return upstreamProtocol(
        fmt::format("{}: response body exceeds {} bytes", where, opts.max_body_bytes));
  }
  if (ec == bhttp::error::header_limit) {
    return upstreamProtocol(
        fmt::format("{}: response header exceeds {} bytes", where, opts.max_header_bytes));
  }
  if (!got_some) {
    return upstreamUnavailable(
        fmt::format("{}: connection closed before a response ({})", where, ec.message()));
  }
  return upstreamProtocol(fmt::format("{}: bad response: {}", where, ec.message()));
}

template <class Stream>
asio::awaitable<Exchange> exchange(Stream& stream, beast::flat_buffer& buffer, Request& req,
                                   const RequestOptions& opts, const std::string& where) {
  Exchange out;
  auto& lowest = beast::get_lowest_layer(stream);
  lowest.expires_after(opts.read_timeout);
  auto [wec, wn] = co_await bhttp::async_write(stream, req, kTuple);
  if (wec) {
    out.timed_out = wec == beast::error::timeout;
    out.error = out.timed_out ? upstreamTimeout(fmt::format("{}: request write timed out", where))
                              : upstreamUnavailable(fmt::format("{}: request write failed: {}",
                                                                where, wec.message()));
    co_return out;
  }
  for (int interim = 0;; ++interim) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(
        static_cast<std::uint32_t>(std::min<size_t>(opts.max_header_bytes, UINT32_MAX)));
    parser.body_limit(opts.max_body_bytes);
    // RFC 9110 §9.3.2: a response to HEAD has no content, whatever its Content-Length says.
    if (req.method() == verb::head) parser.skip(true);
    lowest.expires_after(opts.read_timeout);
    auto [rec, rn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
    out.got_response_bytes = out.got_response_bytes || parser.got_some();
    if (rec) {
      out.timed_out = rec == beast::error::timeout;
      out.error = readError(rec, out.got_response_bytes, where, opts);
      co_return out;
    }
    Response res = parser.release();
    unsigned code = res.result_int();
    // RFC 9110 §15.2: interim (1xx) responses precede the final one; 101 is never expected.
    if (code >= 100 && code < 200 && code != 101 && interim < kMaxInterimResponses) continue;
    out.reusable = res.keep_alive() && buffer.size() == 0;
    out.response = std::move(res);
    co_return out;
  }
}

asio::awaitable<Result<PooledConnectionPtr>> connect(ClientState& s, const Url& url,
                                                     const std::string& server_name,
                                                     const RequestOptions& opts) {
  const std::string where = url.scheme + "://" + url.authority();
  tcp::resolver resolver(s.executor);
  auto [rec, endpoints] = co_await resolver.async_resolve(url.host, std::to_string(url.port),
                                                          tcp::resolver::numeric_service, kTuple);
  if (rec) co_return upstreamUnavailable(fmt::format("resolve {}: {}", url.host, rec.message()));

  beast::tcp_stream tcp(s.executor);
  tcp.expires_after(opts.connect_timeout);
  auto [cec, endpoint] = co_await tcp.async_connect(endpoints, kTuple);
  if (cec == beast::error::timeout) {
    co_return upstreamTimeout(
        fmt::format("connect {}: timed out after {}ms", where, opts.connect_timeout.count()));
  }
  if (cec) co_return upstreamUnavailable(fmt::format("connect {}: {}", where, cec.message()));
  error_code ignored;
  tcp.socket().set_option(tcp::no_delay(true), ignored);

  auto conn = std::make_unique<PooledConnection>();
  if (!url.isTls()) {
    conn->plain.emplace(std::move(tcp));
    co_return std::move(conn);
  }
  if (!s.options.tls) co_return internalError("https: no TLS client context");
  conn->tls.emplace(std::move(tcp), *s.options.tls);
  TlsStream& stream = *conn->tls;
  SSL* ssl = stream.native_handle();
  bool ip_name = isIpLiteral(server_name);
  // RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in HostName."
  if (!ip_name) SSL_set_tlsext_host_name(ssl, server_name.c_str());
  if (opts.verify_tls) {
    stream.set_verify_mode(asio::ssl::verify_peer);
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (ip_name) {
      X509_VERIFY_PARAM_set1_ip_asc(param, server_name.c_str());
    } else {
      // RFC 6125 §6.4.3: a wildcard stands for one whole left-most label only.
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      X509_VERIFY_PARAM_set1_host(param, server_name.c_str(), server_name.size());
    }
  } else {
    stream.set_verify_mode(asio::ssl::verify_none);
  }
  stream.next_layer().expires_after(opts.connect_timeout);
  auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kTuple);
  if (hec == beast::error::timeout) {
    co_return upstreamTimeout(fmt::format("tls handshake with {}: timed out after {}ms", where,
                                          opts.connect_timeout.count()));
  }
  if (hec) {
    long verify = SSL_get_verify_result(ssl);
    if (opts.verify_tls && verify != X509_V_OK) {
      co_return upstreamProtocol(
          fmt::format("tls handshake with {} (name {}): certificate "
                      "verification failed: {}",
                      where, server_name, X509_verify_cert_error_string(verify)));
    }
    if (hec.category() == asio::error::get_ssl_category() ||
        hec == asio::ssl::error::stream_truncated) {
      co_return upstreamProtocol(fmt::format("tls handshake with {}: {}", where, hec.message()));
    }
    co_return upstreamUnavailable(fmt::format("tls handshake with {}: {}", where, hec.message()));
  }
  co_return std::move(conn);
}

asio::awaitable<Result<Response>> perform(std::shared_ptr<ClientState> s, verb method,
                                          std::string url_text, Headers headers, std::string body,
                                          RequestOptions opts) {
  auto url = parseUrl(url_text);
  if (!url) co_return url.error();
  const std::string server_name = opts.tls_server_name.empty() ? url->host : opts.tls_server_name;
  const std::string key = poolKey(*url, server_name, opts.verify_tls);
  const std::string where = fmt::format("{} {}", to_string(method), url->toString());
  auto req = buildRequest(method, *url, headers, std::move(body), s->options.user_agent,
                          opts.reuse_connection);
  if (!req) co_return req.error();

  for (int attempt = 0; attempt < 2; ++attempt) {
    PooledConnectionPtr conn;
    if (opts.reuse_connection && attempt == 0) conn = s->take(key);
    bool pooled = conn != nullptr;
    if (pooled) {
      s->reused.fetch_add(1);
    } else {
      auto fresh = co_await connect(*s, *url, server_name, opts);
      if (!fresh) co_return fresh.error();
      conn = std::move(*fresh);
      s->opened.fetch_add(1);
    }

    Exchange ex;
    if (conn->tls) {
      ex = co_await exchange(*conn->tls, conn->buffer, *req, opts, where);
    } else {
      ex = co_await exchange(*conn->plain, conn->buffer, *req, opts, where);
    }
    if (ex.response) {
      if (ex.reusable && opts.reuse_connection) s->give(key, std::move(conn));
      co_return std::move(*ex.response);
    }
    // The server may have closed a pooled connection just as we reused it (RFC 9112 §9.3.1).
    if (pooled && isIdempotent(method) && !ex.got_response_bytes && !ex.timed_out) {
      s->retries.fetch_add(1);
      continue;
    }
    co_return std::move(*ex.error);
  }
  co_return internalError("unreachable: retry loop exhausted");
}

asio::awaitable<Result<Response>> performGuarded(std::shared_ptr<ClientState> s, verb method,
                                                 std::string url, Headers headers, std::string body,
                                                 RequestOptions opts) {
  std::string error;
  try {
    co_return co_await perform(std::move(s), method, std::move(url), std::move(headers),
                               std::move(body), std::move(opts));
  } catch (const std::exception& e) {
    error = e.what();
  }
  co_return internalError("http client: " + error);
}

}  // namespace

PooledConnectionPtr ClientState::take(const std::string& key) {
  std::lock_guard lock(mu);
  auto it = idle.find(key);
  if (it == idle.end()) return nullptr;
  auto& queue = it->second;
  auto now = Clock::now();
  // Newest first: the most recently used connection is the least likely to be stale.
  while (!queue.empty()) {
    PooledConnectionPtr conn = std::move(queue.back());
    queue.pop_back();
    if (now - conn->idle_since < options.idle_ttl && looksAlive(*conn)) return conn;
  }
  return nullptr;
}

void ClientState::give(const std::string& key, PooledConnectionPtr conn) {
  conn->idle_since = Clock::now();
  std::lock_guard lock(mu);
  auto& queue = idle[key];
  queue.push_back(std::move(conn));
  while (queue.size() > std::max<size_t>(options.max_idle_per_host, 1)) queue.pop_front();
}

}  // namespace detail

Client::Client(boost::asio::any_io_executor executor, ClientOptions options) {
  if (!options.tls) {
    auto ctx = makeClientTlsContext();
    if (ctx) {
      options.tls = std::move(*ctx);
    } else {
      log::error("http client has no TLS context", {{"error", ctx.error().message()}});
    }
  }
  state_ = std::make_shared<detail::ClientState>(std::move(executor), std::move(options));
}

Client::~Client() {
  closeIdle();
}

boost::asio::awaitable<Result<Response>> Client::request(verb method, std::string url,
                                                         Headers headers, std::string body,
                                                         RequestOptions options) {
  // Socket work runs on the client's executor, whatever executor the caller awaits from.
  co_return co_await boost::asio::co_spawn(
      state_->executor,
      detail::performGuarded(state_, method, std::move(url), std::move(headers), std::move(body),
                             std::move(options)),
      boost::asio::use_awaitable);
}

ClientStats Client::stats() const {
  return ClientStats{state_->opened.load(), state_->reused.load(), state_->retries.load()};
}

size_t Client::idleConnections() const {
  std::lock_guard lock(state_->mu);
  size_t n = 0;
  for (const auto& [key, queue] : state_->idle) n += queue.size();
  return n;
}

void Client::closeIdle() {
  std::lock_guard lock(state_->mu);
  state_->idle.clear();
}

}  // namespace cirrus::http
