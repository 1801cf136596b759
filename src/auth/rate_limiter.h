#pragma once
// Login attempt limiting: at most `max_failures` failed attempts per key (a user name, an IP,
// or both) within a sliding `window`. Once reached, the key is blocked until the oldest counted
// failure leaves the window. Thread-safe. Memory is bounded: at most `max_keys` keys are
// tracked, and when full the least recently touched key is forgotten, so a flood of distinct
// keys cannot exhaust memory (at worst it makes the limiter forget an older key early).

#include <chrono>
#include <cstddef>
#include <deque>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace nextra::auth {

class RateLimiter {
 public:
  // max_failures and max_keys are clamped to at least 1; a non-positive window counts nothing.
  RateLimiter(int max_failures, std::chrono::milliseconds window, std::size_t max_keys = 100000);

  struct Decision {
    bool allowed = true;
    std::chrono::milliseconds retry_after{0};  // > 0 when blocked: until the key is allowed again
  };

  // Whether an attempt for `key` may go ahead at `now`. Does not change state.
  Decision check(std::string_view key, std::chrono::steady_clock::time_point now) const;
  // Counts a failed attempt for `key` at `now`.
  void record_failure(std::string_view key, std::chrono::steady_clock::time_point now);
  // Forgets `key` (after a successful login).
  void reset(std::string_view key);

  // How many keys are tracked now (at most max_keys).
  std::size_t tracked_keys() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    std::deque<Clock::time_point> failures;  // ascending, at most max_failures_, may hold expired
    std::list<std::string>::iterator lru;    // position in lru_ (front = most recently touched)
  };

  const std::size_t max_failures_;
  const std::chrono::milliseconds window_;
  const std::size_t max_keys_;

  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;
};

}  // namespace nextra::auth
