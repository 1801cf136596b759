#include "core/utc_time.h"

#include <gtest/gtest.h>

namespace nextra {
namespace {

TEST(UtcTime, NamesTheMonthAndDayInUtc) {
  EXPECT_EQ(utc_month(1801439999000), "2027-01");  // 2027-01-31T23:59:59Z
  EXPECT_EQ(utc_month(1801440000000), "2027-02");  // 2027-02-01T00:00:00Z
  EXPECT_EQ(utc_day(1801439999999), "2027-01-31");
  EXPECT_EQ(utc_day(0), "1970-01-01");
  EXPECT_EQ(utc_day(-1), "1969-12-31");
}

TEST(UtcTime, ParsesDaysAndMonthsThatExist) {
  EXPECT_EQ(parse_utc_day("2027-01-31"), std::optional<std::int64_t>(1801353600000));
  EXPECT_EQ(parse_utc_month("2027-02"), std::optional<std::int64_t>(1801440000000));
  EXPECT_EQ(parse_utc_day("2028-02-29").has_value(), true);  // a leap day
  for (const char* bad : {"2026-02-30", "2026-13-01", "2026-1-01", "2026-01-01x", "1969-12-31", "", "abcd-ef-gh"}) {
    EXPECT_FALSE(parse_utc_day(bad).has_value()) << bad;
  }
  for (const char* bad : {"2026-13", "2026-00", "2026-1", "2026-01-01", "1969-12"}) {
    EXPECT_FALSE(parse_utc_month(bad).has_value()) << bad;
  }
  EXPECT_EQ(utc_next_month(1801439999000), 1801440000000);  // Jan 31 23:59:59 -> Feb 1
  EXPECT_EQ(utc_month(utc_next_month(*parse_utc_month("2026-12"))), "2027-01");
}

}  // namespace
}  // namespace nextra
