#pragma once
// Private to the pump module: the state behind Pump and the functions that move messages.
// Split across pump.cc (lifecycle, injection, workers), dispatch.cc (one message through
// its listener and the checks on what it emits), primitives.cc (system.boot/buffer/sequence)
// and peer_tables.cc.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "pump/pump.h"
#include "pump/thread_registry.h"
#include "pump/timer_queue.h"

namespace nextra::ingress {
class Pipeline;
}

namespace nextra::pump {

inline constexpr const char* kBootListener = "system.boot";
inline constexpr const char* kBufferListener = "system.buffer";
inline constexpr const char* kSequenceListener = "system.sequence";

struct PeerTable {
  std::string name;
  std::string parent;
  std::map<std::string, std::vector<std::string>> entries;
};

// SystemError codes (the payload's <code>).
inline constexpr const char* kErrRouting = "routing";
inline constexpr const char* kErrValidation = "validation";
inline constexpr const char* kErrTimeout = "timeout";
inline constexpr const char* kErrHandler = "handler";
inline constexpr const char* kErrDepth = "depth";
inline constexpr const char* kErrLimit = "limit";

class Pump::Impl {
 public:
  Impl(std::shared_ptr<const flow::OrganismSpec> spec, PumpOptions options, std::unique_ptr<SharedBackend> backend);
  ~Impl();

  // --- set-up (pump.cc / handler_factory.cc)
  void build_listeners(flow::Diagnostics* diags);
  Status start();
  void shutdown();

  // --- injection (pump.cc)
  Result<std::shared_ptr<Execution>> inject(std::string_view to, schema::PayloadPtr payload, InjectOptions options);
  Result<std::shared_ptr<Execution>> inject_envelope(std::string_view bytes, InjectOptions options);

  // --- queue (pump.cc)
  void enqueue(Message msg);  // never blocks; caller accounted `outstanding`
  void worker_loop();
  // InjectOptions::run_here: runs `msg` and what it leads to on this thread (see pump.h).
  void run_inline(Message msg);
  bool inline_target(std::string_view to) const;

  // --- dispatch (dispatch.cc)
  void process(Message msg);
  bool record_delivery(const Message& msg, int listener_index);
  void on_outcome(const Message& msg, std::size_t listener_index, HandlerOutcome outcome);
  // With exec.mu held:
  void emit_locked(Execution& exec, const Message& in, const std::string& sender, Emission e);
  void send_locked(Execution& exec, std::string from, std::string to, std::string thread, schema::PayloadPtr payload, int depth,
                   const std::shared_ptr<Execution>& exec_ptr);
  void raise_error_locked(Execution& exec, const std::shared_ptr<Execution>& exec_ptr, const std::string& recipient,
                          const std::string& thread, int depth, const char* code, const std::string& message);
  void complete_locked(Execution& exec, ExecutionStatus status, schema::PayloadPtr output, std::string error);
  void message_done(const std::shared_ptr<Execution>& exec);
  void notify_completed(Execution& exec);

  // --- primitives (primitives.cc)
  static bool is_collector_name(const std::string& name);
  // system.buffer.<id>.w<i> -> system.buffer.<id>; other names unchanged.
  static std::string collector_key(const std::string& name);
  void reply_locked(Execution& exec, const std::shared_ptr<Execution>& exec_ptr, const Collector& c, const char* from,
                    schema::PayloadPtr payload);
  void finish_buffer_locked(Execution& exec, const std::shared_ptr<Execution>& exec_ptr, const std::string& key);
  void start_buffer_locked(Execution& exec, const std::shared_ptr<Execution>& exec_ptr, const Message& msg);
  void start_sequence_locked(Execution& exec, const std::shared_ptr<Execution>& exec_ptr, const Message& msg);
  void deliver_to_collector_locked(Execution& exec, const std::shared_ptr<Execution>& exec_ptr, const Message& msg);
  // Called when nothing of `exec` is in flight: collectors still waiting finish with what they have.
  bool flush_collectors_locked(Execution& exec, const std::shared_ptr<Execution>& exec_ptr);

