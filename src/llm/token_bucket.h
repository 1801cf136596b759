#pragma once
// A per-backend tokens-per-minute bucket: capacity = tpm, refilled at tpm/60 per second,
// starting full. reserve() takes tokens at once (the level may go below zero: a debt) and
// says how long the caller must wait before sending, so waiting callers are served in
// order and nobody starves. It never sleeps itself: the clock is injectable and the
// arithmetic is tested without time passing. Thread-safe.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "core/result.h"

namespace nextra::llm {

class TokenBucket {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  explicit TokenBucket(long long tokens_per_minute, Clock clock = nullptr);

  // Takes `tokens` and returns how long to wait before using them (0 when available now).
  // Errors (nothing taken): ResourceExhausted when `tokens` exceeds the whole capacity, or
  // when the wait would exceed `max_wait`.
  Result<std::chrono::milliseconds> reserve(long long tokens, std::chrono::milliseconds max_wait);
  // Gives back (negative) or takes (positive) tokens without waiting: the difference
  // between the estimate reserved and what the call really used.
  void adjust(long long tokens);

  double level();  // for tests and metrics
  long long capacity() const { return capacity_; }

 private:
  void refill_locked();

  const long long capacity_;
  const double per_ms_;
  Clock clock_;
  std::mutex mu_;
  double level_;                                   // guarded by mu_
  std::chrono::steady_clock::time_point last_;     // guarded by mu_
};

// Bounds the calls in flight at one backend. Thread-safe.
class ConcurrencyLimit {
 public:
  explicit ConcurrencyLimit(int max) : max_(max) {}
  // Waits up to `max_wait` for a slot; false on timeout or when `stop` becomes true
  // (checked on every notify_all()).
  bool acquire(std::chrono::milliseconds max_wait, const std::atomic<bool>* stop);
  void release();
  void notify_all();
  int active();
  int max() const { return max_; }

 private:
  const int max_;
  std::mutex mu_;
  std::condition_variable cv_;
  int active_ = 0;  // guarded by mu_
};

}  // namespace nextra::llm
