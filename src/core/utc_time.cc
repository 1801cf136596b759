#include "core/utc_time.h"

#include <cstdio>
#include <ctime>

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

}  // namespace

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
