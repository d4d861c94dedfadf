#include "edge/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>

#include <fmt/format.h>

namespace cirrus::edge {
namespace {

void appendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u >= 0x7f) {
      // Raw request bytes are not guaranteed UTF-8: escape everything outside ASCII.
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", u);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

int openFile(const std::string& path) {
  return ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

}  // namespace

Result<std::unique_ptr<AccessLog>> AccessLog::open(std::string target) {
  if (target == "off") return std::unique_ptr<AccessLog>(new AccessLog(target, -1));
  if (target == "stdout" || target.empty()) {
    return std::unique_ptr<AccessLog>(new AccessLog("stdout", STDOUT_FILENO));
  }
  int fd = openFile(target);
  if (fd < 0) {
    return internalError(fmt::format("open access log {}: {}", target, std::strerror(errno)));
  }
  return std::unique_ptr<AccessLog>(new AccessLog(std::move(target), fd));
}

AccessLog::~AccessLog() {
  if (fd_ > STDERR_FILENO) ::close(fd_);
}

void AccessLog::format(const AccessEntry& e, std::string& out) {
  out.clear();
  auto secs = std::chrono::duration_cast<std::chrono::milliseconds>(e.time.time_since_epoch());
  std::time_t t = static_cast<std::time_t>(secs.count() / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  fmt::format_to(
      std::back_inserter(out),
      "{{\"time\":\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z\",\"client\":", tm.tm_year + 1900,
      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, secs.count() % 1000);
  appendJsonString(out, e.client);
  out += ",\"host\":";
  appendJsonString(out, e.host);
  out += ",\"method\":";
  appendJsonString(out, e.method);
  out += ",\"path\":";
  appendJsonString(out, e.path);
  fmt::format_to(std::back_inserter(out), ",\"status\":{},\"bytes\":{},\"duration\":{:.6f}",
                 e.status, e.bytes, e.duration);
  out += ",\"cache\":";
  appendJsonString(out, e.cache);
  out += ",\"origin\":";
  appendJsonString(out, e.origin);
  if (e.upstream_time >= 0) {
    fmt::format_to(std::back_inserter(out), ",\"upstream_time\":{:.6f}}}\n", e.upstream_time);
  } else {
    out += ",\"upstream_time\":null}\n";
  }
}

void AccessLog::write(const AccessEntry& e) {
  if (fd_ < 0) return;
  thread_local std::string line;
  format(e, line);
  ssize_t n = ::write(fd_, line.data(), line.size());
  (void)n;  // a lost access-log line must never fail a request
}

Result<void> AccessLog::reopen() {
  if (fd_ <= STDERR_FILENO) return ok();
  int fresh = openFile(target_);
  if (fresh < 0) {
    return internalError(fmt::format("reopen access log {}: {}", target_, std::strerror(errno)));
  }
  ::dup2(fresh, fd_);
  ::close(fresh);
  return ok();
}

}  // namespace cirrus::edge
