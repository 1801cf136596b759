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

// The timer thread is only woken for a deadline earlier than the one it sleeps towards:
// an earlier one must still fire on time, not when the later one is due.
TEST(TimerQueue, AnEarlierDeadlineWakesTheThreadSleepingTowardsALaterOne) {
  TimerQueue q;
  q.schedule(TimerQueue::Clock::now() + std::chrono::hours(1), [] {});
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // now it sleeps towards the hour
  std::promise<void> fired;
  q.schedule(TimerQueue::Clock::now() + std::chrono::milliseconds(10), [&] { fired.set_value(); });
  EXPECT_EQ(fired.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

// A cancelled timer leaves the thread sleeping towards its time, unwoken by the later one
// scheduled next: that one must still fire.
TEST(TimerQueue, ADeadlineAfterACancelledOneStillFires) {
  TimerQueue q;
  auto first = q.schedule(TimerQueue::Clock::now() + std::chrono::milliseconds(30), [] {});
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_TRUE(q.cancel(first));
  std::promise<void> fired;
  q.schedule(TimerQueue::Clock::now() + std::chrono::milliseconds(60), [&] { fired.set_value(); });
  EXPECT_EQ(fired.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

}  // namespace
}  // namespace nextra::pump
