#include "http/server.h"

#include <exception>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.h"
#include "http/server_state.h"

namespace cirrus::http {
namespace detail {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

std::string describe(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace

ServerState::ServerState(asio::io_context& io, ServerOptions opts, Router r, bool owns)
    : ioc(io),
      options(std::move(opts)),
      router(std::move(r)),
      owns_ioc(owns),
      control(asio::make_strand(io)),
      acceptor(control),
      grace_timer(control) {}

ConnectionHandleSharedPtr ServerState::addConnection(asio::any_io_executor executor) {
  auto handle = std::make_shared<ConnectionHandle>();
  handle->id = next_connection_id.fetch_add(1);
  handle->executor = std::move(executor);
  std::lock_guard lock(mu);
  connections.emplace(handle->id, handle);
  return handle;
}

void ServerState::removeConnection(uint64_t id) {
  bool drained = false;
  {
    std::lock_guard lock(mu);
    connections.erase(id);
    drained = stopping.load() && connections.empty();
  }
  if (drained) asio::post(control, [self = shared_from_this()] { self->finishStopIfDrained(); });
}

asio::awaitable<void> ServerState::acceptLoop() {
  auto self = shared_from_this();
  for (;;) {
    auto strand = asio::make_strand(ioc);
    auto [ec, socket] = co_await acceptor.async_accept(asio::any_io_executor(strand),
                                                       asio::as_tuple(asio::use_awaitable));
    if (stopping.load()) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      log::warn("http accept failed", {{"listener", options.name}, {"error", ec.message()}});
      // Out of descriptors (EMFILE) is the usual cause: back off instead of spinning.
      asio::steady_timer pause(control, std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    ConnectionHandleSharedPtr handle = addConnection(strand);
    asio::co_spawn(strand, serveConnection(self, handle, std::move(socket)),
                   [self, id = handle->id](std::exception_ptr e) {
                     if (e) {
                       log::error("http connection failed",
                                  {{"listener", self->options.name}, {"error", describe(e)}});
                     }
                     self->removeConnection(id);
                   });
  }
}

void ServerState::beginStop(std::function<void()> on_stopped_cb) {
  if (on_stopped_cb) {
    std::unique_lock lock(mu);
    if (stop_finished) {
      lock.unlock();
      on_stopped_cb();
    } else {
      on_stopped.push_back(std::move(on_stopped_cb));
    }
  }
  if (stopping.exchange(true)) return;
  boost::system::error_code ignored;
  acceptor.close(ignored);

  std::vector<ConnectionHandleSharedPtr> snapshot;
  {
    std::lock_guard lock(mu);
    for (const auto& [id, handle] : connections) snapshot.push_back(handle);
  }
  // Idle connections close now; busy ones see `stopping` after their response.
  for (const auto& handle : snapshot) {
    asio::post(handle->executor, [handle] {
      if (handle->idle && handle->tcp != nullptr) handle->tcp->cancel();
    });
  }

  grace_timer.expires_after(options.shutdown_grace);
  grace_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec) return;
    std::vector<ConnectionHandleSharedPtr> remaining;
    {
      std::lock_guard lock(self->mu);
      for (const auto& [id, handle] : self->connections) remaining.push_back(handle);
    }
    log::warn("http stop grace elapsed, closing connections",
              {{"listener", self->options.name}, {"connections", remaining.size()}});
    for (const auto& handle : remaining) {
      asio::post(handle->executor, [handle] {
        if (handle->tcp != nullptr) handle->tcp->close();
      });
    }
    if (!self->owns_ioc) return;
    // A handler that ignores its closed socket must not hold an owned pool forever.
    self->grace_timer.expires_after(std::chrono::seconds(1));
    self->grace_timer.async_wait([self](boost::system::error_code ec2) {
      if (!ec2) self->ioc.stop();
    });
  });
  finishStopIfDrained();
}

void ServerState::finishStopIfDrained() {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mu);
    if (stop_finished || !stopping.load() || !connections.empty()) return;
    stop_finished = true;
    callbacks.swap(on_stopped);
  }
  grace_timer.cancel();
  for (auto& cb : callbacks) {
    try {
      cb();
    } catch (const std::exception& e) {
      log::error("http on_stopped callback threw", {{"error", e.what()}});
    }
  }
}

}  // namespace detail

