#include "runtime/runtime.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "core/thread_name.h"
#include "core/ttl_cache.h"
#include "core/utc_time.h"
#include "core/uuid.h"
#include "flow/loader.h"
#include "runtime/flow_instance.h"
#include "runtime/payload_json.h"
#include "schema/value_text.h"
#include "xml/payload_codec.h"

namespace nextra::runtime {

const char* flow_state_name(FlowState s) {
  switch (s) {
    case FlowState::Stopped: return "stopped";
    case FlowState::Starting: return "starting";
    case FlowState::Running: return "running";
    case FlowState::Stopping: return "stopping";
    case FlowState::Error: return "error";
  }
  return "stopped";
}

namespace {

const char* record_status(pump::ExecutionStatus s) {
  switch (s) {
    case pump::ExecutionStatus::Success: return "success";
    case pump::ExecutionStatus::Error: return "error";
    case pump::ExecutionStatus::Timeout: return "timeout";
    case pump::ExecutionStatus::Cancelled: return "cancelled";
    case pump::ExecutionStatus::Running: return "error";
  }
  return "error";
}

std::string key_of(const std::string& org_id, const std::string& flow_id) { return org_id + "/" + flow_id; }

// The `input` column: where the payload went and what it was, enough to run it again.
std::string input_json(const std::string& target, const std::string& payload_xml) {
  // Written directly (as nlohmann would, keys sorted): once per execution, on the io thread.
  std::string out = "{\"payload\":";
  out.reserve(32 + target.size() + payload_xml.size());
  schema::append_json_string(payload_xml, out);
  out += ",\"target\":";
  schema::append_json_string(target, out);
  out += '}';
  return out;
}

}  // namespace

class Runtime::Impl {
 public:
  struct FlowEntry {
    std::shared_ptr<FlowRunner> instance;  // shared: a submission keeps it alive while it injects
    FlowState state = FlowState::Stopped;
    std::string error;
    bool stopped_by_user = false;
    bool idle_stopped = false;
  };

  Impl(store::Store& store, LogHub& logs, RuntimeOptions options)
      : store_(store), logs_(logs), options_(std::move(options)) {
    if (!options_.now_ms) {
      options_.now_ms = [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
      };
    }
    writer_ = std::thread([this] {
      name_this_thread("record-writer");
      write_loop();
    });
    maintenance_ = std::thread([this] {
      name_this_thread("maintenance");
      maintenance_loop();
    });
  }

  ~Impl() { shutdown(); }

  std::int64_t now() const { return options_.now_ms(); }

  // ---- flows ----------------------------------------------------------------------------

  Result<FlowStatus> start_flow(const std::string& org_id, const std::string& flow_id, bool by_user) {
    NEXTRA_ASSIGN_OR_RETURN(auto flow, store_.get_flow(org_id, flow_id));
    const std::int64_t version = flow.live_version.value_or(flow.version);
    // The user's start (or manual run) lifts a stop that may date from before a restart.
    if (by_user && flow.stopped_by_user) {
      NEXTRA_TRY(store_.set_stopped_by_user(org_id, flow_id, false));
      flow_cache_.erase(key_of(org_id, flow_id));
    }
    std::unique_lock lock(mu_);
    auto& entry = flows_[key_of(org_id, flow_id)];
    if (by_user) entry.stopped_by_user = false;
    if (entry.instance && entry.state == FlowState::Running && entry.instance->version() == version) {
      return status_locked(entry);
    }
    std::shared_ptr<FlowRunner> old = std::move(entry.instance);
    entry.state = FlowState::Starting;
    lock.unlock();
    if (old) old->stop();  // a new version replaces the running one
    publish_state(org_id, flow_id, FlowState::Starting, version, "");

    auto started = start_instance(org_id, flow_id, version);
    lock.lock();
    auto& e = flows_[key_of(org_id, flow_id)];
    if (!started.ok()) {
      e.state = FlowState::Error;
      e.error = started.error().message;
      lock.unlock();
      publish_state(org_id, flow_id, FlowState::Error, version, started.error().message);
      return started.take_error();
    }
    e.instance = std::move(started).value();
    e.state = FlowState::Running;
    e.error.clear();
    e.idle_stopped = false;
    auto st = status_locked(e);
    lock.unlock();
    publish_state(org_id, flow_id, FlowState::Running, version, "");
    return st;
  }

  Result<std::unique_ptr<FlowRunner>> start_instance(const std::string& org_id, const std::string& flow_id,
                                                       std::int64_t version) {
    NEXTRA_ASSIGN_OR_RETURN(auto v, store_.get_flow_version(org_id, flow_id, version));
    std::string yaml = v.organism_yaml;
    if (options_.resolve_secrets) {
      NEXTRA_ASSIGN_OR_RETURN(yaml, options_.resolve_secrets(org_id, yaml));
    }
    InstanceHooks hooks;
    hooks.logs = &logs_;
    hooks.now_ms = options_.now_ms;
    hooks.redact = options_.redact;
    hooks.handler_kinds = options_.handler_kinds;
    hooks.make_backend = options_.make_backend;
    hooks.on_finished = [this](Finished f) { enqueue_finished(std::move(f)); };
    hooks.on_recorded_elsewhere = [this](const std::string& execution_id) { notify(execution_id); };
    if (options_.make_runner) return options_.make_runner(org_id, flow_id, version, yaml, std::move(hooks));
    NEXTRA_ASSIGN_OR_RETURN(auto inst, FlowInstance::start(org_id, flow_id, version, yaml, options_.workers_per_flow,
                                                           std::move(hooks)));
    return std::unique_ptr<FlowRunner>(std::move(inst));
  }

