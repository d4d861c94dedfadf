// Process logging: one line per event on stderr, as a JSON object or as text
// (LOG_FORMAT), filtered by LOG_LEVEL. Each line is written with one write(2) so lines from
// different threads never interleave. Not for the edge access log (edge/access_log.h).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/config.h"

namespace cirrus::log {

using config::LogFormat;
using config::LogLevel;

struct Field {
  std::string_view key;
  nlohmann::json value;
};

/// Called once by cli/ before any other thread starts.
void configure(LogLevel level, LogFormat format, std::string_view component);

bool enabled(LogLevel level);
void write(LogLevel level, std::string_view message, std::initializer_list<Field> fields);

/// Renders one line (no trailing newline); exposed for tests.
std::string formatLine(LogFormat format, LogLevel level, std::string_view component,
                       std::string_view message, std::initializer_list<Field> fields,
                       double unix_time);

inline void debug(std::string_view m, std::initializer_list<Field> f = {}) {
  if (enabled(LogLevel::kDebug)) write(LogLevel::kDebug, m, f);
}
inline void info(std::string_view m, std::initializer_list<Field> f = {}) {
  if (enabled(LogLevel::kInfo)) write(LogLevel::kInfo, m, f);
}
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) {
  if (enabled(LogLevel::kWarn)) write(LogLevel::kWarn, m, f);
}
inline void error(std::string_view m, std::initializer_list<Field> f = {}) {
  if (enabled(LogLevel::kError)) write(LogLevel::kError, m, f);
}

}  // namespace cirrus::log