Server::Server(boost::asio::io_context& ioc, ServerOptions options, Router router)
    : state_(std::make_shared<detail::ServerState>(ioc, std::move(options), std::move(router),
                                                   false)) {}

Server::Server(ServerOptions options, Router router)
    : owned_ioc_(std::make_unique<boost::asio::io_context>(
          static_cast<int>(std::max<size_t>(options.threads, 1)))),
      state_(std::make_shared<detail::ServerState>(*owned_ioc_, std::move(options),
                                                   std::move(router), true)) {}

Server::~Server() {
  stop();
  join();
}

Result<void> Server::start() {
  namespace asio = boost::asio;
  using tcp = asio::ip::tcp;
  auto& s = *state_;
  const Endpoint& listen = s.options.listen;
  auto fail = [&](std::string_view what, const boost::system::error_code& ec) {
    return internalError("listen " + listen.toString() + ": " + std::string(what) + ": " +
                         ec.message());
  };
  if (s.acceptor.is_open() || s.stopping.load()) {
    return internalError("listen " + listen.toString() + ": server already started or stopped");
  }

  boost::system::error_code ec;
  tcp::endpoint endpoint;
  std::string host = listen.host.empty() ? "0.0.0.0" : listen.host;
  auto address = asio::ip::make_address(host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, listen.port);
  } else {
    tcp::resolver resolver(s.ioc);
    auto results = resolver.resolve(host, std::to_string(listen.port), ec);
    if (ec) return fail("resolve", ec);
    if (results.empty()) return fail("resolve", asio::error::host_not_found);
    endpoint = results.begin()->endpoint();
  }

  s.acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("socket", ec);
  s.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec && s.options.reuse_port) s.acceptor.set_option(detail::ReusePort(true), ec);
  if (ec) return fail("setsockopt", ec);
  s.acceptor.bind(endpoint, ec);
  if (ec) return fail("bind", ec);
  s.acceptor.listen(s.options.backlog, ec);
  if (ec) return fail("listen", ec);
  s.bound = s.acceptor.local_endpoint(ec);
  if (ec) return fail("getsockname", ec);

  asio::co_spawn(s.control, s.acceptLoop(), [state = state_](std::exception_ptr e) {
    if (e) {
      log::error("http accept loop failed",
                 {{"listener", state->options.name}, {"error", detail::describe(e)}});
    }
  });
  if (owned_ioc_) {
    for (size_t i = 0; i < std::max<size_t>(s.options.threads, 1); ++i) {
      threads_.emplace_back([ioc = owned_ioc_.get(), name = s.options.name] {
        // Handlers are wrapped so nothing should reach here; if something does, keep serving.
        for (;;) {
          try {
            ioc->run();
            return;
          } catch (const std::exception& e) {
            log::error("http server thread caught exception",
                       {{"listener", name}, {"error", e.what()}});
          }
        }
      });
    }
  }
  log::info("http listening", {{"listener", s.options.name},
                               {"address", s.bound.address().to_string()},
                               {"port", s.bound.port()},
                               {"tls", s.options.tls != nullptr}});
  return ok();
}

boost::asio::ip::tcp::endpoint Server::boundEndpoint() const {
  return state_->bound;
}

void Server::stop(std::function<void()> on_stopped) {
  boost::asio::post(state_->control, [state = state_, cb = std::move(on_stopped)]() mutable {
    state->beginStop(std::move(cb));
  });
}

void Server::join() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

size_t Server::activeConnections() const {
  std::lock_guard lock(state_->mu);
  return state_->connections.size();
}

}  // namespace cirrus::http
