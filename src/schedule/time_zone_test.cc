// Tests for TimeZone: TZif + POSIX footer parsing, offsets, civil conversions, the cache.
// Tests that need the system tz database skip when /usr/share/zoneinfo is missing.

#include "schedule/time_zone.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

namespace nextra::schedule {
namespace {

bool have_tzdata() {
  return std::filesystem::exists("/usr/share/zoneinfo/Europe/Berlin") &&
         std::filesystem::exists("/usr/share/zoneinfo/America/New_York");
}

#define REQUIRE_TZDATA()                                                                 \
  if (!have_tzdata())                                                                    \
  GTEST_SKIP() << "system tz database /usr/share/zoneinfo is missing (install Debian "   \
                  "package tzdata)"

// Independent oracle: UTC seconds via <chrono> calendar types.
std::int64_t utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  using namespace std::chrono;
  const sys_days day{year{y} / month{static_cast<unsigned>(mo)} / static_cast<unsigned>(d)};
  return day.time_since_epoch().count() * 86400LL + h * 3600 + mi * 60 + s;
}

TimeZone zone(const char* name) {
  auto tz = TimeZone::load(name);
  EXPECT_TRUE(tz.ok()) << (tz.ok() ? "" : tz.error().message);
  return tz.ok() ? *tz : TimeZone::utc();
}

// Builds a TZif file in memory (version v, one type per offset, optional footer).
std::string tzif(char version, const std::vector<std::pair<std::int64_t, int>>& trans,
                 const std::vector<std::int32_t>& types, const std::string& footer) {
  auto put = [](std::string* out, std::uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i) & 0xff));
  };
  auto block = [&](int tsize) {
    std::string b = "TZif";
    b.push_back(version);
    b.append(15, '\0');
    for (std::uint64_t c : {0ul, 0ul, 0ul, static_cast<std::uint64_t>(trans.size()),
                            static_cast<std::uint64_t>(types.size()), 4ul})
      put(&b, c, 4);
    for (auto& t : trans) put(&b, static_cast<std::uint64_t>(t.first), tsize);
    for (auto& t : trans) b.push_back(static_cast<char>(t.second));
    for (auto off : types) {
      put(&b, static_cast<std::uint32_t>(off), 4);
      b.push_back(0);
      b.push_back(0);
    }
    b.append("ABC", 4);
    return b;
  };
  std::string out = block(4);
  if (version >= '2') out += block(8) + "\n" + footer + "\n";
  return out;
}

TEST(TimeZoneTest, UtcBuiltin) {
  const TimeZone tz = TimeZone::utc();
  EXPECT_EQ(tz.name(), "UTC");
  EXPECT_EQ(tz.offset_at(utc(2026, 7, 1)), 0);
  const CivilTime c = tz.to_local(utc(2026, 3, 29, 2, 30, 15));
  EXPECT_EQ(c.year, 2026);
  EXPECT_EQ(c.month, 3);
  EXPECT_EQ(c.day, 29);
  EXPECT_EQ(c.hour, 2);
  EXPECT_EQ(c.minute, 30);
  EXPECT_EQ(c.second, 15);
  EXPECT_EQ(c.weekday, 0);  // Sunday
  EXPECT_EQ(tz.to_utc(c), utc(2026, 3, 29, 2, 30, 15));
}

TEST(TimeZoneTest, InvalidNames) {
  for (const char* name : {"", "../etc/passwd", "Europe/../../etc/passwd", "/etc/passwd",
                           "Europe/Nowhere", "Europe", "Bad Name", "Europe/Berlin\n"}) {
    auto tz = TimeZone::load(name);
    ASSERT_FALSE(tz.ok()) << name;
    EXPECT_EQ(tz.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(tz.error().message.find("'" + std::string(name) + "'"), std::string::npos)
        << tz.error().message;
  }
}

TEST(TimeZoneTest, LoadUtcAndCache) {
  auto u = TimeZone::load("UTC");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->offset_at(utc(2026, 1, 1)), 0);
  REQUIRE_TZDATA();
  auto a = TimeZone::load("Europe/Berlin");
  auto b = TimeZone::load("Europe/Berlin");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(*a == *b);  // same shared data
  EXPECT_EQ(a->name(), "Europe/Berlin");
}

