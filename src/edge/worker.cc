#include "edge/worker.h"

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.h"
#include "edge/client_connection.h"
#include "edge/tls_store.h"

namespace cirrus::edge {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr auto kSweepInterval = std::chrono::milliseconds(100);

// Logs whatever escaped a coroutine: nothing may reach the io_context (style rule 9).
void logFailure(std::exception_ptr e, std::string_view what) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    log::error("edge coroutine failed", {{"what", what}, {"error", ex.what()}});
  }
}
}  // namespace

WorkerContext::WorkerContext(asio::io_context& io, const ConfigHolder& holder,
                             EdgeMetrics& edge_metrics, AccessLog& log, EdgeOptions opts,
                             std::shared_ptr<asio::ssl::context> client_tls,
                             std::shared_ptr<asio::ssl::context> client_tls_noverify)
    : ioc(io),
      pool(io, sweeper, std::move(client_tls), std::move(client_tls_noverify), opts.pool),
      config(holder),
      metrics(edge_metrics),
      access_log(log),
      options(std::move(opts)) {}

void WorkerContext::refreshConfig() {
  if (config.refresh()) {
    selectors_.clear();
    rules_.clear();
    metrics.forgetHosts();
  }
}

const cache::CompiledRules& WorkerContext::rulesFor(const model::DomainConf& conf) {
  auto it = rules_.find(conf.domain);
  if (it == rules_.end()) {
    it = rules_.emplace(conf.domain, std::make_unique<cache::CompiledRules>(conf.cache)).first;
  }
  return *it->second;
}

OriginSelector& WorkerContext::selectorFor(const model::DomainConf& conf) {
  auto it = selectors_.find(conf.domain);
  if (it == selectors_.end()) {
    std::vector<int64_t> weights;
    for (const auto& o : conf.origins) weights.push_back(o.weight);
    it = selectors_.emplace(conf.domain, OriginSelector(std::move(weights))).first;
  }
  return it->second;
}

Worker::Worker(size_t index, const ConfigHolder& config, EdgeMetrics& metrics,
               AccessLog& access_log, EdgeOptions options,
               std::shared_ptr<asio::ssl::context> client_tls,
               std::shared_ptr<asio::ssl::context> client_tls_noverify)
    : index_(index),
      ctx_(std::make_unique<WorkerContext>(ioc_, config, metrics, access_log, std::move(options),
                                           std::move(client_tls), std::move(client_tls_noverify))) {
}

Worker::~Worker() {
  if (thread_.joinable()) {
    ioc_.stop();
    thread_.join();
  }
}

Result<void> Worker::listen(const Endpoint& http, const Endpoint* https, TlsStore* tls_store) {
  tls_store_ = tls_store;
  auto bind = [&](const Endpoint& ep, bool tls) -> Result<void> {
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(ep.host, ec);
    if (ec) return internalError(fmt::format("listen {}: not an address", ep.toString()));
    tcp::endpoint endpoint(addr, ep.port);
    auto acceptor = std::make_unique<tcp::acceptor>(ioc_);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) {
      // SO_REUSEPORT: one listening socket per worker, and a new edge process can bind the
      // same port while the old one drains (zero-downtime restart).
      int one = 1;
      if (::setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) !=
          0) {
        ec = boost::system::error_code(errno, boost::system::system_category());
      }
    }
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(4096, ec);
    if (ec) return internalError(fmt::format("listen {}: {}", ep.toString(), ec.message()));
    if (!tls) http_endpoint_ = acceptor->local_endpoint();
    acceptors_.push_back(std::move(acceptor));
    return ok();
  };
  if (auto r = bind(http, false); !r) return r;
  if (https != nullptr && tls_store != nullptr) {
    if (auto r = bind(*https, true); !r) return r;
  }
  return ok();
}

void Worker::start() {
  for (size_t i = 0; i < acceptors_.size(); ++i) {
    bool tls = i > 0;
    asio::co_spawn(ioc_, acceptLoop(*acceptors_[i], tls),
                   [](std::exception_ptr e) { logFailure(e, "accept loop"); });
  }
  asio::co_spawn(ioc_, sweepLoop(), [](std::exception_ptr e) { logFailure(e, "sweeper"); });
  thread_ = std::thread([this] { ioc_.run(); });
}

