#include "agent/conversations.h"

#include "pump/execution.h"

namespace nextra::agent {

std::shared_ptr<Conversation> Conversations::get(const std::string& agent, const std::string& thread,
                                                 const std::string& execution_id, bool* created) {
  const std::string key = agent + '\n' + thread;
  std::lock_guard lock(mu_);
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    *created = false;
    return it->second.conversation;
  }
  while (by_key_.size() >= max_ && !oldest_.empty()) {
    by_key_.erase(oldest_.front());
    oldest_.pop_front();
  }
  auto c = std::make_shared<Conversation>();
  c->execution_id = execution_id;
  oldest_.push_back(key);
  by_key_.emplace(key, Entry{c, std::prev(oldest_.end())});
  by_execution_.emplace(execution_id, key);
  *created = true;
  return c;
}

std::shared_ptr<Conversation> Conversations::claim_self_call(const std::string& agent, const std::string& thread,
                                                             const std::string& execution_id) {
  std::lock_guard lock(mu_);
  auto [from, to] = by_execution_.equal_range(execution_id);
  for (auto it = from; it != to; ++it) {
    if (it->second.compare(0, agent.size() + 1, agent + '\n') != 0) continue;
    auto e = by_key_.find(it->second);
    if (e == by_key_.end()) continue;
    auto c = e->second.conversation;
    std::lock_guard clock(c->mu);
    for (const auto& p : c->pending) {
      if (p.listener != agent) continue;
      const std::string key = agent + '\n' + thread;
      oldest_.push_back(key);
      by_key_[key] = Entry{c, std::prev(oldest_.end())};
      by_execution_.emplace(execution_id, key);
      return c;
    }
  }
  return nullptr;
}

void Conversations::erase(const std::string& agent, const std::string& thread) {
  std::lock_guard lock(mu_);
  auto it = by_key_.find(agent + '\n' + thread);
  if (it == by_key_.end()) return;
  oldest_.erase(it->second.age);
  by_key_.erase(it);
}

std::size_t Conversations::size() const {
  std::lock_guard lock(mu_);
  return by_key_.size();
}

void Conversations::on_execution_completed(const pump::Execution& exec) {
  {
    std::lock_guard lock(mu_);
    auto [from, to] = by_execution_.equal_range(exec.root_thread);
    for (auto it = from; it != to; ++it) {
      if (auto e = by_key_.find(it->second); e != by_key_.end()) {
        oldest_.erase(e->second.age);
        by_key_.erase(e);
      }
    }
    by_execution_.erase(from, to);
  }
  if (on_end_) on_end_(exec.root_thread);
}

}  // namespace nextra::agent
