#pragma once
// Cron expressions for schedule triggers, evaluated in an IANA time zone.
//
// Syntax: 5 fields "min hour dom month dow" or 6 fields "sec min hour dom month dow".
// Each field is a comma list of items: `*`, `N`, `A-B`, each optionally `/STEP`
// (`*/15`, `1-30/5`, `5/15` = 5-max/15). Months accept JAN-DEC, weekdays SUN-SAT
// (case-insensitive); day-of-week 0-7, 7 = Sunday. Macros (case-insensitive, alone):
// @yearly @annually @monthly @weekly @daily @midnight @hourly.
// Day rule (Vixie/cronie): if both day-of-month and day-of-week are restricted, a day matches
// if EITHER matches; otherwise both must. As in Vixie cron, a field that starts with '*'
// (`*`, `*/2`) counts as unrestricted.
// Errors are values: InvalidArgument with `column` = 1-based position in the text and a
// message naming the field ("hour 25 is out of range 0-23").
//
// DST rules of next_after (local wall-clock schedule, like cronie/Vixie):
//  - spring-forward gap: a firing whose local time does not exist runs once, at the first
//    valid instant after the gap (Berlin 2026-03-29 "30 2 * * *" -> 03:00 CEST = 01:00 UTC);
//    several gap times (and a match at the gap's end) collapse into that one firing;
//  - fall-back overlap: a local time that occurs twice fires once, at its first occurrence
//    (Berlin 2026-10-25 "30 2 * * *" -> 02:30 CEST = 00:30 UTC). This applies to every
//    expression, so "*/15 * * * *" does not fire during the repeated hour.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "schedule/time_zone.h"

namespace nextra::schedule {

class CronExpression {
 public:
  static Result<CronExpression> parse(std::string_view text);

  // The first firing strictly after `after_utc_seconds` (UTC), evaluated in local time of
  // `tz` with the DST rules above. nullopt if none before the end of the 5th calendar year
  // after `after` (e.g. "0 0 30 2 *"), or for instants outside years -9999..9999.
  std::optional<std::int64_t> next_after(std::int64_t after_utc_seconds,
                                         const TimeZone& tz) const;

  // Up to n (clamped to 0..10000) strictly increasing firings after `after_utc_seconds`.
  std::vector<std::int64_t> next_n(std::int64_t after_utc_seconds, const TimeZone& tz,
                                   int n) const;

  bool has_seconds() const { return has_seconds_; }
  const std::string& text() const { return text_; }

 private:
  CronExpression() = default;
  std::optional<std::int64_t> next_local(std::int64_t local_start, int max_year) const;
  bool day_matches(std::int64_t y, int m, int d) const;

  std::string text_;
  bool has_seconds_ = false;
  std::uint64_t seconds_ = 1;  // bit i = value i
  std::uint64_t minutes_ = 0;
  std::uint32_t hours_ = 0;
  std::uint32_t dom_ = 0;     // bits 1-31
  std::uint16_t months_ = 0;  // bits 1-12
  std::uint8_t dow_ = 0;      // bits 0-6, 0 = Sunday
  bool dom_star_ = true;
  bool dow_star_ = true;
};

}  // namespace nextra::schedule