  Result<FlowStatus> stop_flow(const std::string& org_id, const std::string& flow_id, bool by_user, bool idle) {
    // NotFound for foreign flows; a user's stop is kept in the database so it outlives restarts.
    if (by_user) {
      NEXTRA_TRY(store_.set_stopped_by_user(org_id, flow_id, true));
      flow_cache_.erase(key_of(org_id, flow_id));
    } else {
      NEXTRA_TRY(store_.get_flow(org_id, flow_id));
    }
    std::unique_lock lock(mu_);
    auto& entry = flows_[key_of(org_id, flow_id)];
    if (by_user) entry.stopped_by_user = true;
    std::shared_ptr<FlowRunner> inst = std::move(entry.instance);
    const std::int64_t version = inst ? inst->version() : 0;
    entry.state = inst ? FlowState::Stopping : FlowState::Stopped;
    lock.unlock();
    if (inst) {
      publish_state(org_id, flow_id, FlowState::Stopping, version, "");
      inst->stop();
      inst.reset();
    }
    lock.lock();
    auto& e = flows_[key_of(org_id, flow_id)];
    e.state = FlowState::Stopped;
    e.idle_stopped = idle;
    auto st = status_locked(e);
    lock.unlock();
    publish_state(org_id, flow_id, FlowState::Stopped, version, "");
    return st;
  }

  Result<FlowStatus> status(const std::string& org_id, const std::string& flow_id) {
    NEXTRA_ASSIGN_OR_RETURN(auto flow, store_.get_flow(org_id, flow_id));
    std::lock_guard lock(mu_);
    auto it = flows_.find(key_of(org_id, flow_id));
    FlowStatus st = it == flows_.end() ? FlowStatus{} : status_locked(it->second);
    st.stopped_by_user = flow.stopped_by_user;
    return st;
  }

  FlowStatus status_locked(const FlowEntry& e) const {
    FlowStatus s;
    s.state = e.state;
    s.error = e.error;
    s.stopped_by_user = e.stopped_by_user;
    s.idle_stopped = e.idle_stopped;
    if (e.instance) {
      s.version = e.instance->version();
      s.started_at_ms = e.instance->started_at_ms();
      s.running_executions = e.instance->running();
      if (auto failure = e.instance->failure(); !failure.empty() && s.state == FlowState::Running) {
        s.state = FlowState::Error;
        s.error = std::move(failure);
      }
    }
    return s;
  }

  void publish_state(const std::string& org_id, const std::string& flow_id, FlowState state, std::int64_t version,
                     const std::string& error) {
    nlohmann::json data = {{"state", flow_state_name(state)}, {"version", version}};
    if (!error.empty()) data["error"] = error;
    logs_.publish(org_id, flow_id, "", "flow.state", data.dump(), now());
  }

  // The running instance for a submission; starts the flow if it is not stopped by its user
  // (or if the run is manual). Returns the entry's instance pointer under mu_ discipline: the
  // instance stays alive while `hold` is kept.
  // `version` is the version triggers should run (live, else latest): an instance of an older
  // one is replaced, so a saved flow runs its new YAML (which triggers already convert with).
  Result<std::shared_ptr<FlowRunner>> running_instance(const std::string& org_id, const std::string& flow_id,
                                                         bool manual, std::int64_t version) {
    // Fast path, the common case: the flow runs this version. Only mu_ is taken, so
    // submissions to running flows never wait for each other here.
    auto inst = current_instance(org_id, flow_id, manual, version);
    if (!inst.ok() || *inst) return inst;
    std::lock_guard run_lock(run_mu_);  // one start at a time
    auto again = current_instance(org_id, flow_id, manual, version);
    if (!again.ok() || *again) return again;
    NEXTRA_TRY(start_flow(org_id, flow_id, /*by_user=*/manual));
    std::lock_guard lock(mu_);
    auto it = flows_.find(key_of(org_id, flow_id));
    if (it == flows_.end() || !it->second.instance) return Error::make(ErrorCode::Unavailable, "the flow stopped while starting");
    return it->second.instance;
  }

