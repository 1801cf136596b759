#include "llm/token_bucket.h"

#include <algorithm>
#include <cmath>

namespace nextra::llm {

TokenBucket::TokenBucket(long long tpm, Clock clock)
    : capacity_(tpm),
      per_ms_(static_cast<double>(tpm) / 60'000.0),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })),
      level_(static_cast<double>(tpm)),
      last_(clock_()) {}

void TokenBucket::refill_locked() {
  auto now = clock_();
  double ms = std::chrono::duration<double, std::milli>(now - last_).count();
  if (ms > 0) {
    level_ = std::min(static_cast<double>(capacity_), level_ + ms * per_ms_);
    last_ = now;
  }
}

Result<std::chrono::milliseconds> TokenBucket::reserve(long long tokens, std::chrono::milliseconds max_wait) {
  if (tokens > capacity_) {
    return Error::make(ErrorCode::ResourceExhausted, "a call of about " + std::to_string(tokens) +
                                                         " tokens exceeds the backend's rate limit of " +
                                                         std::to_string(capacity_) + " tokens per minute");
  }
  std::lock_guard lock(mu_);
  refill_locked();
  double after = level_ - static_cast<double>(tokens);
  auto wait = std::chrono::milliseconds(after >= 0 ? 0 : static_cast<long long>(std::ceil(-after / per_ms_)));
  if (wait > max_wait) {
    return Error::make(ErrorCode::ResourceExhausted, "rate limit: the backend's tokens per minute are used up (next slot in " +
                                                         std::to_string(wait.count()) + " ms)");
  }
  level_ = after;
  return wait;
}

void TokenBucket::adjust(long long tokens) {
  std::lock_guard lock(mu_);
  refill_locked();
  // A debt is bounded by one minute of tokens so a wildly wrong estimate cannot block the
  // backend for longer than that.
  level_ = std::clamp(level_ - static_cast<double>(tokens), -static_cast<double>(capacity_), static_cast<double>(capacity_));
}

double TokenBucket::level() {
  std::lock_guard lock(mu_);
  refill_locked();
  return level_;
}

bool ConcurrencyLimit::acquire(std::chrono::milliseconds max_wait, const std::atomic<bool>* stop) {
  std::unique_lock lock(mu_);
  bool got = cv_.wait_for(lock, max_wait, [&] { return (stop && stop->load()) || active_ < max_; });
  if (!got || (stop && stop->load())) return false;
  ++active_;
  return true;
}

void ConcurrencyLimit::release() {
  {
    std::lock_guard lock(mu_);
    --active_;
  }
  cv_.notify_one();
}

void ConcurrencyLimit::notify_all() {
  { std::lock_guard lock(mu_); }
  cv_.notify_all();
}

int ConcurrencyLimit::active() {
  std::lock_guard lock(mu_);
  return active_;
}

}  // namespace nextra::llm
