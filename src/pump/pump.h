#pragma once
// The message pump: routes typed messages between the listeners of one organism under its
// peer rules, on a small pool of worker threads. Every injection starts its own Execution.
// Each message runs through all its checks in one pass on one worker (no per-step
// scheduling: performance-budget.md). See docs/architecture.md, "Life of a message".
//
// Thread-safety: every public method may be called from any thread.

#include <chrono>
#include <functional>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "flow/diagnostic.h"
#include "flow/organism.h"
#include "pump/events.h"
#include "pump/execution.h"
#include "pump/listener.h"
#include "pump/shared_backend.h"

namespace nextra::pump {

// Makes the handler for listeners of one handler kind. This is the seam through which the
// composition root plugs in kinds that need the outside world (llm, http, wasm, memory) and
// through which tests plug in scripted handlers.
using HandlerFactory = std::function<Result<std::unique_ptr<Handler>>(const flow::ListenerSpec&, const schema::Schema&)>;

struct PumpOptions {
  std::map<std::string, HandlerFactory> handler_factories;  // by handler kind; wins over built-ins
  int workers = 0;  // 0 = one per core, at most max_concurrent_handlers
  std::size_t max_messages_per_execution = 1000000;  // stops runaway fan-out loops
  std::chrono::milliseconds shutdown_drain{30000};
  BufferLimits buffer_limits;
  bool send_boot = true;  // deliver Boot to system.boot at start (spec §8)
};

struct InjectOptions {
  std::string from = kExternalSender;
  std::string thread;       // a canonical UUID to keep; empty or already live = a new one
  std::string peer_table;   // run this execution under a peer table
  std::chrono::milliseconds timeout{0};  // 0 = no deadline
  bool system = false;
  std::function<void(const ExecutionResult&)> on_complete;
  // Run the execution on the calling thread as far as it goes through handlers that run
  // inline (Handler::runs_inline) and at most kInlineMessages messages; whatever is left
  // (an agent, an HTTP call, a code block, a long loop) continues on the pump's workers.
  // Saves the hand-off to a worker and back for short flows whose caller waits anyway.
  bool run_here = false;
};

// How many messages an injection with run_here may run on the caller's thread.
inline constexpr int kInlineMessages = 64;


class Pump {
 public:
  // Diagnostics (errors and warnings) are appended to `diags`; fails when any is an error.
  static Result<std::unique_ptr<Pump>> create(std::shared_ptr<const flow::OrganismSpec> spec, PumpOptions options,
                                              std::unique_ptr<SharedBackend> backend, flow::Diagnostics* diags);
  ~Pump();
  Pump(const Pump&) = delete;
  Pump& operator=(const Pump&) = delete;

  // Observers must be added before start().
  void add_observer(Observer* observer);
  Status start();
  // Drains queued work (bounded by PumpOptions::shutdown_drain), then stops. Idempotent.
  void shutdown();

  // Starts an execution with `payload` addressed to `to`. Blocks while the queue is full
  // (backpressure). NotFound: no such listener; InvalidArgument: wrong payload class;
  // Unavailable: the pump is not running.
  Result<std::shared_ptr<Execution>> inject(std::string_view to, schema::PayloadPtr payload, InjectOptions options = {});
  // Ends a running execution as Cancelled: its messages still queued are dropped, handlers
  // already running finish but their emissions are discarded. False if it had already ended.
  bool cancel(const std::shared_ptr<Execution>& execution);
  // Same for a whole envelope in bytes: it runs the full ingress pipeline first.
  Result<std::shared_ptr<Execution>> inject_envelope(std::string_view bytes, InjectOptions options = {});

  // Peer tables (spec §4.5). A table narrows the peers of listeners for executions injected
  // under it; it can never widen them beyond its ceiling.
  Status register_peer_table(const std::string& name, const std::map<std::string, std::vector<std::string>>& entries,
                             const std::string& parent = {});
  Result<std::vector<std::string>> modify_peer_table(const std::string& name, const std::string& listener,
                                                     const std::vector<std::string>& grant,
                                                     const std::vector<std::string>& revoke);

  const schema::Schema& schema() const;
  const ListenerInfo* find_listener(std::string_view name) const;
  std::vector<const ListenerInfo*> listeners() const;
  SharedBackend& backend();
  std::size_t live_executions() const;

  class Impl;

 private:
  explicit Pump(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Runs every engine-level check of `spec` without starting anything (for `nextra validate`).
void check_organism(const flow::OrganismSpec& spec, flow::Diagnostics* diags);

}  // namespace nextra::pump