  // The running instance of `version`, null if there is none, Conflict if the user stopped
  // the flow and this is not a manual run.
  Result<std::shared_ptr<FlowRunner>> current_instance(const std::string& org_id, const std::string& flow_id,
                                                         bool manual, std::int64_t version) {
    std::lock_guard lock(mu_);
    auto it = flows_.find(key_of(org_id, flow_id));
    if (it == flows_.end()) return std::shared_ptr<FlowRunner>();
    if (it->second.stopped_by_user && !manual) {
      return Error::make(ErrorCode::Conflict, "the flow is stopped; start it to accept triggers");
    }
    if (it->second.instance && it->second.state == FlowState::Running && it->second.instance->version() == version) {
      return it->second.instance;
    }
    return std::shared_ptr<FlowRunner>();
  }

  // The flow's row, from a cache on the request path: a webhook must not cost a transaction
  // to learn the live version and whether its user stopped the flow. Writes through this
  // server invalidate it; the 1 s limit bounds what another server's write goes unseen.
  // Shared, not copied: a flow's row carries its YAML and canvas, which can be large.
  Result<std::shared_ptr<const store::Flow>> flow_of(const std::string& org_id, const std::string& flow_id) {
    const std::string k = key_of(org_id, flow_id);
    if (auto cached = flow_cache_.get(k)) return std::move(*cached);
    NEXTRA_ASSIGN_OR_RETURN(auto row, store_.get_flow(org_id, flow_id));
    auto flow = std::make_shared<const store::Flow>(std::move(row));
    flow_cache_.put(k, flow);
    return flow;
  }

  // ---- executions -----------------------------------------------------------------------

  Result<Submitted> submit(const SubmitRequest& req) {
    NEXTRA_ASSIGN_OR_RETURN(auto flow, flow_of(req.org_id, req.flow_id));
    if (flow->stopped_by_user && !req.manual) {
      return Error::make(ErrorCode::Conflict, "the flow is stopped; start it to accept triggers");
    }
    NEXTRA_ASSIGN_OR_RETURN(auto inst, running_instance(req.org_id, req.flow_id, req.manual,
                                                         flow->live_version.value_or(flow->version)));
    const std::string target = req.target.empty() ? inst->default_target() : req.target;
    // Refuses bad input before recording it; the run reuses what this parsed.
    NEXTRA_ASSIGN_OR_RETURN(auto parsed, inst->parse_for(target, req.payload_xml));

    if (options_.admit) NEXTRA_TRY(options_.admit(req.org_id, utc_month(now())));
    store::CreateExecutionRequest cr;
    cr.id = new_uuid_v7();  // time-ordered: appended to the executions and steps indexes
    cr.org_id = req.org_id;
    cr.flow_id = req.flow_id;
    cr.flow_version = inst->version();
    cr.trigger_id = req.trigger_id;
    // Recorded as running (with its usage count) in one transaction: the row is durable
    // before the pump sees it, and a restart resumes running rows too.
    cr.status = "running";
    cr.input = input_json(target, req.payload_xml);
    cr.idempotency_key = req.idempotency_key;
    cr.started_at_ms = now();
    cr.usage_month = utc_month(cr.started_at_ms);
    if (req.on_final && req.idempotency_key.empty() && !options_.make_runner) {
      // A synchronous call is accepted when it is answered, and it is answered only after its
      // record is committed: the row is written once, when the execution ends, together with
      // its steps and in the same batch as every other ending (ADR 0002). No write on the
      // request path.
      store::ExecutionRecord rec = store::running_record(cr);
      {
        std::lock_guard lock(wait_mu_);
        finals_.emplace(cr.id, Final{req.on_final});
        final_orgs_[cr.id] = req.org_id;
        const std::string id = cr.id;
        unrecorded_.emplace(id, std::move(cr));  // not used below
      }
      RunOptions ro{options_.execution_timeout, std::move(parsed), /*run_here=*/true};
      NEXTRA_TRY(launch(*inst, rec, target, req.payload_xml, /*already_running=*/true, std::move(ro)));
      return Submitted{std::move(rec), true};
    }
    NEXTRA_ASSIGN_OR_RETURN(auto created, store_.create_execution(cr));
    if (!created.created) return Submitted{std::move(created.execution), false};
    if (req.on_final) {
      std::lock_guard lock(wait_mu_);
      finals_.emplace(cr.id, Final{req.on_final});
      final_orgs_[cr.id] = req.org_id;
    }
    RunOptions ro{options_.execution_timeout, std::move(parsed), /*run_here=*/static_cast<bool>(req.on_final)};
    NEXTRA_TRY(launch(*inst, created.execution, target, req.payload_xml, /*already_running=*/true, std::move(ro)));
    return Submitted{std::move(created.execution), true};
  }

  // The row of an execution whose record waits for its ending (see submit), if any.
  std::optional<store::CreateExecutionRequest> take_unrecorded(const std::string& id) {
    std::lock_guard lock(wait_mu_);
    auto it = unrecorded_.find(id);
    if (it == unrecorded_.end()) return std::nullopt;
    auto cr = std::move(it->second);
    unrecorded_.erase(it);
    return cr;
  }
  bool is_unrecorded(const std::string& id) {
    std::lock_guard lock(wait_mu_);
    return unrecorded_.count(id) > 0;
  }

