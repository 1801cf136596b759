#pragma once
// Calendar names of instants in UTC, for counters kept per month or per day.

#include <cstdint>
#include <string>

namespace nextra {

// "YYYY-MM" of a time in milliseconds since the Unix epoch.
std::string utc_month(std::int64_t ms_since_epoch);
// "YYYY-MM-DD" of a time in milliseconds since the Unix epoch.
std::string utc_day(std::int64_t ms_since_epoch);

}  // namespace nextra
