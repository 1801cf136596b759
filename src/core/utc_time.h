#pragma once
// Calendar names of instants in UTC, for counters kept per month or per day.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nextra {

// "YYYY-MM" of a time in milliseconds since the Unix epoch.
std::string utc_month(std::int64_t ms_since_epoch);
// "YYYY-MM-DD" of a time in milliseconds since the Unix epoch.
std::string utc_day(std::int64_t ms_since_epoch);

// The first instant (ms since the epoch) of the UTC day "YYYY-MM-DD" or month "YYYY-MM";
// nullopt for anything else, including dates that do not exist (2026-02-30) and years
// before 1970.
std::optional<std::int64_t> parse_utc_day(std::string_view text);
std::optional<std::int64_t> parse_utc_month(std::string_view text);
// The first instant of the UTC month after the one `ms_since_epoch` falls in.
std::int64_t utc_next_month(std::int64_t ms_since_epoch);

}  // namespace nextra