  Status launch(FlowRunner& inst, store::ExecutionRecord& rec, const std::string& target,
                const std::string& payload_xml, bool already_running, RunOptions run = {}) {
    if (!already_running) {
      NEXTRA_ASSIGN_OR_RETURN(rec, store_.start_execution(rec.org_id, rec.id, now()));
    }
    std::string data = "{\"executionId\":";
    schema::append_json_string(rec.id, data);
    data += ",\"target\":";
    schema::append_json_string(target, data);
    data += ",\"triggerId\":";
    schema::append_json_string(rec.trigger_id, data);
    data += ",\"version\":" + std::to_string(rec.flow_version) + "}";
    logs_.publish(rec.org_id, rec.flow_id, rec.id, "execution.started", std::move(data), now());
    if (run.timeout.count() == 0) run.timeout = options_.execution_timeout;
    auto ran = inst.run(rec.id, target, payload_xml, run);
    if (!ran.ok()) {
      if (auto cr = take_unrecorded(rec.id)) (void)store_.create_execution(*cr);
      store::FinishExecutionRequest fr{rec.org_id, rec.id, "error", "", ran.error().message, now()};
      (void)store_.finish_execution(fr);
      notify(rec.id);
      return ran;
    }
    return {};
  }

  void enqueue_finished(Finished f) {
    std::lock_guard lock(writer_mu_);
    finished_.push_back(std::move(f));
    writer_cv_.notify_one();
  }

  // The record writer: everything that ended since the last pass is written in one
  // transaction (group commit), so the database sees one commit per batch, not per execution.
  void write_loop() {
    std::unique_lock lock(writer_mu_);
    while (true) {
      writer_cv_.wait(lock, [&] { return stopping_writer_ || !finished_.empty(); });
      if (finished_.empty() && stopping_writer_) return;
      std::vector<Finished> batch;
      while (!finished_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(finished_.front()));
        finished_.pop_front();
      }
      lock.unlock();
      record(batch);
      lock.lock();
    }
  }

  static constexpr std::size_t kMaxBatch = 256;

