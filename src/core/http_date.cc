#include "core/http_date.h"

#include <array>
#include <cstdio>

namespace cirrus {

namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

// Days from 1970-01-01 to y-m-d (proleptic Gregorian), Howard Hinnant's days_from_civil.
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Cursor {
  std::string_view s;
  size_t pos = 0;

  bool literal(std::string_view lit) {
    if (s.substr(pos, lit.size()) != lit) return false;
    pos += lit.size();
    return true;
  }
  // Exactly `n` digits (n == 0: 1 or 2 digits, for asctime's day).
  bool digits(size_t n, int& out) {
    size_t want = n == 0 ? 2 : n;
    out = 0;
    size_t got = 0;
    while (got < want && pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      out = out * 10 + (s[pos] - '0');
      ++pos;
      ++got;
    }
    return n == 0 ? got >= 1 : got == n;
  }
  bool month(unsigned& out) {
    for (unsigned i = 0; i < kMonths.size(); ++i) {
      if (literal(kMonths[i])) {
        out = i + 1;
        return true;
      }
    }
    return false;
  }
  bool time(int& h, int& m, int& sec) {
    return digits(2, h) && literal(":") && digits(2, m) && literal(":") && digits(2, sec);
  }
  bool done() const { return pos == s.size(); }
};

std::optional<int64_t> toUnix(int year, unsigned month, int day, int h, int m, int sec) {
  if (day < 1 || day > 31 || h > 23 || m > 59 || sec > 60) return std::nullopt;
  return daysFromCivil(year, month, static_cast<unsigned>(day)) * 86400 + h * 3600 + m * 60 + sec;
}

}  // namespace

std::optional<int64_t> parseHttpDate(std::string_view text) {
  // RFC 9110 OWS around the value.
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  Cursor c{text};
  // The weekday is not checked against the date: recipients ignore it in practice.
  size_t comma = text.find(',');
  int day = 0, year = 0, h = 0, m = 0, sec = 0;
  unsigned month = 0;
  if (comma == 3) {
    // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
    c.pos = 4;
    if (c.literal(" ") && c.digits(2, day) && c.literal(" ") && c.month(month) && c.literal(" ") &&
        c.digits(4, year) && c.literal(" ") && c.time(h, m, sec) && c.literal(" GMT") && c.done()) {
      return toUnix(year, month, day, h, m, sec);
    }
    return std::nullopt;
  }
  if (comma != std::string_view::npos) {
    // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT. RFC 9110 §5.6.7: a two-digit year more than 50
    // years in the future means the most recent past year with those digits.
    c.pos = comma + 1;
    if (c.literal(" ") && c.digits(2, day) && c.literal("-") && c.month(month) && c.literal("-") &&
        c.digits(2, year) && c.literal(" ") && c.time(h, m, sec) && c.literal(" GMT") && c.done()) {
      year += year < 70 ? 2000 : 1900;
      return toUnix(year, month, day, h, m, sec);
    }
    return std::nullopt;
  }
  // asctime: Sun Nov  6 08:49:37 1994
  if (text.size() < 4) return std::nullopt;
  c.pos = 4;
  if (c.month(month) && c.literal(" ")) {
    c.literal(" ");  // day padded with a space
    if (c.digits(0, day) && c.literal(" ") && c.time(h, m, sec) && c.literal(" ") &&
        c.digits(4, year) && c.done()) {
      return toUnix(year, month, day, h, m, sec);
    }
  }
  return std::nullopt;
}

std::string formatHttpDate(int64_t unix_seconds) {
  int64_t days = unix_seconds / 86400;
  int64_t rem = unix_seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  // civil_from_days (Hinnant).
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned mo = mp < 10 ? mp + 3 : mp - 9;
  y += mo <= 2;
  auto weekday = static_cast<size_t>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04lld %02lld:%02lld:%02lld GMT",
                kDays[weekday].data(), d, kMonths[mo - 1].data(), static_cast<long long>(y),
                static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60));
  return buf;
}

}  // namespace cirrus