asio::awaitable<void> Worker::acceptLoop(tcp::acceptor& acceptor, bool tls) {
  while (acceptor.is_open()) {
    auto [ec, socket] = co_await acceptor.async_accept(kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      // EMFILE and friends: back off briefly instead of spinning.
      asio::steady_timer t(ioc_, std::chrono::milliseconds(50));
      co_await t.async_wait(kTuple);
      continue;
    }
    spawnConnection(std::move(socket), tls);
  }
}

void Worker::spawnConnection(tcp::socket socket, bool tls) {
  ctx_->metrics.shared().connections_accepted.inc();
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto remote = socket.remote_endpoint(ignored);
  if (tls) {
    asio::co_spawn(ioc_, tls_store_->serve(*ctx_, std::move(socket), remote),
                   [](std::exception_ptr e) { logFailure(e, "tls connection"); });
    return;
  }
  auto conn = std::make_shared<ClientConnection>(
      *ctx_, std::make_unique<PlainTransport>(ctx_->sweeper, std::move(socket)), remote);
  asio::co_spawn(
      ioc_, [conn]() -> asio::awaitable<void> { co_await conn->run(); },
      [](std::exception_ptr e) { logFailure(e, "connection"); });
}

asio::awaitable<void> Worker::sweepLoop() {
  asio::steady_timer timer(ioc_);
  while (true) {
    timer.expires_after(kSweepInterval);
    auto [ec] = co_await timer.async_wait(kTuple);
    if (ec) co_return;
    auto now = std::chrono::steady_clock::now();
    ctx_->sweeper.sweep(now);
    ctx_->pool.closeIdle(now);
    if (ctx_->draining && ctx_->connections.empty() && ctx_->background_tasks == 0) co_return;
  }
}

void Worker::drain(std::function<void()> on_done) {
  asio::post(ioc_, [this, on_done = std::move(on_done)]() mutable {
    asio::co_spawn(ioc_, drainLoop(std::move(on_done)),
                   [](std::exception_ptr e) { logFailure(e, "drain"); });
  });
}

asio::awaitable<void> Worker::drainLoop(std::function<void()> on_done) {
  ctx_->draining = true;
  boost::system::error_code ignored;
  // Zero-downtime restart: another process bound the same ports (SO_REUSEPORT), so the
  // kernel already sends it new connections. Closing a listener resets whatever sits in its
  // accept queue, so take every queued connection first, then close at once (no suspension
  // in between, which leaves only a window of microseconds).
  for (size_t i = 0; i < acceptors_.size(); ++i) {
    auto& a = *acceptors_[i];
    a.non_blocking(true, ignored);
    for (int n = 0; n < 100000; ++n) {
      tcp::socket s(ioc_);
      a.accept(s, ignored);
      if (ignored) break;
      spawnConnection(std::move(s), i > 0);
    }
    a.close(ignored);
  }
  auto deadline = std::chrono::steady_clock::now() + ctx_->options.drain_timeout;
  asio::steady_timer timer(ioc_);
  while ((!ctx_->connections.empty() || ctx_->background_tasks > 0) &&
         std::chrono::steady_clock::now() < deadline) {
    // Copy: closing may destroy connections while we iterate.
    std::vector<DrainTarget*> snapshot(ctx_->connections.begin(), ctx_->connections.end());
    for (auto* c : snapshot) {
      if (ctx_->connections.contains(c)) c->closeIfIdle();
    }
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(kTuple);
  }
  if (!ctx_->connections.empty()) {
    log::warn("drain deadline passed",
              {{"worker", index_}, {"connections", ctx_->connections.size()}});
    std::vector<DrainTarget*> rest(ctx_->connections.begin(), ctx_->connections.end());
    for (auto* c : rest) c->abort();
  }
  ctx_->pool.clear();
  on_done();
}

void Worker::join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace cirrus::edge
