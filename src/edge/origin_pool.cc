#include "edge/origin_pool.h"

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace cirrus::edge {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
}

OriginPool::OriginPool(asio::io_context& ioc, DeadlineSweeper& sweeper,
                       std::shared_ptr<asio::ssl::context> client_tls,
                       std::shared_ptr<asio::ssl::context> client_tls_noverify,
                       OriginPoolOptions options)
    : ioc_(ioc),
      sweeper_(sweeper),
      client_tls_(std::move(client_tls)),
      client_tls_noverify_(std::move(client_tls_noverify)),
      options_(options) {}

std::string OriginPool::keyOf(const model::Origin& o) {
  return fmt::format("{}://{}:{}|{}|{}", model::toString(o.scheme), o.host, o.port, o.sni,
                     o.verify_tls ? 1 : 0);
}

asio::awaitable<Result<std::vector<tcp::endpoint>>> OriginPool::resolve(
    const model::Origin& origin) {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(origin.host, ec);
  if (!ec) co_return std::vector<tcp::endpoint>{tcp::endpoint(addr, origin.port)};
  std::string key = fmt::format("{}:{}", origin.host, origin.port);
  auto now = std::chrono::steady_clock::now();
  if (auto it = dns_.find(key); it != dns_.end() && it->second.expires > now) {
    co_return it->second.endpoints;
  }
  tcp::resolver resolver(ioc_);
  auto [rec, results] =
      co_await resolver.async_resolve(origin.host, std::to_string(origin.port), kTuple);
  if (rec || results.empty()) {
    co_return upstreamUnavailable(
        fmt::format("resolve {}: {}", origin.host, rec ? rec.message() : "no address"));
  }
  std::vector<tcp::endpoint> endpoints;
  for (const auto& r : results) endpoints.push_back(r.endpoint());
  dns_[key] = Resolved{endpoints, now + options_.dns_ttl};
  co_return endpoints;
}

asio::awaitable<Result<OriginConnection>> OriginPool::acquire(const model::Origin& origin,
                                                              bool allow_reuse) {
  std::string key = keyOf(origin);
  if (allow_reuse) {
    auto it = idle_.find(key);
    if (it != idle_.end() && !it->second.empty()) {
      // Most recently used first: the one least likely to have been closed by the origin.
      TransportPtr t = std::move(it->second.back().transport);
      it->second.pop_back();
      co_return OriginConnection{std::move(t), std::move(key), true};
    }
  }
  auto endpoints = co_await resolve(origin);
  if (!endpoints) co_return endpoints.error();

  tcp::socket socket(ioc_);
  auto started = std::chrono::steady_clock::now();
  auto deadline = started + options_.connect_timeout;
  // The deadline covers connect and the TLS handshake; the sweeper enforces it through a
  // PlainTransport wrapper (it closes the socket, failing the pending operation).
  auto guard = std::make_unique<PlainTransport>(sweeper_, std::move(socket));
  guard->setDeadlineAt(deadline);
  auto [ec, ep] = co_await asio::async_connect(guard->lowestLayer(), *endpoints, kTuple);
  (void)ep;
  if (ec) {
    if (guard->timedOut()) {
      co_return upstreamTimeout(fmt::format("connect {}:{}: timeout", origin.host, origin.port));
    }
    co_return upstreamUnavailable(
        fmt::format("connect {}:{}: {}", origin.host, origin.port, ec.message()));
  }
  guard->lowestLayer().set_option(tcp::no_delay(true));
  if (origin.scheme == model::OriginScheme::kHttp) {
    guard->clearDeadline();
    co_return OriginConnection{std::move(guard), std::move(key), false};
  }

  // https origin: SNI (RFC 6066 §3) and, with verify_tls, chain + host name verification.
  auto& ctx = origin.verify_tls ? *client_tls_ : *client_tls_noverify_;
  TlsTransport::Stream stream(std::move(guard->lowestLayer()), ctx);
  guard.reset();
  auto tls = std::make_unique<TlsTransport>(sweeper_, std::move(stream));
  tls->setDeadlineAt(deadline);
  SSL* ssl = tls->stream().native_handle();
  if (!origin.sni.empty()) SSL_set_tlsext_host_name(ssl, origin.sni.c_str());
  if (origin.verify_tls) {
    tls->stream().set_verify_mode(asio::ssl::verify_peer);
    std::string expected = origin.sni.empty() ? origin.host : origin.sni;
    tls->stream().set_verify_callback(asio::ssl::host_name_verification(expected));
  } else {
    tls->stream().set_verify_mode(asio::ssl::verify_none);
  }
  auto [hec] = co_await tls->stream().async_handshake(asio::ssl::stream_base::client, kTuple);
  if (hec) {
    if (tls->timedOut()) {
      co_return upstreamTimeout(fmt::format("TLS {}:{}: timeout", origin.host, origin.port));
    }
    co_return upstreamUnavailable(
        fmt::format("TLS {}:{}: {}", origin.host, origin.port, hec.message()));
  }
  tls->clearDeadline();
  co_return OriginConnection{std::move(tls), std::move(key), false};
}

void OriginPool::release(OriginConnection conn) {
  auto& q = idle_[conn.key];
  if (q.size() >= options_.max_idle_per_origin) return;  // conn closes as it goes
  conn.transport->clearDeadline();
  q.push_back(Idle{std::move(conn.transport), std::chrono::steady_clock::now()});
}

void OriginPool::closeIdle(std::chrono::steady_clock::time_point now) {
  for (auto& [key, q] : idle_) {
    while (!q.empty() && now - q.front().since > options_.idle_timeout) q.pop_front();
  }
}

void OriginPool::clear() {
  idle_.clear();
}

}  // namespace cirrus::edge
