#include "core/cron.h"

#include <array>
#include <cctype>
#include <charconv>
#include <vector>

namespace cirrus {

namespace {

constexpr int64_t kSecondsPerDay = 86400;
// Feb 29 falls on every weekday within 28 years, so any satisfiable schedule fires in that span.
constexpr int64_t kSearchDays = 28 * 366;

constexpr std::array<std::string_view, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                          "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> kDayNames = {"sun", "mon", "tue", "wed",
                                                       "thu", "fri", "sat"};

struct FieldSpec {
  std::string_view name;
  int min;
  int max;
  const std::string_view* names;  // names[i] stands for min + i; null when the field has none
  size_t name_count;
};

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::optional<int> parseValue(std::string_view text, const FieldSpec& spec) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return value;
  for (size_t i = 0; i < spec.name_count; ++i) {
    const std::string_view name = spec.names[i];
    if (text.size() != name.size()) continue;
    bool same = true;
    for (size_t k = 0; k < name.size() && same; ++k) {
      same = std::tolower(static_cast<unsigned char>(text[k])) == name[k];
    }
    if (same) return spec.min + static_cast<int>(i);
  }
  return std::nullopt;
}

// Fills `bits` (indexed by value) from one field; false with a reason on error. `star` tells
// whether the field starts with `*` (the day-of-month / day-of-week rule depends on it).
template <size_t N>
bool parseField(std::string_view text, const FieldSpec& spec, int max_value, std::bitset<N>& bits,
                bool& star, std::string& reason) {
  star = !text.empty() && text.front() == '*';
  for (std::string_view item : split(text, ',')) {
    std::string_view range = item;
    int step = 1;
    if (size_t slash = item.find('/'); slash != std::string_view::npos) {
      range = item.substr(0, slash);
      std::string_view step_text = item.substr(slash + 1);
      auto [end, ec] = std::from_chars(step_text.data(), step_text.data() + step_text.size(), step);
      if (ec != std::errc() || end != step_text.data() + step_text.size() || step_text.empty() ||
          step < 1) {
        reason = std::string(spec.name) + ": bad step in '" + std::string(item) + "'";
        return false;
      }
    }
    int low = 0;
    int high = 0;
    if (range == "*") {
      low = spec.min;
      high = spec.max;
    } else if (size_t dash = range.find('-'); dash != std::string_view::npos) {
      auto a = parseValue(range.substr(0, dash), spec);
      auto b = parseValue(range.substr(dash + 1), spec);
      if (!a || !b) {
        reason = std::string(spec.name) + ": bad range '" + std::string(item) + "'";
        return false;
      }
      low = *a;
      high = *b;
    } else {
      auto a = parseValue(range, spec);
      if (!a) {
        reason = std::string(spec.name) + ": bad value '" + std::string(item) + "'";
        return false;
      }
      low = *a;
      // `a/n` means from a to the maximum, stepping n (Vixie cron).
      high = item.find('/') != std::string_view::npos ? spec.max : *a;
    }
    if (low < spec.min || high > max_value || low > high) {
      reason = std::string(spec.name) + ": '" + std::string(item) + "' is outside " +
               std::to_string(spec.min) + "-" + std::to_string(max_value);
      return false;
    }
    for (int v = low; v <= high; v += step) bits.set(static_cast<size_t>(v % static_cast<int>(N)));
  }
  return true;
}

struct CivilDate {
  int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// Howard Hinnant's civil_from_days: proleptic Gregorian calendar, days since 1970-01-01.
CivilDate civilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

int64_t floorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

std::optional<CronSchedule> CronSchedule::parse(std::string_view expression, std::string* error) {
  auto fail = [&](std::string reason) -> std::optional<CronSchedule> {
    if (error) *error = std::move(reason);
    return std::nullopt;
  };
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < expression.size()) {
    while (i < expression.size() && std::isspace(static_cast<unsigned char>(expression[i]))) ++i;
    size_t start = i;
    while (i < expression.size() && !std::isspace(static_cast<unsigned char>(expression[i]))) ++i;
    if (i > start) fields.push_back(expression.substr(start, i - start));
  }
  if (fields.size() != 5) {
    return fail("expected 5 fields (minute hour day-of-month month day-of-week), got " +
                std::to_string(fields.size()));
  }
  static const FieldSpec kMinute{"minute", 0, 59, nullptr, 0};
  static const FieldSpec kHour{"hour", 0, 23, nullptr, 0};
  static const FieldSpec kDayOfMonth{"day-of-month", 1, 31, nullptr, 0};
  static const FieldSpec kMonth{"month", 1, 12, kMonthNames.data(), kMonthNames.size()};
  static const FieldSpec kDayOfWeek{"day-of-week", 0, 6, kDayNames.data(), kDayNames.size()};
  CronSchedule s;
  std::string reason;
  bool star = false;
  if (!parseField(fields[0], kMinute, 59, s.minutes_, star, reason) ||
      !parseField(fields[1], kHour, 23, s.hours_, star, reason) ||
      !parseField(fields[2], kDayOfMonth, 31, s.days_of_month_, s.day_of_month_star_, reason) ||
      !parseField(fields[3], kMonth, 12, s.months_, star, reason) ||
      // 7 is also Sunday: parsed up to 7, folded onto bit 0 by `v % 7`.
      !parseField(fields[4], kDayOfWeek, 7, s.days_of_week_, s.day_of_week_star_, reason)) {
    return fail(reason);
  }
  s.expression_ = std::string(expression);
  if (!s.nextAfter(0)) return fail("never fires (no such date)");
  return s;
}

bool CronSchedule::dayMatches(int64_t days) const {
  CivilDate date = civilFromDays(days);
  if (!months_.test(date.month)) return false;
  const bool dom = days_of_month_.test(date.day);
  // 1970-01-01 was a Thursday (4).
  const auto weekday = static_cast<size_t>(((days % 7) + 11) % 7);
  const bool dow = days_of_week_.test(weekday);
  if (day_of_month_star_ || day_of_week_star_) return dom && dow;
  return dom || dow;
}

std::optional<int64_t> CronSchedule::nextAfter(int64_t unix_seconds) const {
  // Start at the next whole minute strictly after the given instant.
  const int64_t start = floorDiv(unix_seconds, 60) * 60 + 60;
  int64_t day = floorDiv(start, kSecondsPerDay);
  int first_minute = static_cast<int>((start - day * kSecondsPerDay) / 60);
  for (int64_t n = 0; n < kSearchDays; ++n, ++day, first_minute = 0) {
    if (!dayMatches(day)) continue;
    for (int minute_of_day = first_minute; minute_of_day < 24 * 60; ++minute_of_day) {
      const int hour = minute_of_day / 60;
      if (!hours_.test(static_cast<size_t>(hour))) {
        minute_of_day = hour * 60 + 59;  // skip the rest of this hour
        continue;
      }
      if (minutes_.test(static_cast<size_t>(minute_of_day % 60))) {
        return day * kSecondsPerDay + int64_t{minute_of_day} * 60;
      }
    }
  }
  return std::nullopt;
}

}  // namespace cirrus
