// Runs a process role's io_context until SIGTERM or SIGINT, then lets the role stop
// gracefully (bounded) before returning. Every `cirrus <role>` main loop goes through here so
// signal handling and shutdown deadlines behave the same in every process.
#pragma once

#include <chrono>
#include <functional>

#include <boost/asio/io_context.hpp>

namespace cirrus {

struct ServiceRunOptions {
  size_t threads = 1;  // threads running the io_context
  /// How long the role's graceful stop may take after the signal before the loop is stopped.
  std::chrono::milliseconds stop_deadline{15'000};
};

/// Called once on the io_context when the first SIGTERM/SIGINT arrives; the role stops
/// accepting work and calls `done` when it has drained (a second signal stops at once).
using GracefulStop = std::function<void(std::function<void()> done)>;

/// Blocks until the role has stopped. Returns 0 after a graceful stop, 1 when the deadline
/// passed or a second signal forced the stop.
int runUntilSignalled(boost::asio::io_context& ioc, GracefulStop stop,
                      ServiceRunOptions options = {});

}  // namespace cirrus
