#pragma once
// IANA time zones for schedule triggers. GCC 12's libstdc++ has no usable std::chrono::tzdb,
// so this reads the system tz database itself: TZif files (RFC 8536, v1/v2/v3; the 64-bit
// v2+ section is used when present) under $TZDIR or /usr/share/zoneinfo (Debian: tzdata),
// plus the POSIX TZ footer string, which gives the rule for instants after the last table
// transition (slim files end in 2007 or earlier, fat ones in 2037).
//
// A TimeZone is immutable and cheap to copy (a shared_ptr to the parsed data), so it is safe
// to share between threads. Loaded zones are cached process-wide: load("Europe/Berlin")
// twice returns the same parsed data. Leap-second records ("right/" zones) are ignored.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "schedule/civil.h"

namespace nextra::schedule {

class TimeZone {
 public:
  // UTC. (Default-constructed so TimeZone can live in structs; same as utc().)
  TimeZone();

  // Loads a zone by IANA name ("UTC", "Europe/Berlin", "America/New_York").
  // InvalidArgument (message names the zone) for an empty name, a name containing "..",
  // a leading '/', characters outside [A-Za-z0-9_+-./], a name that is not a zone file,
  // or a malformed file. "UTC" falls back to the built-in zone if the file is absent.
  static Result<TimeZone> load(std::string_view name);

  // Parses TZif bytes directly (what load() does after reading the file); for tests and
  // embedded zone data. Not cached.
  static Result<TimeZone> from_tzif(std::string name, std::string_view bytes);

  static TimeZone utc();

  const std::string& name() const;

  // Offset from UTC in seconds at a UTC instant (east positive: Berlin summer = +7200).
  std::int32_t offset_at(std::int64_t utc_seconds) const;

  // Local civil time -> UTC. `weekday` is ignored.
  //  - nonexistent local time (spring-forward gap, e.g. Berlin 2026-03-29 02:30): nullopt;
  //  - ambiguous local time (fall-back overlap, e.g. Berlin 2026-10-25 02:30): the EARLIER
  //    instant (the first occurrence, still in summer time);
  //  - out-of-range fields (month 13, Feb 30, hour 24, year outside -9999..9999): nullopt.
  // Assumes at most two UTC-offset changes within +-30h of the local time (true for tzdb).
  std::optional<std::int64_t> to_utc(const CivilTime& local) const;

  // UTC -> local civil time, weekday filled in.
  CivilTime to_local(std::int64_t utc_seconds) const;

  struct Data;  // parsed zone; defined in time_zone.cc

 private:
  explicit TimeZone(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  std::shared_ptr<const Data> data_;

  friend bool operator==(const TimeZone& a, const TimeZone& b) { return a.data_ == b.data_; }
};

}  // namespace nextra::schedule
