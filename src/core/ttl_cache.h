#pragma once
// A small thread-safe map whose entries expire after a fixed time: for hot lookups on the
// request path (a webhook's trigger by token hash, a flow's live version) that must not each
// cost a database transaction. Writers through this process clear what they change; the
// time limit bounds how long another process's change can go unseen.

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>

namespace nextra {

template <typename Key, typename Value>
class TtlCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit TtlCache(Clock::duration ttl, std::size_t capacity = 10000) : ttl_(ttl), capacity_(capacity) {}

  std::optional<Value> get(const Key& key) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    if (Clock::now() >= it->second.expires) {
      entries_.erase(it);
      return std::nullopt;
    }
    return it->second.value;
  }

  void put(const Key& key, Value value) {
    std::lock_guard lock(mu_);
    if (entries_.size() >= capacity_) entries_.clear();  // bounded; refilling is cheap
    entries_.insert_or_assign(key, Entry{std::move(value), Clock::now() + ttl_});
  }

  void erase(const Key& key) {
    std::lock_guard lock(mu_);
    entries_.erase(key);
  }

  template <typename Pred>
  void erase_if(Pred pred) {
    std::lock_guard lock(mu_);
    for (auto it = entries_.begin(); it != entries_.end();) {
      it = pred(it->first, it->second.value) ? entries_.erase(it) : std::next(it);
    }
  }

  void clear() {
    std::lock_guard lock(mu_);
    entries_.clear();
  }

 private:
  struct Entry {
    Value value;
    Clock::time_point expires;
  };
  const Clock::duration ttl_;
  const std::size_t capacity_;
  std::mutex mu_;
  std::map<Key, Entry> entries_;
};

}  // namespace nextra
