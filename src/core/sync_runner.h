// runSync: drive an io_context until one awaitable completes, for code that is not itself a
// coroutine (unit tests, start-up checks in cli/). Never use it on a thread that is already
// running the io_context: it would deadlock or reorder that thread's work. runUntil does the
// same for a condition.
#pragma once

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace cirrus {

/// Runs `task` on `io` and returns its result. Other work on `io` (background coroutines)
/// makes progress meanwhile and is left pending afterwards. Rethrows an exception thrown by
/// `task`; throws std::runtime_error when `task` has not finished within `limit` (the task is
/// then left suspended on `io`).
template <class T>
T runSync(boost::asio::io_context& io, boost::asio::awaitable<T> task,
          std::chrono::steady_clock::duration limit = std::chrono::seconds(60)) {
  // Shared with the completion handler, which may outlive this call after a timeout.
  struct State {
    std::optional<std::conditional_t<std::is_void_v<T>, bool, T>> result;
    std::exception_ptr failure;
    bool done = false;
  };
  auto state = std::make_shared<State>();
  if constexpr (std::is_void_v<T>) {
    boost::asio::co_spawn(io, std::move(task), [state](std::exception_ptr e) {
      state->failure = e;
      state->done = true;
    });
  } else {
    boost::asio::co_spawn(io, std::move(task), [state](std::exception_ptr e, T value) {
      state->failure = e;
      if (!e) state->result.emplace(std::move(value));
      state->done = true;
    });
  }
  auto deadline = std::chrono::steady_clock::now() + limit;
  if (io.stopped()) io.restart();
  while (!state->done && std::chrono::steady_clock::now() < deadline) {
    io.run_one_until(deadline);
    if (io.stopped() && !state->done) io.restart();
  }
  if (!state->done) throw std::runtime_error("runSync: the task did not finish in time");
  if (state->failure) std::rethrow_exception(state->failure);
  if constexpr (!std::is_void_v<T>) return std::move(*state->result);
}

/// Runs `io` until `done()` holds (checked between slices of at most 10 ms) or `limit` passes;
/// returns done(). For tests that wait for a background effect (a message, a reconnect).
template <class Predicate>
bool runUntil(boost::asio::io_context& io, Predicate done,
              std::chrono::steady_clock::duration limit = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  if (io.stopped()) io.restart();
  for (;;) {
    if (done()) return true;  // evaluated once per slice: it may have side effects
    if (std::chrono::steady_clock::now() >= deadline) return false;
    // Bounded slices, so a predicate that turns true without a handler is still seen.
    if (io.run_one_for(std::chrono::milliseconds(10)) == 0 && io.stopped()) {
      io.restart();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // no work queued at all
    }
  }
}

}  // namespace cirrus
