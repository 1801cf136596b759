#include "pump/timer_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

namespace nextra::pump {
namespace {

TEST(TimerQueue, RunsCallbacksAndSkipsCancelledOnes) {
  TimerQueue q;
  std::atomic<int> ran{0};
  std::promise<void> fired;
  auto cancelled = q.schedule(TimerQueue::Clock::now() + std::chrono::milliseconds(5), [&] { ran += 100; });
  EXPECT_TRUE(q.cancel(cancelled));
  EXPECT_FALSE(q.cancel(cancelled));
  q.schedule(TimerQueue::Clock::now() + std::chrono::milliseconds(10), [&] {
    ++ran;
    fired.set_value();
  });
  ASSERT_EQ(fired.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(ran.load(), 1);
}

// Regression: the timer thread waited on a reference into the entry it was waiting for, so
// cancelling that entry during the wait was a use-after-free (caught by ASan in CI).
TEST(TimerQueue, CancellingTheEarliestTimerWhileTheThreadWaitsIsSafe) {
  TimerQueue q;
  for (int i = 0; i < 2000; ++i) {
    auto id = q.schedule(TimerQueue::Clock::now() + std::chrono::hours(1), [] {});
    if (i % 50 == 0) std::this_thread::yield();  // let the timer thread start waiting on it
    EXPECT_TRUE(q.cancel(id));
  }
  q.stop();
  q.stop();  // idempotent
}

}  // namespace
}  // namespace nextra::pump
