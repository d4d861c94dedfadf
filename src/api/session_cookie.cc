#include "api/session_cookie.h"

#include <fmt/format.h>

namespace cirrus::api {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string sameSite(std::string_view configured) {
  if (configured == "strict") return "Strict";
  if (configured == "none") return "None";
  return "Lax";
}

}  // namespace

std::optional<std::string> findCookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view pair = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (trim(pair.substr(0, eq)) != name) continue;
    std::string_view value = trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    if (value.empty()) return std::nullopt;
    return std::string(value);
  }
  return std::nullopt;
}

std::string sessionSetCookie(const config::ApiConfig& config, std::string_view value,
                             int64_t max_age_seconds) {
  std::string out =
      fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite={}", config.session_cookie_name,
                  value, max_age_seconds, sameSite(config.cookie_samesite));
  if (config.cookie_secure) out += "; Secure";
  if (!config.cookie_domain.empty()) out += fmt::format("; Domain={}", config.cookie_domain);
  return out;
}

std::string sessionClearCookie(const config::ApiConfig& config) {
  return sessionSetCookie(config, "", 0);
}

}  // namespace cirrus::api
