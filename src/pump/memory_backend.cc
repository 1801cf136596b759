#include <list>
#include <mutex>
#include <unordered_map>

#include "pump/shared_backend.h"

namespace nextra::pump {
namespace {

// Two independent locks so history appends never wait on registry lookups.
class MemoryBackend final : public SharedBackend {
 public:
  explicit MemoryBackend(BufferLimits limits) : limits_(limits) {}

  Result<std::size_t> buffer_append(Slot slot) override {
    std::lock_guard lock(buffer_mu_);
    auto it = buffers_.find(slot.thread);
    if (it == buffers_.end()) {
      if (buffers_.size() >= limits_.max_threads && !creation_order_.empty()) {
        // Evict the oldest-created thread's history (spec §6).
        auto oldest = buffers_.find(creation_order_.front());
        if (oldest != buffers_.end()) {
          total_slots_ -= oldest->second.slots.size();
          buffers_.erase(oldest);
        }
        creation_order_.pop_front();
        ++evicted_;
      }
      creation_order_.push_back(slot.thread);
      it = buffers_.emplace(slot.thread, ThreadBuffer{{}, std::prev(creation_order_.end())}).first;
    }
    auto& slots = it->second.slots;
    if (slots.size() >= limits_.max_slots_per_thread) {
      return Error::make(ErrorCode::ResourceExhausted, "thread " + slot.thread + " exceeded context buffer limit");
    }
    slot.index = slots.size();
    slots.push_back(std::move(slot));
    ++total_slots_;
    return slots.size() - 1;
  }

  std::vector<Slot> buffer_thread(const std::string& thread) const override {
    std::lock_guard lock(buffer_mu_);
    auto it = buffers_.find(thread);
    return it == buffers_.end() ? std::vector<Slot>{} : it->second.slots;
  }

  std::size_t buffer_length(const std::string& thread) const override {
    std::lock_guard lock(buffer_mu_);
    auto it = buffers_.find(thread);
    return it == buffers_.end() ? 0 : it->second.slots.size();
  }

  void buffer_delete(const std::string& thread) override {
    std::lock_guard lock(buffer_mu_);
    auto it = buffers_.find(thread);
    if (it == buffers_.end()) return;
    total_slots_ -= it->second.slots.size();
    creation_order_.erase(it->second.order);
    buffers_.erase(it);
  }

  BufferStats buffer_stats() const override {
    std::lock_guard lock(buffer_mu_);
    return {buffers_.size(), total_slots_, evicted_};
  }

  void registry_set(const std::string& chain_key, const std::string& uuid) override {
    std::lock_guard lock(registry_mu_);
    by_chain_[chain_key] = uuid;
    by_uuid_[uuid] = chain_key;
  }

  std::optional<std::string> registry_uuid(const std::string& chain_key) const override {
    std::lock_guard lock(registry_mu_);
    auto it = by_chain_.find(chain_key);
    if (it == by_chain_.end()) return std::nullopt;
    return it->second;
  }

  std::optional<std::string> registry_chain(const std::string& uuid) const override {
    std::lock_guard lock(registry_mu_);
    auto it = by_uuid_.find(uuid);
    if (it == by_uuid_.end()) return std::nullopt;
    return it->second;
  }

  void registry_delete(const std::string& uuid) override {
    std::lock_guard lock(registry_mu_);
    auto it = by_uuid_.find(uuid);
    if (it == by_uuid_.end()) return;
    auto c = by_chain_.find(it->second);
    if (c != by_chain_.end() && c->second == uuid) by_chain_.erase(c);
    by_uuid_.erase(it);
  }

  std::size_t registry_size() const override {
    std::lock_guard lock(registry_mu_);
    return by_uuid_.size();
  }

 private:
  struct ThreadBuffer {
    std::vector<Slot> slots;
    std::list<std::string>::iterator order;
  };

  const BufferLimits limits_;
  mutable std::mutex buffer_mu_;
  std::unordered_map<std::string, ThreadBuffer> buffers_;  // guarded by buffer_mu_
  std::list<std::string> creation_order_;                  // guarded by buffer_mu_
  std::size_t total_slots_ = 0;                            // guarded by buffer_mu_
  std::size_t evicted_ = 0;                                // guarded by buffer_mu_

  mutable std::mutex registry_mu_;
  std::unordered_map<std::string, std::string> by_chain_;  // guarded by registry_mu_
  std::unordered_map<std::string, std::string> by_uuid_;   // guarded by registry_mu_
};

}  // namespace

std::unique_ptr<SharedBackend> make_memory_backend(BufferLimits limits) {
  return std::make_unique<MemoryBackend>(limits);
}

}  // namespace nextra::pump
