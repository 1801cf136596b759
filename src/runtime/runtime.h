#pragma once
// The runtime: runs flows and their executions (issue #4, decisions.md §6). This is the
// in-process driver, the embedded default: one Pump per running flow inside `nextra serve`.
// The process driver (`nextra pump`, one OS process per flow, Redis) implements the same
// Orchestrator interface.
//
// Durability: every accepted trigger is first written as a `queued` execution row, then run;
// the row is the durable queue. A restart resumes open executions (`resume_open`), so an
// accepted trigger always ends in exactly one recorded execution.
//
// Flow states: stopped -> starting -> running -> stopping -> stopped, or error (the flow's
// YAML could not be started; the message says why). A flow stopped by the user refuses
// webhooks and schedules; a flow stopped because it sat idle (scale-to-zero) starts again
// when a trigger arrives, while that trigger waits in the queue.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "runtime/flow_runner.h"
#include "runtime/handler_kinds.h"
#include "runtime/log_hub.h"
#include "schema/types.h"
#include "schema/value.h"
#include "store/store.h"

namespace nextra::runtime {

enum class FlowState { Stopped, Starting, Running, Stopping, Error };
const char* flow_state_name(FlowState s);

struct FlowStatus {
  FlowState state = FlowState::Stopped;
  std::string error;          // for Error
  std::int64_t version = 0;   // the version running (0 when stopped)
  bool stopped_by_user = false;
  bool idle_stopped = false;  // scale-to-zero
  std::int64_t started_at_ms = 0;
  std::int64_t running_executions = 0;
};

struct RuntimeOptions {
  std::chrono::milliseconds idle_timeout{15 * 60 * 1000};  // scale-to-zero
  std::chrono::milliseconds execution_timeout{5 * 60 * 1000};
  int workers_per_flow = 2;
  std::int64_t max_open_per_flow = 10000;  // queued + running; beyond: 429
  std::int64_t retention_keep = 1000;
  std::chrono::hours retention_age{24 * 30};
  std::chrono::milliseconds maintenance_interval{30 * 1000};  // idle checks and pruning
  std::function<std::int64_t()> now_ms;  // empty = system clock
  // Replaces ${secret:NAME} in a flow's YAML before it starts (the vault, from the app).
  std::function<Result<std::string>(const std::string& org_id, const std::string& yaml)> resolve_secrets;
  // Admission of a new execution for an organization (the SaaS tiers' monthly limit):
  // an error refuses the submission before anything is recorded. Empty = always admitted.
  std::function<Status(const std::string& org_id, const std::string& month)> admit;
  // Scrubs secret values from step payloads, outputs and log events.
  std::function<std::string(std::string)> redact;
  // Handlers of the kinds that reach the outside world (llm, http, wasm), per flow.
  HandlerKinds handler_kinds;
  // Context buffers and thread registry per flow: empty = in memory (see InstanceHooks).
  std::function<std::unique_ptr<pump::SharedBackend>(const flow::OrganismSpec&)> make_backend;
  // The driver: empty = in-process (a Pump per flow here); the process driver plugs in here.
  RunnerFactory make_runner;
  // Called after executions that ended here are durably recorded (the process driver's
  // child acknowledges their deliveries then), with their ids, on the record writer.
  std::function<void(const std::vector<std::string>& execution_ids)> on_recorded;
};

// How a trigger starts an execution.
struct SubmitRequest {
  std::string org_id;
  std::string flow_id;
  std::string trigger_id;       // empty for manual runs
  std::string target;           // listener; empty = the trigger's target or the first listener
  std::string payload_xml;      // the payload, already converted to XML
  std::string idempotency_key;  // empty = none
  bool manual = false;          // manual runs start a user-stopped flow; webhooks/schedules do not
  // Called once with the final record when a new execution (not an idempotent replay) ends,
  // on the thread that recorded it; must be quick. Lets a synchronous webhook answer
  // without holding a thread or re-reading the record. `output` is what the Output listener
  // received, when the runtime still holds it (kept alive by the pointer); null otherwise
  // (then the record's XML is the output).
  std::function<void(const store::ExecutionRecord&, const schema::PayloadPtr& output)> on_final;
};
struct Submitted {
  store::ExecutionRecord execution;
  bool created = true;  // false: an earlier execution with the same idempotency key
};

class Runtime {
 public:
  Runtime(store::Store& store, LogHub& logs, RuntimeOptions options);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Starts the flow's live version (or its latest when none is published). A flow already
  // running keeps running (if the version changed, it is restarted on the new one).
  // NotFound for a foreign or missing flow; SchemaViolation when its YAML cannot run.
  Result<FlowStatus> start_flow(const std::string& org_id, const std::string& flow_id);
  // Waits for running executions up to the drain time, then stops. Queued ones stay queued.
  Result<FlowStatus> stop_flow(const std::string& org_id, const std::string& flow_id);
  Result<FlowStatus> status(const std::string& org_id, const std::string& flow_id);
  // The same without checking that the flow exists (for lists the caller already scoped).
  FlowStatus peek(const std::string& org_id, const std::string& flow_id);

  // Records the execution (queued) and runs it. Conflict "flow_stopped" when the flow was
  // stopped by the user (webhooks, schedules); ResourceExhausted when too many are open.
  // The payload is validated before anything is recorded (InvalidArgument/SchemaViolation).
  Result<Submitted> submit(const SubmitRequest& req);
  // The execution's record once it is final, or when `timeout` passes (then still open).
  Result<store::ExecutionRecord> wait(const std::string& org_id, const std::string& execution_id,
                                      std::chrono::milliseconds timeout);
  // Cancels an open execution. Conflict if it already ended.
  Result<store::ExecutionRecord> cancel(const std::string& org_id, const std::string& execution_id);

  // At start: runs every open execution left by a previous process (oldest first).
  Status resume_open();
  // Runs one recorded execution that is still open (the process driver's child, handed the
  // id by the orchestrator). False when it had already ended: nothing to do.
  Result<bool> run_existing(const std::string& org_id, const std::string& execution_id);
  // Stops every flow. Idempotent.
  void shutdown();

  // What triggers need before they submit, answered from the flow's parsed YAML (cached per
  // version) without starting anything. `version` 0 = the version triggers run (live, else
  // latest). NotFound for an unknown flow or listener.
  Result<std::string> resolve_target(const std::string& org_id, const std::string& flow_id,
                                     const std::string& target);
  Result<std::shared_ptr<const schema::PayloadClass>> payload_class(const std::string& org_id,
                                                                    const std::string& flow_id,
                                                                    const std::string& target);
  Result<schema::PayloadPtr> parse_output(const std::string& org_id, const std::string& flow_id,
                                          const std::string& xml, std::int64_t version = 0);

  // Called after a flow's row changes (saved, published, restored): triggers see it at once.
  void invalidate_flow(const std::string& org_id, const std::string& flow_id);
  // Called when a flow is deleted: stops it and forgets its logs.
  void forget_flow(const std::string& org_id, const std::string& flow_id);

  std::int64_t now_ms() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nextra::runtime
