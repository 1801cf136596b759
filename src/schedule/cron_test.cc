// Tests for CronExpression: syntax, errors with columns, next firings in UTC and across DST.

#include "schedule/cron.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

namespace nextra::schedule {
namespace {

std::int64_t utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  using namespace std::chrono;
  const sys_days day{year{y} / month{static_cast<unsigned>(mo)} / static_cast<unsigned>(d)};
  return day.time_since_epoch().count() * 86400LL + h * 3600 + mi * 60 + s;
}

CronExpression cron(const char* text) {
  auto c = CronExpression::parse(text);
  EXPECT_TRUE(c.ok()) << text << ": " << (c.ok() ? "" : c.error().message);
  return c.ok() ? *c : *CronExpression::parse("* * * * *");
}

std::vector<std::int64_t> firings(const char* text, std::int64_t after, int n,
                                  const TimeZone& tz = TimeZone::utc()) {
  return cron(text).next_n(after, tz, n);
}

const std::int64_t kJan1 = utc(2026, 1, 1);  // Thursday

TEST(CronParseTest, FieldsAndSyntax) {
  const CronExpression five = cron("*/15 * * * *");
  EXPECT_FALSE(five.has_seconds());
  EXPECT_EQ(five.text(), "*/15 * * * *");
  EXPECT_TRUE(cron("*/10 * * * * *").has_seconds());
  // Lists, ranges, stepped ranges, names (case-insensitive), dow 7 = Sunday, tabs.
  for (const char* ok : {"1,2,5 * * * *", "1-5 * * * *", "1-30/5 * * * *", "5/15 * * * *",
                         "0 0 1 JAN,jul *", "0 0 * Jan-Mar mon-FRI", "0 0 * * 7", "0 0 * * 0-7",
                         "0\t0  *\t* *", "  0 0 * * *  ", "59 23 31 12 6", "0 0 * * SUN,sat"})
    EXPECT_TRUE(CronExpression::parse(ok).ok()) << ok;
}

TEST(CronParseTest, Macros) {
  const struct { const char* macro; const char* equivalent; } cases[] = {
      {"@yearly", "0 0 1 1 *"},  {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
      {"@weekly", "0 0 * * 0"},  {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
      {"@hourly", "0 * * * *"},  {"@DAILY", "0 0 * * *"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(firings(c.macro, kJan1 + 7, 5), firings(c.equivalent, kJan1 + 7, 5)) << c.macro;
    EXPECT_EQ(cron(c.macro).text(), c.macro);
  }
}

struct BadCase {
  const char* text;
  int column;
  const char* fragment;
};

TEST(CronParseTest, ErrorsCarryColumnAndField) {
  const BadCase cases[] = {
      {"0 25 * * *", 3, "hour 25 is out of range 0-23"},
      {"60 * * * *", 1, "minute 60 is out of range 0-59"},
      {"0 0 0 * *", 5, "day-of-month 0 is out of range 1-31"},
      {"0 0 * 13 *", 7, "month 13 is out of range 1-12"},
      {"0 0 * * 8", 9, "day-of-week 8 is out of range 0-7"},
      {"0 0 1-40 * *", 7, "day-of-month 40"},
      {"*/0 * * * *", 3, "minute step 0"},
      {"0 0 * * 1-5/0", 13, "day-of-week step 0"},
      {"x * * * *", 1, "minute"},
      {"0 0 * FOO *", 7, "month name 'FOO'"},
      {"0 0 * * MOX", 9, "day-of-week name 'MOX'"},
      {"0 0 * JAN-XYZ *", 11, "month name 'XYZ'"},
      {"5-1 * * * *", 1, "minute range 5-1 is reversed"},
      {"1,,2 * * * *", 3, "minute"},
      {"1, * * * *", 3, "empty list item"},
      {"1- * * * *", 3, "minute"},
      {"1/ * * * *", 3, "step must be a number"},
      {"0 0 * * * * *", 13, "expected 5 fields"},
      {"0 0 * *", 8, "got 4"},
      {"", 1, "empty cron expression"},
      {"   ", 1, "empty cron expression"},
      {"@reboot", 1, "unknown macro '@reboot'"},
      {"@daily 5", 8, "must be the whole expression"},
      {"70 0 0 * * *", 1, "second 70 is out of range 0-59"},
      {"0 */1x * * *", 6, "hour: unexpected 'x'"},
  };
  for (const BadCase& c : cases) {
    auto r = CronExpression::parse(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument) << c.text;
    EXPECT_EQ(r.error().column, c.column) << c.text << ": " << r.error().message;
    EXPECT_NE(r.error().message.find(c.fragment), std::string::npos)
        << c.text << ": " << r.error().message;
  }
}

TEST(CronNextTest, EveryQuarterHour) {
  EXPECT_EQ(firings("*/15 * * * *", kJan1, 4),
            (std::vector<std::int64_t>{kJan1 + 900, kJan1 + 1800, kJan1 + 2700, kJan1 + 3600}));
  EXPECT_EQ(firings("*/15 * * * *", kJan1 + 1, 1), std::vector<std::int64_t>{kJan1 + 900});
  EXPECT_EQ(firings("*/15 * * * *", kJan1 + 899, 1), std::vector<std::int64_t>{kJan1 + 900});
}

TEST(CronNextTest, WeekdaysAtNine) {
  // 2026-01-01 is a Thursday: Thu 1, Fri 2, Mon 5, Tue 6.
  EXPECT_EQ(firings("0 9 * * MON-FRI", kJan1, 4),
            (std::vector<std::int64_t>{utc(2026, 1, 1, 9), utc(2026, 1, 2, 9), utc(2026, 1, 5, 9),
                                       utc(2026, 1, 6, 9)}));
  EXPECT_EQ(firings("0 9 * * 1-5", utc(2026, 1, 1, 9), 1),
            std::vector<std::int64_t>{utc(2026, 1, 2, 9)});
}

TEST(CronNextTest, MonthlyDailyAndSundaySeven) {
  EXPECT_EQ(firings("0 0 1 * *", kJan1, 3),
            (std::vector<std::int64_t>{utc(2026, 2, 1), utc(2026, 3, 1), utc(2026, 4, 1)}));
  EXPECT_EQ(firings("30 2 * * *", kJan1, 2),
            (std::vector<std::int64_t>{utc(2026, 1, 1, 2, 30), utc(2026, 1, 2, 2, 30)}));
  EXPECT_EQ(firings("0 0 * * 7", kJan1, 1), std::vector<std::int64_t>{utc(2026, 1, 4)});
  EXPECT_EQ(firings("0 0 * * 0", kJan1, 1), std::vector<std::int64_t>{utc(2026, 1, 4)});
  EXPECT_EQ(firings("0 12 1 JUL *", kJan1, 2),
            (std::vector<std::int64_t>{utc(2026, 7, 1, 12), utc(2027, 7, 1, 12)}));
  EXPECT_EQ(firings("59 23 31 12 *", kJan1, 1),
            std::vector<std::int64_t>{utc(2026, 12, 31, 23, 59)});
}

TEST(CronNextTest, SixFieldSeconds) {
  EXPECT_EQ(firings("*/10 * * * * *", kJan1 + 5, 3),
            (std::vector<std::int64_t>{kJan1 + 10, kJan1 + 20, kJan1 + 30}));
  EXPECT_EQ(firings("30 0 12 * * *", kJan1, 1), std::vector<std::int64_t>{utc(2026, 1, 1, 12, 0, 30)});
  EXPECT_EQ(firings("* * * * * *", kJan1, 2), (std::vector<std::int64_t>{kJan1 + 1, kJan1 + 2}));
}

TEST(CronNextTest, DomDowOrRule) {
  // Both restricted: the 13th OR any Friday. Jan 2026: Fri 2, Fri 9, Tue 13, Fri 16.
  EXPECT_EQ(firings("0 0 13 * FRI", kJan1, 4),
            (std::vector<std::int64_t>{utc(2026, 1, 2), utc(2026, 1, 9), utc(2026, 1, 13),
                                       utc(2026, 1, 16)}));
  // Only dow restricted: every Friday, dom ignored.
  EXPECT_EQ(firings("0 0 * * FRI", kJan1, 2),
            (std::vector<std::int64_t>{utc(2026, 1, 2), utc(2026, 1, 9)}));
  // Only dom restricted.
  EXPECT_EQ(firings("0 0 13 * *", kJan1, 2),
            (std::vector<std::int64_t>{utc(2026, 1, 13), utc(2026, 2, 13)}));
  // Vixie: a '*'-prefixed field ("*/2") counts as unrestricted, so this is AND.
  EXPECT_EQ(firings("0 0 */2 * FRI", kJan1, 2),
            (std::vector<std::int64_t>{utc(2026, 1, 9), utc(2026, 1, 23)}));
}

TEST(CronNextTest, LeapDayAndImpossibleDates) {
  EXPECT_EQ(firings("0 0 29 2 *", kJan1, 2),
            (std::vector<std::int64_t>{utc(2028, 2, 29), utc(2032, 2, 29)}));
  EXPECT_EQ(cron("0 0 31 2 *").next_after(kJan1, TimeZone::utc()), std::nullopt);
  EXPECT_EQ(cron("0 0 30 2 *").next_after(kJan1, TimeZone::utc()), std::nullopt);
  EXPECT_TRUE(cron("0 0 31 2 *").next_n(kJan1, TimeZone::utc(), 3).empty());
}

TEST(CronNextTest, NextNIncreasingAndFast) {
  const auto start = std::chrono::steady_clock::now();
  for (const char* text : {"*/7 3-5 * * *", "0 0 13 * FRI", "*/10 * * * * *", "@weekly",
                           "15 14 1 * *", "0 22 * * 1-5"}) {
    const auto v = firings(text, kJan1, 200);
    ASSERT_EQ(v.size(), 200u) << text;
    EXPECT_GT(v.front(), kJan1);
    for (std::size_t i = 1; i < v.size(); ++i) ASSERT_LT(v[i - 1], v[i]) << text;
  }
  EXPECT_TRUE(firings("* * * * *", kJan1, 0).empty());
  EXPECT_TRUE(firings("* * * * *", kJan1, -3).empty());
  // A full 5-year miss (impossible date) must be quick.
  for (int i = 0; i < 100; ++i) (void)cron("0 0 31 2 *").next_after(kJan1, TimeZone::utc());
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(ms, 2000);
}

bool have_tzdata() { return std::filesystem::exists("/usr/share/zoneinfo/Europe/Berlin"); }

#define REQUIRE_TZDATA()                                                               \
  if (!have_tzdata())                                                                  \
  GTEST_SKIP() << "system tz database /usr/share/zoneinfo is missing (install Debian " \
                  "package tzdata)"

TimeZone berlin() {
  auto tz = TimeZone::load("Europe/Berlin");
  EXPECT_TRUE(tz.ok());
  return tz.ok() ? *tz : TimeZone::utc();
}

TEST(CronDstTest, BerlinSpringForwardGapFiresOnceAtGapEnd) {
  REQUIRE_TZDATA();
  // 2026-03-29 02:00 CET -> 03:00 CEST; 02:30 does not exist.
  EXPECT_EQ(firings("30 2 * * *", utc(2026, 3, 28, 12), 3, berlin()),
            (std::vector<std::int64_t>{utc(2026, 3, 29, 1), utc(2026, 3, 30, 0, 30),
                                       utc(2026, 3, 31, 0, 30)}));
  // Every 15 minutes: 01:45 CET, then the gap collapses 02:00..02:45 + 03:00 into 03:00 CEST.
  EXPECT_EQ(firings("*/15 * * * *", utc(2026, 3, 29, 0, 30), 3, berlin()),
            (std::vector<std::int64_t>{utc(2026, 3, 29, 0, 45), utc(2026, 3, 29, 1),
                                       utc(2026, 3, 29, 1, 15)}));
}

TEST(CronDstTest, BerlinFallBackOverlapFiresOnceFirstOccurrence) {
  REQUIRE_TZDATA();
  // 2026-10-25 03:00 CEST -> 02:00 CET; 02:30 happens at 00:30 and 01:30 UTC.
  EXPECT_EQ(firings("30 2 * * *", utc(2026, 10, 24, 12), 2, berlin()),
            (std::vector<std::int64_t>{utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)}));
  // Asking from inside the second occurrence does not fire it again.
  EXPECT_EQ(firings("30 2 * * *", utc(2026, 10, 25, 1, 10), 1, berlin()),
            std::vector<std::int64_t>{utc(2026, 10, 26, 1, 30)});
  // Documented consequence: "*/30" fires 02:00, 02:30 CEST, skips the repeated hour, 03:00 CET.
  EXPECT_EQ(firings("*/30 * * * *", utc(2026, 10, 24, 23, 45), 4, berlin()),
            (std::vector<std::int64_t>{utc(2026, 10, 25, 0), utc(2026, 10, 25, 0, 30),
                                       utc(2026, 10, 25, 2), utc(2026, 10, 25, 2, 30)}));
}

TEST(CronDstTest, LocalTimeInNewYorkAndFarFuture) {
  REQUIRE_TZDATA();
  auto ny = TimeZone::load("America/New_York");
  ASSERT_TRUE(ny.ok());
  EXPECT_EQ(cron("0 9 * * MON-FRI").next_after(kJan1, *ny), utc(2026, 1, 1, 14));
  EXPECT_EQ(cron("0 9 * * MON-FRI").next_after(utc(2026, 7, 1), *ny), utc(2026, 7, 1, 13));
  // Beyond 2037: footer rule (CEST in July 2045).
  EXPECT_EQ(cron("0 12 1 7 *").next_after(utc(2045, 1, 1), berlin()), utc(2045, 7, 1, 10));
}

}  // namespace
}  // namespace nextra::schedule
