#pragma once
// The transcripts of an organism's agents, one per (agent, thread): what the model said,
// the tool calls still waiting for their peers' answers, and the counters that bound a
// thread (bad tool calls, model calls). Seeded from the thread's context buffer when an
// agent first sees a thread (or sees it again after an eviction), kept exactly afterwards so
// tool-call ids match their results. Dropped when the agent answers its caller, when the
// execution ends, or, oldest first, beyond `max_conversations`.

#include <cstddef>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "llm/types.h"
#include "pump/events.h"

namespace nextra::agent {

struct PendingCall {
  std::string call_id;   // empty in XML mode
  std::string listener;  // the peer that was sent a message
  std::string tool_name;
};

struct Conversation {
  std::mutex mu;
  std::string execution_id;
  std::vector<llm::Message> messages;
  std::vector<PendingCall> pending;
  int tool_errors = 0;
  int turns = 0;
  bool calling = false;  // a model call is in flight
};

class Conversations final : public pump::Observer {
 public:
  explicit Conversations(std::size_t max_conversations = 10'000) : max_(max_conversations) {}

  // The conversation of `agent` on `thread`; `created` tells whether it is new.
  std::shared_ptr<Conversation> get(const std::string& agent, const std::string& thread,
                                    const std::string& execution_id, bool* created);
  // A self-call arrives on a thread of its own (the chain grew by one hop): the conversation
  // of `agent` in the execution that is waiting for it, now also known under `thread`.
  std::shared_ptr<Conversation> claim_self_call(const std::string& agent, const std::string& thread,
                                                const std::string& execution_id);
  void erase(const std::string& agent, const std::string& thread);
  std::size_t size() const;

  // Called with the execution id when an execution ends (the gateway frees its budget).
  void on_execution_end(std::function<void(const std::string&)> f) { on_end_ = std::move(f); }

  void on_execution_completed(const pump::Execution& exec) override;

 private:
  struct Entry {
    std::shared_ptr<Conversation> conversation;
    std::list<std::string>::iterator age;
  };
  const std::size_t max_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> by_key_;  // agent + '\n' + thread
  std::list<std::string> oldest_;        // keys, oldest first
  std::multimap<std::string, std::string> by_execution_;
  std::function<void(const std::string&)> on_end_;
};

}  // namespace nextra::agent
