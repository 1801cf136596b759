#pragma once
// What runs one flow for the runtime: a driver. The in-process driver (FlowInstance) runs a
// Pump inside this process; the process driver (process::ProcessRunner) runs it in a child
// `nextra pump` and delivers executions through a Redis stream. The runtime keeps the
// durable queue (the executions table), flow states and waiters either way.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "runtime/handler_kinds.h"
#include "runtime/log_hub.h"
#include "schema/value.h"
#include "store/store.h"
#include "pump/execution.h"
#include "pump/shared_backend.h"

namespace nextra::runtime {

// What an execution did, handed to the runtime's record writer when it ends.
struct Finished {
  std::string org_id;
  std::string flow_id;
  std::string execution_id;
  pump::ExecutionResult result;
  std::vector<store::ExecutionStep> steps;
  // Keeps the schema that result.output points into alive while the record writer (and a
  // synchronous caller's answer) still read it, even if the flow restarts meanwhile.
  std::shared_ptr<const void> schema_owner;
};

struct InstanceHooks {
  LogHub* logs = nullptr;
  std::function<std::int64_t()> now_ms;
  std::function<std::string(std::string)> redact;     // log text never carries secret values
  std::function<void(Finished)> on_finished;          // called on a pump worker; must be quick
  // A driver that records executions elsewhere (the process driver's child) reports here
  // that one is recorded, so waiters wake up.
  std::function<void(const std::string& execution_id)> on_recorded_elsewhere;
  HandlerKinds handler_kinds;                         // llm/http/wasm handlers for this flow
  // The flow's context buffers and thread registry: empty = in memory; the process driver's
  // child keeps them in Redis under the flow's own prefix.
  std::function<std::unique_ptr<pump::SharedBackend>(const flow::OrganismSpec&)> make_backend;
};

struct RunOptions {
  std::chrono::milliseconds timeout{0};  // 0 = none
  // `payload_xml` as this runner's parse_for(target) returned it, when the caller already
  // parsed and checked it: the runner need not parse it again.
  schema::PayloadPtr parsed;
  // The caller waits for the execution anyway (a synchronous webhook): run what is quick of
  // it on the calling thread (pump::InjectOptions::run_here). A hint; drivers may ignore it.
  bool run_here = false;
};

class FlowRunner {
 public:
  virtual ~FlowRunner() = default;

  // Runs execution `execution_id` (already recorded) with the payload for `target`.
  virtual Status run(const std::string& execution_id, const std::string& target, const std::string& payload_xml,
                     const RunOptions& options) = 0;
  // Parses and checks a payload for `target` without running it (InvalidArgument,
  // SchemaViolation, NotFound for an unknown listener).
  virtual Result<schema::PayloadPtr> parse_for(const std::string& target, const std::string& payload_xml) const = 0;
  // The listener a trigger without a target injects into: the first non-system listener.
  virtual std::string default_target() const = 0;
  // True when the execution was running here and is now being cancelled.
  virtual bool cancel(const std::string& execution_id) = 0;
  virtual std::int64_t running() const = 0;
  virtual std::int64_t last_activity_ms() const = 0;
  virtual std::int64_t version() const = 0;
  virtual std::int64_t started_at_ms() const = 0;
  // Non-empty while the driver is unhealthy (a crashed child being restarted): the flow's
  // status shows it as an error with this message.
  virtual std::string failure() const { return {}; }
  // Drains running executions (bounded), then stops.
  virtual void stop() = 0;
};

// Loads a flow's YAML for a driver; SchemaViolation with the first problem (line, column)
// when it cannot run.
Result<std::shared_ptr<const flow::OrganismSpec>> load_for_start(const std::string& yaml);

// Starts a runner for one version of a flow (`yaml` has its secrets resolved).
using RunnerFactory = std::function<Result<std::unique_ptr<FlowRunner>>(
    const std::string& org_id, const std::string& flow_id, std::int64_t version, const std::string& yaml,
    InstanceHooks hooks)>;

}  // namespace nextra::runtime
