#include "core/log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>

#include <fmt/format.h>

namespace cirrus::log {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<LogFormat> g_format{LogFormat::kText};
std::string g_component = "cirrus";  // written once before threads start

std::string_view levelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

std::string isoTime(double unix_time) {
  auto secs = static_cast<std::time_t>(unix_time);
  int millis = static_cast<int>((unix_time - static_cast<double>(secs)) * 1000.0);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

/// Text lines stay one line per event: CR and LF in peer-controlled text are escaped.
std::string oneLine(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

void configure(LogLevel level, LogFormat format, std::string_view component) {
  g_level.store(static_cast<int>(level));
  g_format.store(format);
  g_component = std::string(component);
}

bool enabled(LogLevel level) {
  return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

std::string formatLine(LogFormat format, LogLevel level, std::string_view component,
                       std::string_view message, std::initializer_list<Field> fields,
                       double unix_time) {
  if (format == LogFormat::kJson) {
    nlohmann::ordered_json j;
    j["ts"] = isoTime(unix_time);
    j["level"] = levelName(level);
    j["component"] = component;
    j["msg"] = message;
    for (const auto& f : fields) j[std::string(f.key)] = f.value;
    // Replace invalid UTF-8 instead of throwing: log lines carry peer-controlled bytes.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string line = fmt::format("{} {:<5} {}: {}", isoTime(unix_time), levelName(level), component,
                                 oneLine(message));
  for (const auto& f : fields) {
    line += ' ';
    line += f.key;
    line += '=';
    line += f.value.is_string()
                ? oneLine(f.value.get<std::string>())
                : f.value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return line;
}

void write(LogLevel level, std::string_view message, std::initializer_list<Field> fields) {
  auto now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch());
  std::string line = formatLine(g_format.load(), level, g_component, message, fields, now.count());
  line.push_back('\n');
  // One write(2) per line: atomic with respect to other threads' lines for pipes < PIPE_BUF,
  // and never interleaved mid-line on regular files (O_APPEND not needed for stderr).
  size_t off = 0;
  while (off < line.size()) {
    ssize_t n = ::write(STDERR_FILENO, line.data() + off, line.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
}

}  // namespace cirrus::log
