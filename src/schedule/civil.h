#pragma once
// Proleptic-Gregorian calendar arithmetic shared by time_zone.cc and cron.cc
// (Howard Hinnant's days_from_civil algorithms): exact for any int64 day count, no tables,
// no libc (timegm/gmtime are not thread-safe everywhere and are limited to time_t).

#include <cstdint>

namespace nextra::schedule {

// Broken-down civil time (wall clock), no zone attached.
struct CivilTime {
  int year = 1970;
  int month = 1;   // 1-12
  int day = 1;     // 1-31
  int hour = 0;    // 0-23
  int minute = 0;  // 0-59
  int second = 0;  // 0-59
  int weekday = 0; // 0 = Sunday .. 6 = Saturday; filled by TimeZone::to_local / civil_from_seconds
};

namespace detail {

// Instants/local times outside years [-9999, 9999] are clamped to that range.
inline constexpr std::int64_t kMinSeconds = -377705116800;  // -9999-01-01T00:00:00
inline constexpr std::int64_t kMaxSeconds = 253402300799;   //  9999-12-31T23:59:59

bool is_leap(std::int64_t year);
int days_in_month(std::int64_t year, int month);
std::int64_t days_from_civil(std::int64_t y, int m, int d);
void civil_from_days(std::int64_t days, std::int64_t* y, int* m, int* d);
int weekday_from_days(std::int64_t days);  // 0 = Sunday
// Seconds since 1970-01-01T00:00:00 of the civil time (no validation; fields must be in range).
std::int64_t seconds_from_civil(const CivilTime& c);
CivilTime civil_from_seconds(std::int64_t s);  // clamps to [kMinSeconds, kMaxSeconds]
bool valid_civil(const CivilTime& c);

}  // namespace detail
}  // namespace nextra::schedule
