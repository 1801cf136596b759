#pragma once
// One running flow inside the in-process runtime: the Pump built from one flow version, the
// observer that turns deliveries into execution steps and live log events, and the map of
// its running executions (for cancel and idle detection). Owned by Runtime.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "flow/organism.h"
#include "pump/pump.h"
#include "runtime/flow_runner.h"
#include "runtime/handler_kinds.h"
#include "runtime/log_hub.h"
#include "store/store.h"
#include "xml/xsd_cache.h"

namespace nextra::runtime {

// The in-process driver: a Pump per flow inside this process.
class FlowInstance final : public FlowRunner, public pump::Observer {
 public:
  // Loads `yaml` (secrets already resolved) and starts its pump. SchemaViolation with the
  // first problem when it cannot run.
  static Result<std::unique_ptr<FlowInstance>> start(std::string org_id, std::string flow_id,
                                                     std::int64_t version, const std::string& yaml,
                                                     int workers, InstanceHooks hooks);
  ~FlowInstance() override;

  // Injects the payload as execution `execution_id` (its thread id).
  Status run(const std::string& execution_id, const std::string& target, const std::string& payload_xml,
             const RunOptions& options) override;
  // Parses and checks a payload for `target` without running it (InvalidArgument,
  // SchemaViolation, NotFound for an unknown listener).
  Result<schema::PayloadPtr> parse_for(const std::string& target, const std::string& payload_xml) const override;
  // The listener a trigger without a target injects into: the first non-system listener.
  std::string default_target() const override;
  const schema::PayloadClass* payload_class_of(const std::string& listener) const;

  bool cancel(const std::string& execution_id) override;
  std::int64_t running() const override;
  std::int64_t last_activity_ms() const override { return last_activity_.load(); }
  std::int64_t version() const override { return version_; }
  std::int64_t started_at_ms() const override { return started_at_; }
  // Drains running executions (bounded), then stops the pump.
  void stop() override;

  // pump::Observer
  void on_delivered(const pump::Execution& exec, const pump::Message& m, bool unhandled) override;

 private:
  FlowInstance(std::string org_id, std::string flow_id, std::int64_t version, InstanceHooks hooks);
  void completed(const std::string& execution_id, const pump::ExecutionResult& r);

  const std::string org_id_;
  const std::string flow_id_;
  const std::int64_t version_;
  InstanceHooks hooks_;
  std::int64_t started_at_ = 0;
  std::atomic<std::int64_t> last_activity_{0};
  std::shared_ptr<const flow::OrganismSpec> spec_;          // what payloads' classes point into
  // The flow's compiled payload XSDs, by class: a trigger's payload is validated on every
  // call, and the process-wide cache (keyed by generated XSD text, 256 entries for every
  // flow of the server) cost the XSD's generation, a global lock and, past 256 classes,
  // recompilations.
  std::unique_ptr<xml::XsdCache> xsds_;
  std::vector<std::shared_ptr<pump::Observer>> observers_;  // the handlers' (outlive pump_)
  std::unique_ptr<pump::Pump> pump_;

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<pump::Execution>> running_;   // guarded by mu_
  std::map<std::string, std::vector<store::ExecutionStep>> steps_;    // guarded by mu_
};

}  // namespace nextra::runtime
