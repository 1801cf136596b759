#include "auth/rate_limiter.h"

#include <algorithm>

namespace nextra::auth {

RateLimiter::RateLimiter(int max_failures, std::chrono::milliseconds window, std::size_t max_keys)
    : max_failures_(static_cast<std::size_t>(std::max(max_failures, 1))),
      window_(window),
      max_keys_(std::max<std::size_t>(max_keys, 1)) {}

RateLimiter::Decision RateLimiter::check(std::string_view key, Clock::time_point now) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) return {};
  const auto& failures = it->second.failures;
  // Failures at t count while now < t + window. At most max_failures_ are stored, so the key
  // is blocked exactly when all stored ones still count; the oldest decides when it ends.
  auto counted = std::count_if(failures.begin(), failures.end(),
                               [&](Clock::time_point t) { return now < t + window_; });
  if (static_cast<std::size_t>(counted) < max_failures_) return {};
  auto wait = std::chrono::ceil<std::chrono::milliseconds>(failures.front() + window_ - now);
  return {false, std::max(wait, std::chrono::milliseconds(1))};
}

void RateLimiter::record_failure(std::string_view key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  std::string k(key);
  auto it = entries_.find(k);
  if (it == entries_.end()) {
    if (entries_.size() >= max_keys_) {
      entries_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(k);
    it = entries_.emplace(std::move(k), Entry{{}, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  }
  auto& failures = it->second.failures;
  while (!failures.empty() && !(now < failures.front() + window_)) failures.pop_front();
  // Callers on several threads may pass slightly out-of-order times; keep the deque sorted.
  failures.insert(std::upper_bound(failures.begin(), failures.end(), now), now);
  while (failures.size() > max_failures_) failures.pop_front();
}

void RateLimiter::reset(std::string_view key) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) return;
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

std::size_t RateLimiter::tracked_keys() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace nextra::auth