  void record(std::vector<Finished>& batch) {
    std::vector<store::ExecutionEnding> endings;
    endings.reserve(batch.size());
    // Outputs the redactor changed: their callers get the redacted record, never the payload.
    std::vector<bool> redacted(batch.size(), false);
    for (auto& f : batch) {
      store::ExecutionEnding e;
      e.finish.org_id = f.org_id;
      e.finish.execution_id = f.execution_id;
      e.finish.status = record_status(f.result.status);
      if (f.result.output) e.finish.output = xml::payload_to_xml(*f.result.output);
      if (options_.redact && !e.finish.output.empty()) {
        std::string scrubbed = options_.redact(e.finish.output);
        redacted[endings.size()] = scrubbed != e.finish.output;
        e.finish.output = std::move(scrubbed);
      }
      e.finish.error = f.result.error;
      e.finish.finished_at_ms = now();
      e.steps = std::move(f.steps);
      e.create = take_unrecorded(f.execution_id);
      endings.push_back(std::move(e));
    }
    auto written = store_.record_endings(endings);
    if (!written.ok()) {
      // The batch failed as a whole (database trouble): fall back to one execution at a time,
      // so one bad row cannot keep the others open.
      for (const auto& e : endings) {
        if (e.create) (void)store_.create_execution(*e.create);
        if (!e.steps.empty()) (void)store_.append_execution_steps(e.finish.org_id, e.steps);
        (void)store_.finish_execution(e.finish);
      }
    }
    if (options_.on_recorded) {
      std::vector<std::string> ids;
      ids.reserve(batch.size());
      for (const auto& f : batch) ids.push_back(f.execution_id);
      options_.on_recorded(ids);
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const auto& f = batch[i];
      const auto& fin = endings[i].finish;
      // Keys in the order nlohmann would sort them; written directly, once per execution.
      std::string data = "{\"elapsedMs\":";
      data += std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(f.result.elapsed).count());
      data += ",\"error\":";
      schema::append_json_string(fin.error, data);
      data += ",\"executionId\":";
      schema::append_json_string(f.execution_id, data);
      data += ",\"messages\":" + std::to_string(f.result.messages) + ",\"output\":";
      schema::append_json_string(fin.output, data);
      data += ",\"status\":";
      schema::append_json_string(fin.status, data);
      data += '}';
      logs_.publish(f.org_id, f.flow_id, f.execution_id, "execution.finished", std::move(data), now());
      store::ExecutionRecord rec = store::ended_record(endings[i]);
      rec.flow_id = f.flow_id;
      notify(f.execution_id, written.ok() ? &rec : nullptr, redacted[i] ? nullptr : &f);
    }
  }

  // Wakes only the waiters of this execution: with many synchronous webhooks in flight, a
  // global wake-up made every waiter re-read its record on every completion.
  // `rec` is the final record when the caller has it (the record writer); otherwise the
  // callbacks registered with SubmitRequest::on_final get it read from the store.
  void notify(const std::string& id, const store::ExecutionRecord* rec = nullptr, const Finished* finished = nullptr) {
    std::vector<FinalCallback> finals;
    {
      std::lock_guard lock(wait_mu_);
      auto range = waiters_.equal_range(id);
      if (range.first != range.second) {  // nobody waits: remember nothing
        ended_.insert(id);
        for (auto it = range.first; it != range.second; ++it) it->second->notify_all();
      }
      auto fr = finals_.equal_range(id);
      for (auto it = fr.first; it != fr.second; ++it) finals.push_back(std::move(it->second.callback));
      if (fr.first != fr.second) finals_.erase(fr.first, fr.second);
    }
    if (finals.empty()) return;
    store::ExecutionRecord read;
    if (!rec) {
      std::string org;
      {
        std::lock_guard lock(wait_mu_);
        org = final_orgs_[id];
        final_orgs_.erase(id);
      }
      auto got = store_.get_execution(org, id);
      if (!got.ok()) return;
      read = std::move(got).value();
      rec = &read;
    } else {
      std::lock_guard lock(wait_mu_);
      final_orgs_.erase(id);
    }
    schema::PayloadPtr output;
    if (finished && finished->result.output) output = keep_alive(finished->result.output, finished->schema_owner);
    for (auto& f : finals) f(*rec, output);
  }

  // The payload, holding what its classes point into: the caller may read it after the flow
  // that produced it has stopped.
  static schema::PayloadPtr keep_alive(const schema::PayloadPtr& payload, const std::shared_ptr<const void>& owner) {
    struct Held {
      std::shared_ptr<const void> owner;
      schema::PayloadPtr payload;
    };
    auto held = std::make_shared<Held>(Held{owner, payload});
    return schema::PayloadPtr(held, held->payload.get());
  }

  Result<store::ExecutionRecord> wait(const std::string& org_id, const std::string& id, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto cv = std::make_shared<std::condition_variable>();
    {
      std::lock_guard lock(wait_mu_);
      waiters_.emplace(id, cv);
    }
    struct Unregister {
      Impl* self;
      const std::string& id;
      std::shared_ptr<std::condition_variable> cv;
      ~Unregister() {
        std::lock_guard lock(self->wait_mu_);
        auto range = self->waiters_.equal_range(id);
        for (auto it = range.first; it != range.second; ++it) {
          if (it->second == cv) {
            self->waiters_.erase(it);
            break;
          }
        }
        if (self->waiters_.count(id) == 0) self->ended_.erase(id);
      }
    } unregister{this, id, cv};
    // Registered before the read, so an ending between the read and the wait is not missed.
    auto rec = store_.get_execution(org_id, id);
    if (!rec.ok() && !(rec.error().code == ErrorCode::NotFound && is_unrecorded(id))) return rec.take_error();
    if (rec.ok() && rec->status != "queued" && rec->status != "running") return rec;
    {
      std::unique_lock lock(wait_mu_);
      cv->wait_until(lock, deadline, [&] { return ended_.count(id) > 0 || shutting_down_; });
    }
    return store_.get_execution(org_id, id);
  }

  Result<store::ExecutionRecord> cancel(const std::string& org_id, const std::string& id) {
    auto found = store_.get_execution(org_id, id);
    if (!found.ok() && found.error().code == ErrorCode::NotFound) {
      // A synchronous call still running has no row yet; its flow is in its create request.
      std::string flow_id;
      {
        std::lock_guard lock(wait_mu_);
        auto it = unrecorded_.find(id);
        if (it == unrecorded_.end() || it->second.org_id != org_id) return found.take_error();
        flow_id = it->second.flow_id;
      }
      bool cancelled = false;
      {
        std::lock_guard lock(mu_);
        auto it = flows_.find(key_of(org_id, flow_id));
        if (it != flows_.end() && it->second.instance) cancelled = it->second.instance->cancel(id);
      }
      if (!cancelled) return Error::make(ErrorCode::Conflict, "the execution is ending");
      return wait(org_id, id, std::chrono::seconds(10));
    }
    NEXTRA_ASSIGN_OR_RETURN(auto rec, std::move(found));
    if (rec.status != "queued" && rec.status != "running") {
      return Error::make(ErrorCode::Conflict, "the execution already ended (" + rec.status + ")");
    }
    bool cancelled = false;
    {
      std::lock_guard lock(mu_);
      auto it = flows_.find(key_of(org_id, rec.flow_id));
      if (it != flows_.end() && it->second.instance) cancelled = it->second.instance->cancel(id);
    }
    if (cancelled) return wait(org_id, id, std::chrono::seconds(10));
    // Not in a pump (queued, or left by a previous process): end the record directly.
    store::FinishExecutionRequest fr{org_id, id, "cancelled", "", "cancelled", now()};
    auto fin = store_.finish_execution(fr);
    notify(id);
    if (!fin.ok() && fin.error().code == ErrorCode::Conflict) return store_.get_execution(org_id, id);
    return fin;
  }

  Status resume_open() {
    NEXTRA_ASSIGN_OR_RETURN(auto open, store_.list_open_executions(100000));
    for (auto& rec : open) {
      auto input = nlohmann::json::parse(rec.input, nullptr, false);
      const std::string target = input.is_object() ? input.value("target", std::string()) : std::string();
      const std::string payload = input.is_object() ? input.value("payload", std::string()) : std::string();
      auto flow = store_.get_flow(rec.org_id, rec.flow_id);
      auto inst = flow.ok() ? running_instance(rec.org_id, rec.flow_id, /*manual=*/true,
                                               flow->live_version.value_or(flow->version))
                            : Result<std::shared_ptr<FlowRunner>>(flow.error());
      if (!inst.ok()) {
        store::FinishExecutionRequest fr{rec.org_id, rec.id, "error", "", "could not resume: " + inst.error().message, now()};
        (void)store_.finish_execution(fr);
        continue;
      }
      (void)launch(**inst, rec, target, payload, /*already_running=*/rec.status == "running");
    }
    return {};
  }

  Result<bool> run_existing(const std::string& org_id, const std::string& id) {
    NEXTRA_ASSIGN_OR_RETURN(auto rec, store_.get_execution(org_id, id));
    if (rec.status != "queued" && rec.status != "running") return false;
    auto input = nlohmann::json::parse(rec.input, nullptr, false);
    const std::string target = input.is_object() ? input.value("target", std::string()) : std::string();
    const std::string payload = input.is_object() ? input.value("payload", std::string()) : std::string();
    NEXTRA_ASSIGN_OR_RETURN(auto flow, store_.get_flow(org_id, rec.flow_id));
    // Not a user's action: a stop the user asked for stays recorded (the orchestrator that
    // handed this over decided it should run).
    auto inst = current_instance(org_id, rec.flow_id, /*manual=*/true, flow.live_version.value_or(flow.version));
    if (inst.ok() && !*inst) {
      std::lock_guard run_lock(run_mu_);
      inst = current_instance(org_id, rec.flow_id, true, flow.live_version.value_or(flow.version));
      if (inst.ok() && !*inst) {
        NEXTRA_TRY(start_flow(org_id, rec.flow_id, /*by_user=*/false));
        inst = current_instance(org_id, rec.flow_id, true, flow.live_version.value_or(flow.version));
      }
    }
    if (!inst.ok()) return inst.take_error();
    if (!*inst) return Error::make(ErrorCode::Unavailable, "the flow stopped while starting");
    NEXTRA_TRY(launch(**inst, rec, target, payload, /*already_running=*/rec.status == "running"));
    return true;
  }

  // ---- parsed flows, for triggers -----------------------------------------------------------

  Result<std::shared_ptr<const flow::OrganismSpec>> spec(const std::string& org_id, const std::string& flow_id,
                                                         std::int64_t version) {
    if (version == 0) {
      NEXTRA_ASSIGN_OR_RETURN(auto flow, flow_of(org_id, flow_id));
      version = flow->live_version.value_or(flow->version);
    }
    const std::string k = key_of(org_id, flow_id) + "@" + std::to_string(version);
    {
      std::lock_guard lock(spec_mu_);
      auto it = specs_.find(k);
      if (it != specs_.end()) return it->second;
    }
    NEXTRA_ASSIGN_OR_RETURN(auto v, store_.get_flow_version(org_id, flow_id, version));
    auto loaded = flow::load_organism(v.organism_yaml);
    if (!loaded.ok()) return Error::make(ErrorCode::SchemaViolation, "the flow's YAML does not validate");
    auto sp = std::make_shared<const flow::OrganismSpec>(std::move(*loaded.organism));
    std::lock_guard lock(spec_mu_);
    if (specs_.size() >= 256) specs_.clear();  // bounded; re-parsing is cheap
    specs_[k] = sp;
    return sp;
  }

  Result<std::string> resolve_target(const std::string& org_id, const std::string& flow_id, const std::string& target) {
    NEXTRA_ASSIGN_OR_RETURN(auto sp, spec(org_id, flow_id, 0));
    if (target.empty()) {
      for (const auto& l : sp->listeners) {
        if (l.handler != "output") return l.name;
      }
      if (!sp->listeners.empty()) return sp->listeners.front().name;
      return Error::make(ErrorCode::NotFound, "the flow has no listeners");
    }
    for (const auto& l : sp->listeners) {
      if (l.name == target) return l.name;
    }
    Error e = Error::make(ErrorCode::NotFound, "the flow has no listener '" + target + "'");
    e.field = "target";
    return e;
  }

  Result<std::shared_ptr<const schema::PayloadClass>> payload_class(const std::string& org_id, const std::string& flow_id,
                                                                    const std::string& target) {
    NEXTRA_ASSIGN_OR_RETURN(auto sp, spec(org_id, flow_id, 0));
    for (const auto& l : sp->listeners) {
      if (l.name != target) continue;
      const auto* cls = sp->schema->find(l.payload_class);
      if (!cls) break;
      return std::shared_ptr<const schema::PayloadClass>(sp, cls);  // keeps the spec alive
    }
    Error e = Error::make(ErrorCode::NotFound, "the flow has no listener '" + target + "'");
    e.field = "target";
    return e;
  }

  Result<schema::PayloadPtr> parse_output(const std::string& org_id, const std::string& flow_id, const std::string& xml,
                                          std::int64_t version) {
    NEXTRA_ASSIGN_OR_RETURN(auto sp, spec(org_id, flow_id, version));
    NEXTRA_ASSIGN_OR_RETURN(auto payload, xml::parse_payload(xml, *sp->schema));
    // The payload points into the spec's schema: keep the spec alive with it.
    struct Held {
      std::shared_ptr<const flow::OrganismSpec> spec;
      schema::PayloadPtr payload;
    };
    auto held = std::make_shared<Held>(Held{sp, payload});
    return schema::PayloadPtr(held, held->payload.get());
  }

  // ---- maintenance ------------------------------------------------------------------------

  void maintenance_loop() {
    std::unique_lock lock(maint_mu_);
    while (!stopping_maint_) {
      maint_cv_.wait_for(lock, options_.maintenance_interval, [&] { return stopping_maint_; });
      if (stopping_maint_) return;
      lock.unlock();
      stop_idle_flows();
      prune();
      lock.lock();
    }
  }

  void stop_idle_flows() {
    std::vector<std::pair<std::string, std::string>> idle;
    const auto t = now();
    {
      std::lock_guard lock(mu_);
      for (const auto& [k, e] : flows_) {
        if (!e.instance || e.state != FlowState::Running) continue;
        if (e.instance->running() > 0) continue;
        if (t - e.instance->last_activity_ms() < options_.idle_timeout.count()) continue;
        auto slash = k.find('/');
        idle.emplace_back(k.substr(0, slash), k.substr(slash + 1));
      }
    }
    std::lock_guard run_lock(run_mu_);
    for (const auto& [org, flow] : idle) (void)stop_flow(org, flow, /*by_user=*/false, /*idle=*/true);
  }

  void prune() {
    std::vector<std::pair<std::string, std::string>> flows;
    {
      std::lock_guard lock(mu_);
      for (const auto& [k, e] : flows_) {
        auto slash = k.find('/');
        flows.emplace_back(k.substr(0, slash), k.substr(slash + 1));
      }
    }
    for (const auto& [org, flow] : flows) {
      store::RetentionRequest rr;
      rr.org_id = org;
      rr.flow_id = flow;
      rr.keep_newest = options_.retention_keep;
      rr.older_than_ms = now() - std::chrono::duration_cast<std::chrono::milliseconds>(options_.retention_age).count();
      // In chunks, each its own transaction: a flow that ran hundreds of thousands of times
      // since the last pass would otherwise hold the store (and so the record writer, and
      // every synchronous call waiting on it) for minutes.
      // Between chunks a pause nine times as long as the chunk took lets the record writer
      // in (the store's lock is not fair, a loop taking it back at once kept it out) and
      // keeps pruning to a tenth of the store's time. A backlog is worked off over a while
      // instead of in one stall: ~4,000 executions/s while webhooks keep the store busy,
      // faster when they stop (a chunk then takes less). At a quarter of the store's time
      // (pause 3x) a 20,000/s webhook load lost a fifth of its throughput and its p99 went
      // from ~8 to ~11 ms while a backlog was pruned (docs/performance.md).
      rr.max_delete = kPruneChunk;
      for (;;) {
        const auto began = std::chrono::steady_clock::now();
        auto deleted = store_.prune_executions(rr);
        if (!deleted.ok() || *deleted < kPruneChunk) break;
        const auto pause = std::max<std::chrono::steady_clock::duration>(
            kPrunePauseFactor * (std::chrono::steady_clock::now() - began), std::chrono::milliseconds(2));
        std::unique_lock lock(maint_mu_);
        if (maint_cv_.wait_for(lock, pause, [&] { return stopping_maint_; })) return;
      }
    }
  }
  static constexpr std::int64_t kPruneChunk = 100;
  static constexpr int kPrunePauseFactor = 9;

  void forget(const std::string& org_id, const std::string& flow_id) {
    flow_cache_.erase(key_of(org_id, flow_id));
    std::shared_ptr<FlowRunner> inst;
    {
      std::lock_guard lock(mu_);
      auto it = flows_.find(key_of(org_id, flow_id));
      if (it != flows_.end()) {
        inst = std::move(it->second.instance);
        flows_.erase(it);
      }
    }
    if (inst) inst->stop();
    logs_.drop_flow(org_id, flow_id);
  }

  void shutdown() {
    {
      std::lock_guard lock(maint_mu_);
      if (stopping_maint_) return;
      stopping_maint_ = true;
      maint_cv_.notify_all();
    }
    if (maintenance_.joinable()) maintenance_.join();
    std::map<std::string, FlowEntry> flows;
    {
      std::lock_guard lock(mu_);
      flows.swap(flows_);
    }
    for (auto& [k, e] : flows) {
      if (e.instance) e.instance->stop();
    }
    {
      std::lock_guard lock(writer_mu_);
      stopping_writer_ = true;
      writer_cv_.notify_all();
    }
    if (writer_.joinable()) writer_.join();
    {
      std::lock_guard lock(wait_mu_);
      shutting_down_ = true;
      for (auto& [id, cv] : waiters_) cv->notify_all();
      finals_.clear();  // their answers time out or the server answers 503 while stopping
      final_orgs_.clear();
    }
  }

  store::Store& store_;
  LogHub& logs_;
  RuntimeOptions options_;

  std::mutex run_mu_;  // serialises starting and stopping flows
  std::mutex mu_;      // guards flows_
  std::map<std::string, FlowEntry> flows_;

  std::mutex writer_mu_;
  std::condition_variable writer_cv_;
  std::deque<Finished> finished_;
  bool stopping_writer_ = false;
  std::thread writer_;

  std::mutex wait_mu_;
  // Keyed by execution id, several of them touched by every synchronous call: hashed, since
  // time-ordered ids share long prefixes that ordered maps compare over and over.
  std::unordered_multimap<std::string, std::shared_ptr<std::condition_variable>> waiters_;
  std::unordered_set<std::string> ended_;  // executions that ended while someone waits for them
  using FinalCallback = std::function<void(const store::ExecutionRecord&, const schema::PayloadPtr&)>;
  struct Final {
    FinalCallback callback;
  };
  std::unordered_multimap<std::string, Final> finals_;       // SubmitRequest::on_final, by execution id
  std::unordered_map<std::string, std::string> final_orgs_;  // their organizations
  std::unordered_map<std::string, store::CreateExecutionRequest> unrecorded_;  // running, row written at the end
  bool shutting_down_ = false;

  TtlCache<std::string, std::shared_ptr<const store::Flow>> flow_cache_{std::chrono::seconds(1)};

  std::mutex spec_mu_;
  std::map<std::string, std::shared_ptr<const flow::OrganismSpec>> specs_;

  std::mutex maint_mu_;
  std::condition_variable maint_cv_;
  bool stopping_maint_ = false;
  std::thread maintenance_;
};

