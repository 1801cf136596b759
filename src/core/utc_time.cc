#include "core/utc_time.h"

#include <cstdio>
#include <ctime>
#include <string>

namespace nextra {
namespace {

std::tm utc(std::int64_t ms) {
  // Floor division, so instants before 1970 fall on the right day.
  std::int64_t secs = ms / 1000 - (ms % 1000 < 0 ? 1 : 0);
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

// Both parsers: "YYYY-MM" (day 1) or "YYYY-MM-DD", round-tripped through utc_day() so a day
// that normalises into the next month (02-30) is refused.
std::optional<std::int64_t> parse(std::string_view text, bool month_only) {
  if (text.size() != (month_only ? 7u : 10u)) return std::nullopt;
  const std::string s(text);
  int y = 0, m = 0, d = 1;
  const int fields = month_only ? std::sscanf(s.c_str(), "%4d-%2d", &y, &m) : std::sscanf(s.c_str(), "%4d-%2d-%2d", &y, &m, &d);
  if (fields != (month_only ? 2 : 3)) return std::nullopt;
  if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  const std::int64_t ms = static_cast<std::int64_t>(timegm(&tm)) * 1000;
  if (utc_day(ms).substr(0, text.size()) != s) return std::nullopt;
  return ms;
}

}  // namespace

std::optional<std::int64_t> parse_utc_day(std::string_view text) { return parse(text, false); }
std::optional<std::int64_t> parse_utc_month(std::string_view text) { return parse(text, true); }

std::int64_t utc_next_month(std::int64_t ms) {
  // Day 1 of this month plus 32 days is always in the next month.
  const std::int64_t first = *parse_utc_month(utc_month(ms));
  return *parse_utc_month(utc_month(first + 32LL * 86400000));
}

std::string utc_month(std::int64_t ms) {
  std::tm tm = utc(ms);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100);
  return buf;
}

std::string utc_day(std::int64_t ms) {
  std::tm tm = utc(ms);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
                tm.tm_mday % 100);
  return buf;
}

}  // namespace nextra