TEST(TimeZoneTest, NewYorkWinterAndSummer) {
  REQUIRE_TZDATA();
  const TimeZone ny = zone("America/New_York");
  EXPECT_EQ(ny.offset_at(utc(2026, 1, 15, 12)), -5 * 3600);
  EXPECT_EQ(ny.offset_at(utc(2026, 7, 15, 12)), -4 * 3600);
  // 2026-03-08 02:00 EST -> 03:00 EDT (07:00 UTC).
  EXPECT_EQ(ny.offset_at(utc(2026, 3, 8, 6, 59, 59)), -5 * 3600);
  EXPECT_EQ(ny.offset_at(utc(2026, 3, 8, 7)), -4 * 3600);
}

TEST(TimeZoneTest, BerlinTransitions2026) {
  REQUIRE_TZDATA();
  const TimeZone tz = zone("Europe/Berlin");
  EXPECT_EQ(tz.offset_at(utc(2026, 3, 29, 0, 59, 59)), 3600);
  EXPECT_EQ(tz.offset_at(utc(2026, 3, 29, 1)), 7200);
  EXPECT_EQ(tz.offset_at(utc(2026, 10, 25, 0, 59, 59)), 7200);
  EXPECT_EQ(tz.offset_at(utc(2026, 10, 25, 1)), 3600);
}

TEST(TimeZoneTest, FooterRuleBeyond2037) {
  REQUIRE_TZDATA();
  const TimeZone berlin = zone("Europe/Berlin");
  EXPECT_EQ(berlin.offset_at(utc(2045, 7, 1, 12)), 7200);
  EXPECT_EQ(berlin.offset_at(utc(2045, 1, 1, 12)), 3600);
  // 2045: last Sunday of March is the 26th, of October the 29th.
  EXPECT_EQ(berlin.offset_at(utc(2045, 3, 26, 0, 59, 59)), 3600);
  EXPECT_EQ(berlin.offset_at(utc(2045, 3, 26, 1)), 7200);
  EXPECT_EQ(berlin.offset_at(utc(2045, 10, 29, 1)), 3600);
  const TimeZone ny = zone("America/New_York");
  EXPECT_EQ(ny.offset_at(utc(2100, 7, 1)), -4 * 3600);
  EXPECT_EQ(ny.offset_at(utc(2100, 12, 1)), -5 * 3600);
  const TimeZone sydney = zone("Australia/Sydney");  // southern hemisphere: DST over new year
  EXPECT_EQ(sydney.offset_at(utc(2050, 1, 1)), 11 * 3600);
  EXPECT_EQ(sydney.offset_at(utc(2050, 7, 1)), 10 * 3600);
}

TEST(TimeZoneTest, SyntheticFooterOnlyV2) {
  // No transitions at all: every instant uses the footer rule.
  auto tz = TimeZone::from_tzif("Test/Berlin", tzif('2', {}, {3600}, "CET-1CEST,M3.5.0,M10.5.0/3"));
  ASSERT_TRUE(tz.ok()) << tz.error().message;
  EXPECT_EQ(tz->offset_at(utc(2026, 3, 29, 0, 59, 59)), 3600);
  EXPECT_EQ(tz->offset_at(utc(2026, 3, 29, 1)), 7200);
  EXPECT_EQ(tz->offset_at(utc(2026, 10, 25, 0, 59, 59)), 7200);
  EXPECT_EQ(tz->offset_at(utc(2026, 10, 25, 1)), 3600);
  auto fixed = TimeZone::from_tzif("Test/Plus0530", tzif('3', {}, {19800}, "<+0530>-5:30"));
  ASSERT_TRUE(fixed.ok()) << fixed.error().message;
  EXPECT_EQ(fixed->offset_at(utc(2060, 1, 1)), 19800);
  auto jul = TimeZone::from_tzif("Test/J", tzif('2', {}, {0}, "XXX0YYY,J60/0,J300/0"));
  ASSERT_TRUE(jul.ok()) << jul.error().message;
  EXPECT_EQ(jul->offset_at(utc(2028, 3, 1, 0, 0, 1)), 3600);  // J60 = Mar 1 even in leap years
  EXPECT_EQ(jul->offset_at(utc(2028, 2, 29, 12)), 0);
}

