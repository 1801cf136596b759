#pragma once
// Per-thread token budgets (xml-pipeline-semantics.md §9 "Budgets"): a call is refused when
// the thread has used its budget or when used + the call's estimate would exceed it. The
// estimate is held while the call runs, so concurrent calls of one thread cannot overspend
// together; when the call ends, the estimate is replaced by what it really used. Crossing
// 75, 90 and 95 % is reported once per thread each. Thread-safe.

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "core/result.h"

namespace nextra::llm {

struct BudgetWarning {
  std::string thread_id;
  int percent = 0;  // 75, 90 or 95
  long long used = 0;
  long long max = 0;
};

class ThreadBudgets {
 public:
  static constexpr std::size_t kMaxThreads = 1'000'000;  // tracked at once; beyond: refused

  // max_tokens <= 0: no budget (nothing refused, nothing tracked).
  ThreadBudgets(long long max_tokens, std::function<void(const BudgetWarning&)> on_warning)
      : max_(max_tokens), on_warning_(std::move(on_warning)) {}

  // Holds `estimate` tokens for a call of `thread`. Errors: ResourceExhausted
  // ("token budget exhausted for thread T: used U of M").
  Status reserve(const std::string& thread, long long estimate);
  // The call is over: the held estimate becomes `actual` (negative values count as 0).
  // Warnings fire from here, on the caller's thread, after the lock is released.
  void settle(const std::string& thread, long long estimate, long long actual);
  // The thread has ended: its entry is freed.
  void forget(const std::string& thread);

  long long used(const std::string& thread);  // settled + held
  long long max() const { return max_; }

 private:
  struct Entry {
    long long used = 0;  // settled tokens plus estimates held by running calls
    int warned = 0;      // highest threshold already reported
  };
  const long long max_;
  std::function<void(const BudgetWarning&)> on_warning_;
  std::mutex mu_;
  std::map<std::string, Entry> threads_;  // guarded by mu_
};

}  // namespace nextra::llm
