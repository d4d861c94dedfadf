// Shared fixture of the store tests: a real redis-server per test, the client the repository
// under test uses, a second client for reading Redis directly, and a rendering of MONITOR
// output so a test asserts the exact commands a write sent (style-anchors rule 13).
#pragma once

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "core/redis_client.h"
#include "core/sync_runner.h"
#include "store/audit_log.h"
#include "support/redis_monitor.h"
#include "support/redis_server.h"

namespace cirrus::test {

inline constexpr int64_t kNow = 1700000000;

class StoreTest : public ::testing::Test {
 protected:
  /// `server_args` go to redis-server, e.g. {"--appendonly", "yes"} to survive a restart.
  explicit StoreTest(std::vector<std::string> server_args = {}) : server_(std::move(server_args)) {}

  template <class T>
  T run(boost::asio::awaitable<T> task) {
    return runSync(io_, std::move(task), std::chrono::seconds(30));
  }

  /// One command through the reading client; fails the test on a transport error.
  redis::Reply raw(redis::Command argv) {
    auto reply = run(reader_.command(std::move(argv)));
    EXPECT_TRUE(reply) << reply.error().message();
    return reply ? *reply : redis::Reply();
  }
  bool exists(const std::string& key) { return raw({"EXISTS", key}).integer() == 1; }
  int64_t ttl(const std::string& key) { return raw({"TTL", key}).integer(); }

  static store::AuditContext audit(std::string actor = "alice") {
    return {std::move(actor), store::AuthMethod::kSession, kNow, nlohmann::json::object()};
  }

  /// Every command the monitor recorded before a sentinel sent now through the reading
  /// client, each rendered as its space-separated argv with the name upper-cased. A script
  /// call (EVALSHA, or EVALSHA answered NOSCRIPT then EVAL) renders as one "SCRIPT"; the
  /// commands the script ran follow it. The sentinel makes the list complete: Redis feeds
  /// MONITOR in execution order, so everything before it has been recorded once it shows.
  std::vector<std::string> recorded(RedisMonitor& monitor) {
    const std::string sentinel = "store-test-sentinel";
    raw({"ECHO", sentinel});
    bool seen = monitor.waitFor([&](const std::vector<RedisMonitor::Argv>& commands) {
      return std::any_of(commands.begin(), commands.end(), [&](const RedisMonitor::Argv& argv) {
        return argv.size() == 2 && argv[1] == sentinel;
      });
    });
    EXPECT_TRUE(seen) << "MONITOR never showed the sentinel";
    std::vector<std::string> lines;
    for (const RedisMonitor::Argv& argv : monitor.commands()) {
      if (argv.size() == 2 && argv[1] == sentinel) break;
      std::string name = argv[0];
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      if (name == "EVALSHA" || name == "EVAL") {
        if (lines.empty() || lines.back() != "SCRIPT") lines.push_back("SCRIPT");
        continue;
      }
      std::string line = name;
      for (size_t i = 1; i < argv.size(); ++i) line += " " + argv[i];
      lines.push_back(std::move(line));
    }
    return lines;
  }

  RedisServer server_;
  boost::asio::io_context io_;
  redis::Client client_{io_.get_executor(), server_.options()};
  redis::Client reader_{io_.get_executor(), server_.options()};
};

}  // namespace cirrus::test
