#include "llm/budget.h"

#include <algorithm>
#include <vector>

namespace nextra::llm {

Status ThreadBudgets::reserve(const std::string& thread, long long estimate) {
  if (max_ <= 0 || thread.empty()) return {};
  std::lock_guard lock(mu_);
  auto it = threads_.find(thread);
  if (it == threads_.end()) {
    if (threads_.size() >= kMaxThreads) {
      return Error::make(ErrorCode::ResourceExhausted, "too many threads with token budgets in use");
    }
    it = threads_.emplace(thread, Entry{}).first;
  }
  Entry& e = it->second;
  if (e.used >= max_ || e.used + estimate > max_) {
    return Error::make(ErrorCode::ResourceExhausted, "token budget exhausted for thread " + thread + ": used " +
                                                         std::to_string(e.used) + " of " + std::to_string(max_) +
                                                         ", this call needs about " + std::to_string(estimate));
  }
  e.used += estimate;
  return {};
}

void ThreadBudgets::settle(const std::string& thread, long long estimate, long long actual) {
  if (max_ <= 0 || thread.empty()) return;
  std::vector<BudgetWarning> warnings;
  {
    std::lock_guard lock(mu_);
    auto it = threads_.find(thread);
    if (it == threads_.end()) return;  // forgotten while the call ran
    Entry& e = it->second;
    e.used = std::max(0LL, e.used - estimate + std::max(0LL, actual));
    for (int threshold : {75, 90, 95}) {
      if (e.warned < threshold && e.used * 100 >= max_ * threshold) {
        e.warned = threshold;
        warnings.push_back({thread, threshold, e.used, max_});
      }
    }
  }
  if (on_warning_) {
    for (const auto& w : warnings) on_warning_(w);
  }
}

void ThreadBudgets::forget(const std::string& thread) {
  std::lock_guard lock(mu_);
  threads_.erase(thread);
}

long long ThreadBudgets::used(const std::string& thread) {
  std::lock_guard lock(mu_);
  auto it = threads_.find(thread);
  return it == threads_.end() ? 0 : it->second.used;
}

}  // namespace nextra::llm
