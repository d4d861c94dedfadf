// CronSchedule: a 5-field cron expression (minute hour day-of-month month day-of-week) and the
// next fire time after a given instant, in UTC. A pure leaf (no I/O, no other Cirrus include):
// the worker's scheduler uses it for ACME_RENEW_CRON, config validates with it.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus {

/// Field forms, as in Vixie cron / crontab(5): `*`, a value, `a-b`, lists `a,b-c`, steps
/// `*/n`, `a-b/n`, `a/n` (a to the field's maximum). Months may be jan..dec, days of week
/// sun..sat (0 or 7 is Sunday); names are case-insensitive. When both day-of-month and
/// day-of-week are restricted (neither starts with `*`), a day matches if either matches.
class CronSchedule {
 public:
  /// nullopt with a one-line reason in *error (when given) for a malformed expression, a
  /// value out of range, or an expression that never fires (e.g. `0 0 30 2 *`).
  static std::optional<CronSchedule> parse(std::string_view expression,
                                           std::string* error = nullptr);

  /// The first fire time strictly after `unix_seconds` (UTC, whole minutes), or nullopt when
  /// there is none within the next 28 years (cannot happen for a parsed schedule).
  std::optional<int64_t> nextAfter(int64_t unix_seconds) const;

  const std::string& expression() const { return expression_; }

 private:
  CronSchedule() = default;
  bool dayMatches(int64_t days_since_epoch) const;

  std::string expression_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // 1..31
  std::bitset<13> months_;         // 1..12
  std::bitset<7> days_of_week_;    // 0 = Sunday
  bool day_of_month_star_ = false;
  bool day_of_week_star_ = false;
};

}  // namespace cirrus
