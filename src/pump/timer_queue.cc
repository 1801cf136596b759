#include "pump/timer_queue.h"

#include "core/thread_name.h"

namespace nextra::pump {

TimerQueue::TimerQueue()
    : thread_([this] {
        name_this_thread("pump-timers");
        run();
      }) {}

TimerQueue::~TimerQueue() { stop(); }

std::uint64_t TimerQueue::schedule(Clock::time_point at, std::function<void()> fn) {
  std::lock_guard lock(mu_);
  auto id = next_id_++;
  // Wake the timer thread only when it would otherwise sleep past this deadline: executions
  // schedule a deadline each (and cancel it when they end, usually long before it), and
  // waking it for every one cost a context switch per execution. A cancelled timer leaves
  // the thread sleeping until that timer's time, which later deadlines never precede.
  by_time_.emplace(at, id);
  by_id_.emplace(id, std::make_pair(at, std::move(fn)));
  if (at < sleeping_until_) cv_.notify_one();
  return id;
}

bool TimerQueue::cancel(std::uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return false;
  auto range = by_time_.equal_range(it->second.first);
  for (auto t = range.first; t != range.second; ++t) {
    if (t->second == id) {
      by_time_.erase(t);
      break;
    }
  }
  by_id_.erase(it);
  return true;
}

void TimerQueue::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable() && std::this_thread::get_id() != thread_.get_id()) thread_.join();
}

void TimerQueue::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (by_time_.empty()) {
      sleeping_until_ = Clock::time_point::max();
      cv_.wait(lock);
      continue;
    }
    auto first = by_time_.begin();
    // A copy: cancel() may erase this node while the wait has the lock released.
    const auto when = first->first;
    if (Clock::now() < when) {
      sleeping_until_ = when;
      cv_.wait_until(lock, when);
      continue;
    }
    sleeping_until_ = Clock::time_point::min();  // running callbacks: it will look again
    auto id = first->second;
    by_time_.erase(first);
    auto it = by_id_.find(id);
    if (it == by_id_.end()) continue;
    auto fn = std::move(it->second.second);
    by_id_.erase(it);
    lock.unlock();
    fn();
    lock.lock();
  }
}

}  // namespace nextra::pump
