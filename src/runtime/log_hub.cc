#include "runtime/log_hub.h"

#include <optional>

namespace nextra::runtime {

LogHub::LogHub(std::size_t capacity_per_flow) : capacity_(capacity_per_flow ? capacity_per_flow : 1) {}

std::int64_t LogHub::publish(const std::string& org_id, const std::string& flow_id, const std::string& execution_id,
                             std::string type, std::string data, std::int64_t at_ms) {
  // The event is built once, in the ring; subscribers (rare next to publications: one per
  // open log stream) get a copy made only when there are any.
  std::optional<LogEvent> copy;
  std::vector<std::pair<std::uint64_t, Callback>> targets;
  std::int64_t id = 0;
  {
    std::lock_guard lock(mu_);
    const auto k = key(org_id, flow_id);
    auto& ring = rings_[k];
    if (ring.events.size() >= capacity_) ring.events.pop_front();
    id = ring.next_id++;
    const auto& ev = ring.events.emplace_back(LogEvent{id, flow_id, execution_id, std::move(type), std::move(data), at_ms});
    if (!subs_.empty()) {
      for (const auto& [h, sub] : subs_) {
        if (sub.key != k) continue;
        if (!sub.execution_id.empty() && sub.execution_id != execution_id) continue;
        targets.emplace_back(h, sub.cb);
      }
      if (!targets.empty()) copy = ev;
    }
  }
  std::vector<std::uint64_t> gone;
  for (auto& [h, cb] : targets) {
    if (!cb(*copy)) gone.push_back(h);
  }
  for (auto h : gone) unsubscribe(h);
  return id;
}

std::vector<LogEvent> LogHub::since(const std::string& org_id, const std::string& flow_id, std::int64_t after_id,
                                    std::size_t limit) const {
  std::lock_guard lock(mu_);
  std::vector<LogEvent> out;
  auto it = rings_.find(key(org_id, flow_id));
  if (it == rings_.end()) return out;
  for (const auto& ev : it->second.events) {
    if (ev.id <= after_id) continue;
    out.push_back(ev);
    if (out.size() >= limit) break;
  }
  return out;
}

std::vector<LogEvent> LogHub::of_execution(const std::string& org_id, const std::string& flow_id,
                                           const std::string& execution_id) const {
  std::lock_guard lock(mu_);
  std::vector<LogEvent> out;
  auto it = rings_.find(key(org_id, flow_id));
  if (it == rings_.end()) return out;
  for (const auto& ev : it->second.events) {
    if (ev.execution_id == execution_id) out.push_back(ev);
  }
  return out;
}

std::uint64_t LogHub::subscribe(const std::string& org_id, const std::string& flow_id,
                                const std::string& execution_id, Callback cb) {
  std::lock_guard lock(mu_);
  auto h = next_sub_++;
  subs_[h] = Sub{key(org_id, flow_id), execution_id, std::move(cb)};
  return h;
}

void LogHub::unsubscribe(std::uint64_t handle) {
  std::lock_guard lock(mu_);
  subs_.erase(handle);
}

void LogHub::drop_flow(const std::string& org_id, const std::string& flow_id) {
  std::lock_guard lock(mu_);
  rings_.erase(key(org_id, flow_id));
}

}  // namespace nextra::runtime