  // --- peers (peer_tables.cc)
  std::vector<std::string> effective_peers(const Execution& exec, const ListenerInfo& listener) const;
  Status register_peer_table(const std::string& name, const std::map<std::string, std::vector<std::string>>& entries,
                             const std::string& parent);
  Result<std::vector<std::string>> modify_peer_table(const std::string& name, const std::string& listener,
                                                     const std::vector<std::string>& grant,
                                                     const std::vector<std::string>& revoke);
  std::vector<std::string> ceiling(const std::string& parent, const std::string& listener) const;  // table_mu_ held

  // --- helpers
  const ListenerInfo* find(std::string_view name) const;
  int find_index(std::string_view name) const;
  schema::PayloadPtr make_system_error(const char* code, const std::string& message) const;
  template <typename F>
  void each_observer(F&& f) {
    for (auto* o : observers_) {
      try {
        f(*o);
      } catch (...) {
      }
    }
  }

  std::shared_ptr<const flow::OrganismSpec> spec_;
  std::shared_ptr<const schema::Schema> schema_;
  PumpOptions options_;
  std::unique_ptr<SharedBackend> backend_;
  ThreadRegistry registry_;
  std::unique_ptr<ingress::Pipeline> ingress_;

  std::vector<ListenerInfo> listeners_;
  std::vector<std::unique_ptr<Handler>> handlers_;
  std::unordered_map<std::string, std::size_t> by_lower_name_;
  std::map<const schema::PayloadClass*, std::vector<std::size_t>> broadcast_groups_;
  int buffer_index_ = -1, sequence_index_ = -1, boot_index_ = -1;
  bool checking_only_ = false;  // check_organism(): kinds that cannot run yet are warnings

  // Per-listener concurrency for asynchronous agents (max_concurrent_per_agent).
  struct AgentGate {
    std::mutex mu;
    int active = 0;
    std::deque<Message> waiting;
  };
  std::vector<std::unique_ptr<AgentGate>> gates_;
  AgentGate async_gate_;  // all asynchronous handlers together: max_concurrent_handlers

  mutable std::shared_mutex table_mu_;
  std::map<std::string, PeerTable> tables_;  // guarded by table_mu_

  std::vector<Observer*> observers_;

  std::mutex queue_mu_;
  std::condition_variable queue_not_empty_;
  std::condition_variable queue_not_full_;
  std::condition_variable queue_idle_;
  // Messages handlers produced run before new injections: an execution that has started
  // finishes before more are admitted, which keeps few executions live (small working set,
  // low latency) while the injection queue absorbs bursts.
  std::deque<Message> internal_;   // guarded by queue_mu_
  std::deque<Message> injected_;   // guarded by queue_mu_; bounded by queue_capacity
  std::size_t busy_workers_ = 0;   // guarded by queue_mu_
  std::size_t idle_workers_ = 0;   // guarded by queue_mu_: waiting on queue_not_empty_
  bool stopping_ = false;          // guarded by queue_mu_
  std::vector<std::thread> workers_;

  TimerQueue timers_;
  // Asynchronous handlers call back on their own threads, possibly while the pump shuts
  // down; shutdown closes this gate and waits for callbacks already inside to leave, and
  // later callbacks do nothing (they hold the gate, not the pump).
  struct CallbackGate {
    std::mutex mu;
    std::condition_variable idle;
    bool open = true;
    int inside = 0;
    bool enter() {
      std::lock_guard lock(mu);
      if (!open) return false;
      ++inside;
      return true;
    }
    void leave() {
      std::lock_guard lock(mu);
      if (--inside == 0) idle.notify_all();
    }
    void close() {
      std::unique_lock lock(mu);
      open = false;
      idle.wait(lock, [&] { return inside == 0; });
    }
  };
  std::shared_ptr<CallbackGate> callbacks_ = std::make_shared<CallbackGate>();
  std::atomic<bool> running_{false};
  std::atomic<bool> shut_down_{false};
  std::atomic<std::uint64_t> next_execution_id_{1};
  std::atomic<std::size_t> live_executions_{0};
};

std::string to_lower(std::string_view s);

}  // namespace nextra::pump
