// test::RedisMonitor: records the commands that reach a RedisServer through MONITOR, so store
// tests assert the exact sequence a write sent (style-anchors rule 13), e.g. MULTI, SET, SADD,
// XADD, EXEC, then PUBLISH. A blocking socket read by one thread; waits are bounded.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/redis_server.h"

namespace cirrus::test {

class RedisMonitor {
 public:
  using Argv = std::vector<std::string>;

  struct Entry {
    int db = 0;
    std::string client;  // "127.0.0.1:54321", or "lua" for commands run by a script
    Argv argv;           // as sent; the command name keeps the client's case
  };

  /// Connection handshake commands, ignored by default so tests see only what the code under
  /// test asked for.
  static std::set<std::string> defaultIgnored() { return {"AUTH", "SELECT"}; }

  /// Connects (authenticating with server.options().password), issues MONITOR and returns once
  /// Redis confirmed it: every command sent afterwards is recorded. Commands whose upper-cased
  /// name is in `ignored` are skipped. Throws std::runtime_error when MONITOR cannot start.
  explicit RedisMonitor(const RedisServer& server,
                        std::set<std::string> ignored = defaultIgnored());
  ~RedisMonitor();
  RedisMonitor(const RedisMonitor&) = delete;
  RedisMonitor& operator=(const RedisMonitor&) = delete;

  /// The argv of every recorded command, oldest first.
  std::vector<Argv> commands() const;
  std::vector<Entry> entries() const;
  /// Forgets everything recorded so far.
  void clear();

  /// Waits until at least `count` commands are recorded; false on timeout.
  bool waitForCount(size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// Waits until `done(commands())` holds; false on timeout.
  bool waitFor(const std::function<bool(const std::vector<Argv>&)>& done,
               std::chrono::milliseconds timeout = std::chrono::seconds(5));

  /// Parses one MONITOR line: `1700000000.123456 [0 127.0.0.1:5000] "SET" "k" "v\x00"`
  /// (with or without the leading '+'). nullopt when it is not a command line.
  static std::optional<Entry> parseLine(std::string_view line);

 private:
  void readLoop();

  std::set<std::string> ignored_;
  int fd_ = -1;
  std::string own_address_;
  std::string pending_;  // bytes after the last complete line
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Entry> entries_;
  std::thread reader_;
};

}  // namespace cirrus::test