Runtime::Runtime(store::Store& store, LogHub& logs, RuntimeOptions options)
    : impl_(std::make_unique<Impl>(store, logs, std::move(options))) {}
Runtime::~Runtime() = default;

Result<FlowStatus> Runtime::start_flow(const std::string& org_id, const std::string& flow_id) {
  std::lock_guard run_lock(impl_->run_mu_);
  return impl_->start_flow(org_id, flow_id, /*by_user=*/true);
}
Result<FlowStatus> Runtime::stop_flow(const std::string& org_id, const std::string& flow_id) {
  std::lock_guard run_lock(impl_->run_mu_);
  return impl_->stop_flow(org_id, flow_id, /*by_user=*/true, /*idle=*/false);
}
Result<FlowStatus> Runtime::status(const std::string& org_id, const std::string& flow_id) {
  return impl_->status(org_id, flow_id);
}
FlowStatus Runtime::peek(const std::string& org_id, const std::string& flow_id) {
  std::lock_guard lock(impl_->mu_);
  auto it = impl_->flows_.find(key_of(org_id, flow_id));
  return it == impl_->flows_.end() ? FlowStatus{} : impl_->status_locked(it->second);
}
Result<Submitted> Runtime::submit(const SubmitRequest& req) { return impl_->submit(req); }
Result<store::ExecutionRecord> Runtime::wait(const std::string& org_id, const std::string& id,
                                             std::chrono::milliseconds timeout) {
  return impl_->wait(org_id, id, timeout);
}
Result<store::ExecutionRecord> Runtime::cancel(const std::string& org_id, const std::string& id) {
  return impl_->cancel(org_id, id);
}
Result<std::string> Runtime::resolve_target(const std::string& org_id, const std::string& flow_id,
                                            const std::string& target) {
  return impl_->resolve_target(org_id, flow_id, target);
}
Result<std::shared_ptr<const schema::PayloadClass>> Runtime::payload_class(const std::string& org_id,
                                                                           const std::string& flow_id,
                                                                           const std::string& target) {
  return impl_->payload_class(org_id, flow_id, target);
}
Result<schema::PayloadPtr> Runtime::parse_output(const std::string& org_id, const std::string& flow_id,
                                                 const std::string& xml, std::int64_t version) {
  return impl_->parse_output(org_id, flow_id, xml, version);
}
Status Runtime::resume_open() { return impl_->resume_open(); }
Result<bool> Runtime::run_existing(const std::string& org_id, const std::string& execution_id) {
  return impl_->run_existing(org_id, execution_id);
}
void Runtime::shutdown() { impl_->shutdown(); }
void Runtime::forget_flow(const std::string& org_id, const std::string& flow_id) { impl_->forget(org_id, flow_id); }
void Runtime::invalidate_flow(const std::string& org_id, const std::string& flow_id) {
  impl_->flow_cache_.erase(key_of(org_id, flow_id));
}
std::int64_t Runtime::now_ms() const { return impl_->now(); }

}  // namespace nextra::runtime
