// The token bucket, concurrency limit, thread budgets and retry timing, with a manual clock.
#include <gtest/gtest.h>

#include "llm/budget.h"
#include "llm/retry.h"
#include "llm/token_bucket.h"

namespace nextra::llm {
namespace {

using std::chrono::milliseconds;

TEST(TokenBucket, StartsFullRefillsAtTpmPerMinuteAndQueuesDebt) {
  auto now = std::chrono::steady_clock::time_point{};
  TokenBucket b(6000, [&] { return now; });  // 100 tokens per second
  EXPECT_EQ(*b.reserve(6000, milliseconds(0)), milliseconds(0));
  // Empty: 100 tokens need one second.
  EXPECT_EQ(b.reserve(100, milliseconds(500)).error().code, ErrorCode::ResourceExhausted);
  EXPECT_EQ(*b.reserve(100, milliseconds(5000)), milliseconds(1000));
  // The next caller queues behind the first one's debt.
  EXPECT_EQ(*b.reserve(100, milliseconds(5000)), milliseconds(2000));
  now += std::chrono::seconds(2);
  EXPECT_NEAR(b.level(), 0, 1e-6);
  // A call larger than the whole minute can never run.
  EXPECT_EQ(b.reserve(6001, milliseconds(1'000'000)).error().code, ErrorCode::ResourceExhausted);
}

TEST(TokenBucket, AdjustCorrectsTheEstimate) {
  auto now = std::chrono::steady_clock::time_point{};
  TokenBucket b(1000, [&] { return now; });
  ASSERT_TRUE(b.reserve(100, milliseconds(0)).ok());
  b.adjust(400);  // the call really used 500
  EXPECT_NEAR(b.level(), 500, 1e-6);
  b.adjust(-10'000);  // never above capacity
  EXPECT_NEAR(b.level(), 1000, 1e-6);
}

TEST(ConcurrencyLimit, RefusesBeyondMaxUntilReleased) {
  ConcurrencyLimit l(2);
  std::atomic<bool> stop{false};
  EXPECT_TRUE(l.acquire(milliseconds(0), &stop));
  EXPECT_TRUE(l.acquire(milliseconds(0), &stop));
  EXPECT_FALSE(l.acquire(milliseconds(0), &stop));
  l.release();
  EXPECT_TRUE(l.acquire(milliseconds(0), &stop));
  EXPECT_EQ(l.active(), 2);
}

TEST(ThreadBudgets, WarnsOncePerThresholdAndRefusesBeyond) {
  std::vector<int> warned;
  ThreadBudgets b(1000, [&](const BudgetWarning& w) { warned.push_back(w.percent); });
  ASSERT_TRUE(b.reserve("t", 100).ok());
  b.settle("t", 100, 760);  // 76 %
  EXPECT_EQ(warned, std::vector<int>({75}));
  ASSERT_TRUE(b.reserve("t", 100).ok());
  b.settle("t", 100, 200);  // 96 %: both remaining thresholds at once
  EXPECT_EQ(warned, std::vector<int>({75, 90, 95}));
  auto refused = b.reserve("t", 100);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::ResourceExhausted);
  EXPECT_NE(refused.error().message.find("used 960 of 1000"), std::string::npos) << refused.error().message;
  // Other threads have their own budget; a forgotten thread starts again.
  EXPECT_TRUE(b.reserve("u", 100).ok());
  b.forget("t");
  EXPECT_TRUE(b.reserve("t", 100).ok());
}

TEST(ThreadBudgets, HeldEstimatesStopConcurrentOverspend) {
  ThreadBudgets b(1000, nullptr);
  ASSERT_TRUE(b.reserve("t", 600).ok());
  EXPECT_FALSE(b.reserve("t", 600).ok());  // the first call still holds its 600
  b.settle("t", 600, 0);
  EXPECT_TRUE(b.reserve("t", 600).ok());
}

TEST(Retry, BackoffIsExponentialCappedAndJittered) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 50; ++i) {
    auto d1 = backoff_delay(1, 1.0, 60, rng);
    EXPECT_GE(d1, milliseconds(750));
    EXPECT_LE(d1, milliseconds(1250));
    auto d3 = backoff_delay(3, 1.0, 60, rng);
    EXPECT_GE(d3, milliseconds(3000));
    EXPECT_LE(d3, milliseconds(5000));
    auto capped = backoff_delay(10, 1.0, 2, rng);
    EXPECT_LE(capped, milliseconds(2500));
  }
}

TEST(Retry, RetryAfterSecondsAndHttpDate) {
  auto now = std::chrono::system_clock::from_time_t(1'700'000'000);
  EXPECT_EQ(parse_retry_after("2", now), milliseconds(2000));
  EXPECT_EQ(parse_retry_after(" 1.5 ", now), milliseconds(1500));
  EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:13:30 GMT", now), milliseconds(10'000));
  EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("-1", now), std::nullopt);
}

}  // namespace
}  // namespace nextra::llm
