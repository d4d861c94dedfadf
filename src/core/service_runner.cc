#include "core/service_runner.h"

#include <atomic>
#include <csignal>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/log.h"

namespace cirrus {

int runUntilSignalled(boost::asio::io_context& ioc, GracefulStop stop, ServiceRunOptions options) {
  // A write to a peer that went away must fail with EPIPE, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);

  auto work = boost::asio::make_work_guard(ioc);
  boost::asio::signal_set signals(ioc, SIGTERM, SIGINT);
  boost::asio::steady_timer deadline(ioc);
  auto forced = std::make_shared<std::atomic<bool>>(false);
  auto stopping = std::make_shared<std::atomic<bool>>(false);

  auto finish = [&ioc, &work, &signals, &deadline]() {
    boost::system::error_code ignored;
    signals.cancel(ignored);
    deadline.cancel();
    work.reset();
    ioc.stop();
  };

  std::function<void(const boost::system::error_code&, int)> on_signal;
  on_signal = [&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    if (stopping->exchange(true)) {
      log::warn("second signal: stopping now", {{"signal", signo}});
      forced->store(true);
      finish();
      return;
    }
    log::info("stopping", {{"signal", signo}});
    signals.async_wait(on_signal);
    deadline.expires_after(options.stop_deadline);
    deadline.async_wait([&, forced](const boost::system::error_code& tec) {
      if (tec) return;
      log::warn("graceful stop deadline passed; stopping now",
                {{"deadline_ms", options.stop_deadline.count()}});
      forced->store(true);
      finish();
    });
    // Only ioc (owned by the caller, outliving this call) is captured: `done` may run late.
    stop([&ioc]() { ioc.stop(); });
  };
  signals.async_wait(on_signal);

  std::vector<std::thread> threads;
  for (size_t i = 1; i < options.threads; ++i) threads.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : threads) t.join();
  return forced->load() ? 1 : 0;
}

}  // namespace cirrus
