#include "runtime/flow_instance.h"

#include <nlohmann/json.hpp>

#include "flow/loader.h"
#include "schema/value_text.h"
#include "xml/payload_codec.h"

namespace nextra::runtime {

Result<std::shared_ptr<const flow::OrganismSpec>> load_for_start(const std::string& yaml) {
  auto loaded = flow::load_organism(yaml);
  if (!loaded.ok()) {
    for (const auto& d : loaded.diagnostics) {
      if (d.severity != flow::Diagnostic::Severity::Error) continue;
      Error e = Error::make(ErrorCode::SchemaViolation, "the flow cannot start: " + d.message);
      e.field = d.field;
      e.line = d.line;
      e.column = d.column;
      return e;
    }
    return Error::make(ErrorCode::SchemaViolation, "the flow cannot start");
  }
  return std::make_shared<const flow::OrganismSpec>(std::move(*loaded.organism));
}

FlowInstance::FlowInstance(std::string org_id, std::string flow_id, std::int64_t version, InstanceHooks hooks)
    : org_id_(std::move(org_id)), flow_id_(std::move(flow_id)), version_(version), hooks_(std::move(hooks)) {}

FlowInstance::~FlowInstance() { stop(); }

Result<std::unique_ptr<FlowInstance>> FlowInstance::start(std::string org_id, std::string flow_id,
                                                          std::int64_t version, const std::string& yaml,
                                                          int workers, InstanceHooks hooks) {
  NEXTRA_ASSIGN_OR_RETURN(auto spec, load_for_start(yaml));
  auto inst = std::unique_ptr<FlowInstance>(new FlowInstance(std::move(org_id), std::move(flow_id), version, std::move(hooks)));
  pump::PumpOptions options;
  options.workers = workers;
  flow::Diagnostics diags;
  if (inst->hooks_.handler_kinds) {
    FlowContext ctx{inst->org_id_, inst->flow_id_, spec.get(), &inst->observers_, {}};
    if (inst->hooks_.logs) {
      ctx.publish = [logs = inst->hooks_.logs, org = inst->org_id_, flow = inst->flow_id_, now = inst->hooks_.now_ms](
                        const std::string& execution_id, const std::string& type, std::string data) {
        logs->publish(org, flow, execution_id, type, std::move(data), now());
      };
    }
    options.handler_factories = inst->hooks_.handler_kinds(ctx);
  }
  auto backend = inst->hooks_.make_backend ? inst->hooks_.make_backend(*spec) : pump::make_memory_backend();
  auto pump = pump::Pump::create(spec, options, std::move(backend), &diags);
  if (!pump.ok()) {
    Error e = pump.error();
    e.code = ErrorCode::SchemaViolation;
    e.message = "the flow cannot start: " + e.message;
    return e;
  }
  inst->spec_ = spec;
  inst->xsds_ = std::make_unique<xml::XsdCache>(spec->schema);
  inst->pump_ = std::move(pump).value();
  inst->pump_->add_observer(inst.get());
  for (const auto& o : inst->observers_) inst->pump_->add_observer(o.get());
  NEXTRA_TRY(inst->pump_->start());
  inst->started_at_ = inst->hooks_.now_ms();
  inst->last_activity_ = inst->started_at_;
  return inst;
}

Result<schema::PayloadPtr> FlowInstance::parse_for(const std::string& target, const std::string& payload_xml) const {
  const auto* listener = pump_->find_listener(target);
  if (!listener || listener->system) {
    Error e = Error::make(ErrorCode::NotFound, "the flow has no listener '" + target + "'");
    e.field = "target";
    return e;
  }
  NEXTRA_ASSIGN_OR_RETURN(auto payload, xml::parse_payload(payload_xml, *xsds_));
  if (listener->payload_class && payload->class_name() != listener->payload_class->name) {
    Error e = Error::make(ErrorCode::SchemaViolation, "listener '" + target + "' accepts " +
                                                          listener->payload_class->name + ", not " + payload->class_name());
    e.field = "payload";
    return e;
  }
  return payload;
}

std::string FlowInstance::default_target() const {
  for (const auto* l : pump_->listeners()) {
    if (!l->system) return l->name;
  }
  return {};
}

const schema::PayloadClass* FlowInstance::payload_class_of(const std::string& listener) const {
  const auto* l = pump_->find_listener(listener);
  return l && !l->system ? l->payload_class : nullptr;
}

Status FlowInstance::run(const std::string& execution_id, const std::string& target, const std::string& payload_xml,
                         const RunOptions& options) {
  schema::PayloadPtr payload = options.parsed;
  if (!payload) {
    NEXTRA_ASSIGN_OR_RETURN(payload, parse_for(target, payload_xml));
  }
  last_activity_ = hooks_.now_ms();
  pump::InjectOptions o;
  o.thread = execution_id;
  o.timeout = options.timeout;
  o.run_here = options.run_here;
  o.on_complete = [this, execution_id](const pump::ExecutionResult& r) { completed(execution_id, r); };
  {
    std::lock_guard lock(mu_);
    steps_[execution_id];
  }
  auto exec = pump_->inject(target, std::move(payload), std::move(o));
  if (!exec.ok()) {
    std::lock_guard lock(mu_);
    steps_.erase(execution_id);
    return exec.take_error();
  }
  std::lock_guard lock(mu_);
  // A very short execution may already have completed (and erased nothing): only track it
  // while its steps entry still exists.
  if (steps_.count(execution_id)) running_[execution_id] = *exec;
  return {};
}

void FlowInstance::on_delivered(const pump::Execution& exec, const pump::Message& m, bool unhandled) {
  if (exec.system) return;
  const std::string& id = exec.root_thread;
  store::ExecutionStep step;
  step.execution_id = id;
  step.sender = m.from;
  step.target = m.to;
  step.payload_class = m.payload ? m.payload->class_name() : "";
  step.payload = m.payload ? xml::payload_to_xml(*m.payload) : "";
  if (hooks_.redact) step.payload = hooks_.redact(std::move(step.payload));
  step.status = unhandled ? "unhandled" : "delivered";
  step.started_at_ms = hooks_.now_ms();
  {
    std::lock_guard lock(mu_);
    auto it = steps_.find(id);
    if (it == steps_.end()) return;
    step.step_index = static_cast<std::int64_t>(it->second.size());
    if (it->second.empty()) it->second.reserve(4);  // a short flow's steps, without regrowing
    it->second.push_back(step);
  }
  if (hooks_.logs) {
    // Written directly (keys in nlohmann's sorted order): one event per step is on every
    // execution's path, and a JSON tree per step cost more than the step's own work.
    std::string data;
    data.reserve(96 + id.size() + step.payload.size());
    data += "{\"executionId\":";
    schema::append_json_string(id, data);
    data += ",\"from\":";
    schema::append_json_string(step.sender, data);
    data += ",\"index\":";
    data += std::to_string(step.step_index);
    data += ",\"payload\":";
    schema::append_json_string(step.payload, data);
    data += ",\"payloadType\":";
    schema::append_json_string(step.payload_class, data);
    data += ",\"to\":";
    schema::append_json_string(step.target, data);
    data += unhandled ? ",\"unhandled\":true}" : ",\"unhandled\":false}";
    hooks_.logs->publish(org_id_, flow_id_, id, "step", std::move(data), step.started_at_ms);
  }
}

void FlowInstance::completed(const std::string& execution_id, const pump::ExecutionResult& r) {
  Finished f;
  f.org_id = org_id_;
  f.flow_id = flow_id_;
  f.execution_id = execution_id;
  f.result = r;
  f.schema_owner = spec_;
  {
    std::lock_guard lock(mu_);
    auto it = steps_.find(execution_id);
    if (it != steps_.end()) {
      f.steps = std::move(it->second);
      steps_.erase(it);
    }
    running_.erase(execution_id);
  }
  last_activity_ = hooks_.now_ms();
  if (hooks_.on_finished) hooks_.on_finished(std::move(f));
}

bool FlowInstance::cancel(const std::string& execution_id) {
  std::shared_ptr<pump::Execution> exec;
  {
    std::lock_guard lock(mu_);
    auto it = running_.find(execution_id);
    if (it == running_.end()) return false;
    exec = it->second;
  }
  return pump_->cancel(exec);
}

std::int64_t FlowInstance::running() const {
  std::lock_guard lock(mu_);
  return static_cast<std::int64_t>(steps_.size());
}

void FlowInstance::stop() {
  if (pump_) pump_->shutdown();
}

}  // namespace nextra::runtime