TEST(TimeZoneTest, SyntheticV1Table) {
  auto tz = TimeZone::from_tzif("Test/V1", tzif('\0', {{1000, 1}, {2000, 0}}, {0, 3600}, ""));
  ASSERT_TRUE(tz.ok()) << tz.error().message;
  EXPECT_EQ(tz->offset_at(999), 0);
  EXPECT_EQ(tz->offset_at(1000), 3600);
  EXPECT_EQ(tz->offset_at(1999), 3600);
  EXPECT_EQ(tz->offset_at(5000), 0);
}

TEST(TimeZoneTest, MalformedTzif) {
  EXPECT_FALSE(TimeZone::from_tzif("x", "").ok());
  EXPECT_FALSE(TimeZone::from_tzif("x", "TZif2 garbage").ok());
  std::string good = tzif('2', {{1000, 0}}, {0}, "UTC0");
  EXPECT_FALSE(TimeZone::from_tzif("x", good.substr(0, good.size() - 12)).ok());
  EXPECT_FALSE(TimeZone::from_tzif("x", tzif('2', {{1000, 5}}, {0}, "UTC0")).ok());  // bad index
  auto bad = TimeZone::from_tzif("Bad/Footer", tzif('2', {}, {0}, "??"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("Bad/Footer"), std::string::npos);
}

TEST(TimeZoneTest, ToUtcGapAndOverlap) {
  REQUIRE_TZDATA();
  const TimeZone tz = zone("Europe/Berlin");
  EXPECT_EQ(tz.to_utc({2026, 3, 29, 2, 30, 0}), std::nullopt);           // gap
  EXPECT_EQ(tz.to_utc({2026, 3, 29, 3, 0, 0}), utc(2026, 3, 29, 1));     // first after gap
  EXPECT_EQ(tz.to_utc({2026, 3, 29, 1, 59, 59}), utc(2026, 3, 29, 0, 59, 59));
  EXPECT_EQ(tz.to_utc({2026, 10, 25, 2, 30, 0}), utc(2026, 10, 25, 0, 30));  // earlier
  EXPECT_EQ(tz.to_utc({2026, 10, 25, 3, 0, 0}), utc(2026, 10, 25, 2));
  EXPECT_EQ(tz.to_utc({2026, 2, 30, 0, 0, 0}), std::nullopt);  // invalid date
  EXPECT_EQ(tz.to_utc({2026, 1, 1, 24, 0, 0}), std::nullopt);
}

TEST(TimeZoneTest, RoundTrips) {
  REQUIRE_TZDATA();
  for (const char* name : {"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata",
                           "Australia/Lord_Howe", "Pacific/Chatham"}) {
    const TimeZone tz = zone(name);
    for (std::int64_t t = utc(2024, 1, 1); t < utc(2027, 1, 1); t += 3 * 3600 + 17 * 60 + 1) {
      const CivilTime c = tz.to_local(t);
      const auto back = tz.to_utc(c);
      ASSERT_TRUE(back.has_value()) << name << " " << t;
      // Exact unless t is the second occurrence of an ambiguous local time.
      if (*back != t) {
        EXPECT_LT(*back, t) << name;
        EXPECT_EQ(tz.to_local(*back).hour, c.hour);
      }
    }
    // Far future (footer) round trip at noon.
    const auto noon = tz.to_utc({2050, 6, 15, 12, 0, 0});
    ASSERT_TRUE(noon.has_value());
    EXPECT_EQ(tz.to_local(*noon).hour, 12);
  }
}

TEST(TimeZoneTest, WeekdayFromToLocal) {
  const TimeZone tz = TimeZone::utc();
  EXPECT_EQ(tz.to_local(0).weekday, 4);                      // 1970-01-01 Thursday
  EXPECT_EQ(tz.to_local(utc(2026, 3, 30)).weekday, 1);       // Monday
  EXPECT_EQ(tz.to_local(utc(1969, 12, 31, 23)).weekday, 3);  // negative instants
  EXPECT_EQ(tz.to_local(utc(1969, 12, 31, 23)).year, 1969);
}

}  // namespace
}  // namespace nextra::schedule
