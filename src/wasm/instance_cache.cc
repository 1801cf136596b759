#include "wasm/instance_cache.h"

#include <algorithm>

namespace nextra::wasm {

Result<CallOutput> InstanceCache::call(const std::string& module_key, const std::string& thread,
                                       const std::shared_ptr<pump::Execution>& execution, const Maker& make,
                                       const Body& body) {
  const auto now = std::chrono::steady_clock::now();
  Key key{module_key, thread};
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      evict_locked(now);
      auto fresh = std::make_shared<Entry>();
      fresh->execution = execution;
      fresh->tied = execution != nullptr;
      it = entries_.emplace(key, std::move(fresh)).first;
    }
    it->second->last_used = now;
    entry = it->second;
  }
  const auto forget = [&] {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second == entry) entries_.erase(it);
  };
  std::lock_guard call_lock(entry->mu);
  if (!entry->instance) {
    auto made = make();
    if (!made.ok()) {
      forget();
      return made.take_error();
    }
    entry->instance = std::move(made).value();
  }
  auto result = body(*entry->instance);
  if (!result.ok() || entry->instance->poisoned()) {
    // A failed call may leave the module's memory half-written: the next message of this
    // thread gets a fresh instance.
    entry->instance.reset();
    forget();
  }
  return result;
}

void InstanceCache::evict_locked(std::chrono::steady_clock::time_point now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    const bool idle = now - it->second->last_used > options_.idle_ttl;
    // An execution that is gone without telling us (its pump stopped) frees its entries too.
    const bool ended = it->second->tied && it->second->execution.expired();
    it = (idle || ended) ? entries_.erase(it) : std::next(it);
  }
  while (!entries_.empty() && entries_.size() >= options_.max_instances) {
    auto oldest = std::min_element(entries_.begin(), entries_.end(),
                                   [](const auto& a, const auto& b) { return a.second->last_used < b.second->last_used; });
    entries_.erase(oldest);
  }
}

void InstanceCache::drop_thread(const std::string& thread) {
  std::lock_guard lock(mu_);
  for (auto it = entries_.begin(); it != entries_.end();) it = it->first.second == thread ? entries_.erase(it) : std::next(it);
}

void InstanceCache::drop_module(const std::string& module_key) {
  std::lock_guard lock(mu_);
  for (auto it = entries_.begin(); it != entries_.end();) it = it->first.first == module_key ? entries_.erase(it) : std::next(it);
}

void InstanceCache::on_execution_completed(const pump::Execution& execution) {
  std::lock_guard lock(mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto exec = it->second->execution.lock();
    const bool gone = (exec && exec.get() == &execution);
    it = gone ? entries_.erase(it) : std::next(it);
  }
}

std::size_t InstanceCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace nextra::wasm
