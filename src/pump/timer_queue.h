#pragma once
// One background thread that runs callbacks at deadlines: listener timeouts and execution
// deadlines. Callbacks run on the timer thread and must be short.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace nextra::pump {

class TimerQueue {
 public:
  using Clock = std::chrono::steady_clock;
  TimerQueue();
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // Returns an id for cancel().
  std::uint64_t schedule(Clock::time_point at, std::function<void()> fn);
  // True if the timer was still pending (and will now never run).
  bool cancel(std::uint64_t id);
  void stop();

 private:
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::multimap<Clock::time_point, std::uint64_t> by_time_;                         // guarded by mu_
  std::map<std::uint64_t, std::pair<Clock::time_point, std::function<void()>>> by_id_;  // guarded by mu_
  std::uint64_t next_id_ = 1;  // guarded by mu_
  // When the timer thread wakes by itself next (max: only when notified). Guarded by mu_.
  Clock::time_point sleeping_until_ = Clock::time_point::max();
  bool stopping_ = false;      // guarded by mu_
  std::thread thread_;
};

}  // namespace nextra::pump
