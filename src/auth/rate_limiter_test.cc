#include "auth/rate_limiter.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace nextra::auth {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

// Times are passed in explicitly, so nothing here depends on the wall clock.
const Clock::time_point t0 = Clock::time_point() + std::chrono::hours(1);

TEST(RateLimiter, BlocksAfterMaxFailures) {
  RateLimiter limiter(3, seconds(60));
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limiter.check("alice", t0 + seconds(i)).allowed) << i;
    limiter.record_failure("alice", t0 + seconds(i));
  }
  auto d = limiter.check("alice", t0 + seconds(3));
  EXPECT_FALSE(d.allowed);
  EXPECT_GT(d.retry_after, milliseconds(0));
}

TEST(RateLimiter, RetryAfterCountsDownToTheOldestFailureLeavingTheWindow) {
  RateLimiter limiter(2, seconds(60));
  limiter.record_failure("bob", t0);
  limiter.record_failure("bob", t0 + seconds(10));
  auto first = limiter.check("bob", t0 + seconds(20));
  auto later = limiter.check("bob", t0 + seconds(50));
  ASSERT_FALSE(first.allowed);
  ASSERT_FALSE(later.allowed);
  EXPECT_EQ(first.retry_after, seconds(40));
  EXPECT_EQ(later.retry_after, seconds(10));
  EXPECT_LT(later.retry_after, first.retry_after);
}

TEST(RateLimiter, UnblocksWhenTheWindowPasses) {
  RateLimiter limiter(2, seconds(60));
  limiter.record_failure("carol", t0);
  limiter.record_failure("carol", t0 + seconds(30));
  EXPECT_FALSE(limiter.check("carol", t0 + seconds(59)).allowed);
  EXPECT_TRUE(limiter.check("carol", t0 + seconds(60)).allowed);
  // Only one failure still counts, so one more failure blocks again.
  limiter.record_failure("carol", t0 + seconds(61));
  auto d = limiter.check("carol", t0 + seconds(62));
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, seconds(28));  // until the failure at +30 s leaves the window
  EXPECT_TRUE(limiter.check("carol", t0 + seconds(200)).allowed);
}

TEST(RateLimiter, ResetClearsTheKey) {
  RateLimiter limiter(1, seconds(60));
  limiter.record_failure("dave", t0);
  EXPECT_FALSE(limiter.check("dave", t0).allowed);
  limiter.reset("dave");
  EXPECT_TRUE(limiter.check("dave", t0).allowed);
  EXPECT_EQ(limiter.tracked_keys(), 0u);
  limiter.reset("never-seen");  // harmless
}

TEST(RateLimiter, KeysAreIndependent) {
  RateLimiter limiter(2, seconds(60));
  limiter.record_failure("erin", t0);
  limiter.record_failure("erin", t0);
  limiter.record_failure("frank", t0);
  EXPECT_FALSE(limiter.check("erin", t0).allowed);
  EXPECT_TRUE(limiter.check("frank", t0).allowed);
  EXPECT_TRUE(limiter.check("grace", t0).allowed);
}

TEST(RateLimiter, MemoryStaysBoundedUnderAFloodOfKeys) {
  RateLimiter limiter(3, seconds(60), 100);
  for (int i = 0; i < 10000; ++i) limiter.record_failure("ip-" + std::to_string(i), t0);
  EXPECT_EQ(limiter.tracked_keys(), 100u);
}

TEST(RateLimiter, EvictsTheLeastRecentlyTouchedKey) {
  RateLimiter limiter(1, seconds(60), 2);
  limiter.record_failure("old", t0);
  limiter.record_failure("busy", t0);
  limiter.record_failure("old", t0 + seconds(1));   // touched again: now the most recent
  limiter.record_failure("new", t0 + seconds(2));   // evicts "busy"
  EXPECT_FALSE(limiter.check("old", t0 + seconds(3)).allowed);
  EXPECT_FALSE(limiter.check("new", t0 + seconds(3)).allowed);
  EXPECT_TRUE(limiter.check("busy", t0 + seconds(3)).allowed);
}

TEST(RateLimiter, ConcurrentUseKeepsCountsAndBounds) {
  RateLimiter limiter(1000, seconds(60), 50);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        limiter.record_failure("shared", t0);
        limiter.record_failure("t" + std::to_string(t) + "-" + std::to_string(i), t0);
        (void)limiter.check("shared", t0);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(limiter.tracked_keys(), 50u);
}

}  // namespace
}  // namespace nextra::auth
