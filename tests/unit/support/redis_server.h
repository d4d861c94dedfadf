// test::RedisServer: a real redis-server on a free 127.0.0.1 port for one test or suite
// (style-anchors rule 11: Redis tests never mock Redis). RAII: the process (in its own process
// group, killed with the test process) and its temporary directory go away with the object.
// Create it on the thread that runs the test: the server is killed when that thread exits.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/config.h"

namespace cirrus::test {

class RedisServer {
 public:
  /// Starts redis-server and waits (bounded) until it answers PING; a failure to start is a
  /// fatal gtest failure that quotes the server's log. `extra_args` are appended to the
  /// command line, e.g. {"--requirepass", "s3cret"}; a --requirepass value is also put into
  /// options().password.
  explicit RedisServer(std::vector<std::string> extra_args = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  uint16_t port() const { return port_; }
  /// Host, port and password for a redis::Client; db 0, command_timeout 2 s.
  config::RedisOptions options() const;

  /// Graceful shutdown: SIGTERM, then SIGKILL if it has not exited within 5 s.
  void stop();
  /// SIGKILL, as in a crash: clients see their connections reset.
  void kill();
  /// Starts it again on the same port (after stop() or kill()) and waits for PING.
  void start();
  bool running() const { return pid_ > 0; }

  /// Where the server writes its log (in its temporary directory).
  const std::string& logPath() const { return log_path_; }

 private:
  void signalAndWait(int signal, std::chrono::milliseconds grace);
  bool answersPing() const;

  std::vector<std::string> extra_args_;
  std::string password_;
  std::string dir_;
  std::string log_path_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

/// A free TCP port on 127.0.0.1 (bound to port 0 and released; a small race is accepted).
uint16_t freeLoopbackPort();

}  // namespace cirrus::test
