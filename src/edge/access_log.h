// Access log of the edge (spec §11): one JSON object per request, written with one write(2)
// so lines from different workers never interleave. EDGE_ACCESS_LOG is "stdout", "off" or a
// path; a file is reopened by reopen() (SIGUSR1, after logrotate moved it) by dup2() of a
// fresh descriptor over the old one, which is atomic for writers on other threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace cirrus::edge {

struct AccessEntry {
  std::chrono::system_clock::time_point time;
  std::string_view client;  // address text
  std::string_view host;
  std::string_view method;
  std::string_view path;
  unsigned status = 0;
  uint64_t bytes = 0;   // response body bytes sent
  double duration = 0;  // seconds
  std::string_view cache = "-";
  std::string_view origin;    // "host:port" or ""
  double upstream_time = -1;  // seconds; < 0 when no origin was asked
};

class AccessLog {
 public:
  /// target: "stdout", "off" or a file path (opened for append, created 0640).
  /// Errors: internalError naming the path.
  static Result<std::unique_ptr<AccessLog>> open(std::string target);
  ~AccessLog();

  bool enabled() const { return fd_ >= 0; }
  /// Thread-safe; never throws; a failed write is dropped.
  void write(const AccessEntry& e);
  /// Reopens a file target (no-op for stdout/off). Thread-safe.
  Result<void> reopen();

  /// The JSON line for e (with '\n'), into out; exposed for tests.
  static void format(const AccessEntry& e, std::string& out);

 private:
  AccessLog(std::string target, int fd) : target_(std::move(target)), fd_(fd) {}
  std::string target_;
  int fd_;
};

}  // namespace cirrus::edge
