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

}  // namespace
}  // namespace nextra
