#include "pump/pump.h"

#include <algorithm>
#include <cctype>

#include "core/thread_name.h"
#include "core/uuid.h"
#include "ingress/pipeline.h"
#include "pump/pump_impl.h"

namespace nextra::pump {

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const char* execution_status_name(ExecutionStatus s) {
  switch (s) {
    case ExecutionStatus::Running: return "running";
    case ExecutionStatus::Success: return "success";
    case ExecutionStatus::Error: return "error";
    case ExecutionStatus::Timeout: return "timeout";
    case ExecutionStatus::Cancelled: return "cancelled";
  }
  return "error";
}

const char* listener_state_name(ListenerState s) {
  switch (s) {
    case ListenerState::Idle: return "idle";
    case ListenerState::Processing: return "processing";
    case ListenerState::Waiting: return "waiting";
    case ListenerState::Error: return "error";
  }
  return "idle";
}

std::optional<ExecutionResult> Execution::wait_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu);
  if (!cv.wait_until(lock, deadline, [&] { return finished.load(); })) return std::nullopt;
  return result;
}

ExecutionResult Execution::wait() {
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return finished.load(); });
  return result;
}

ExecutionResult Execution::snapshot() {
  std::lock_guard lock(mu);
  ExecutionResult r = result;
  if (!finished) {
    r.messages = delivered.load();
    r.elapsed = std::chrono::steady_clock::now() - started;
  }
  return r;
}

Pump::Impl::Impl(std::shared_ptr<const flow::OrganismSpec> spec, PumpOptions options, std::unique_ptr<SharedBackend> backend)
    : spec_(std::move(spec)),
      schema_(spec_->schema),
      options_(options),
      backend_(std::move(backend)),
      registry_(*backend_),
      ingress_(std::make_unique<ingress::Pipeline>(schema_)) {}

Pump::Impl::~Impl() { shutdown(); }

Status Pump::Impl::start() {
  if (running_.exchange(true)) return Error::make(ErrorCode::Conflict, "pump already started");
  int workers = options_.workers;
  if (workers <= 0) workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  workers = std::clamp(workers, 1, std::max(1, spec_->max_concurrent_handlers));
  for (int i = 0; i < workers; ++i) {
    workers_.emplace_back([this] {
      name_this_thread("pump-worker");
      worker_loop();
    });
  }
  if (options_.send_boot && boot_index_ >= 0) {
    auto boot = std::make_shared<schema::Payload>();
    boot->record = schema::zero_record(*schema_->find(schema::kBoot));
    boot->record.fields[0] = schema::Value(spec_->name);
    auto now = std::chrono::system_clock::now();
    auto t = std::chrono::system_clock::to_time_t(now);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    boot->record.fields[1] = schema::Value(std::string(buf));
    boot->record.fields[2] = schema::Value(static_cast<std::int64_t>(spec_->listeners.size()));
    InjectOptions o;
    o.from = kSystemSender;
    o.system = true;
    auto r = inject(kBootListener, std::move(boot), o);
    if (!r.ok()) return r.take_error();
  }
  return {};
}

void Pump::Impl::shutdown() {
  if (shut_down_.exchange(true)) return;
  running_ = false;
  {
    std::unique_lock lock(queue_mu_);
    queue_idle_.wait_for(lock, options_.shutdown_drain,
                         [&] { return internal_.empty() && injected_.empty() && busy_workers_ == 0; });
    stopping_ = true;
    queue_not_empty_.notify_all();
    queue_not_full_.notify_all();
  }
  for (auto& w : workers_) {
    if (w.joinable()) w.join();
  }
  timers_.stop();
  callbacks_->close();
  // Whatever did not finish in the drain window is cancelled, so waiters are released.
  std::vector<std::shared_ptr<Execution>> left;
  {
    std::lock_guard lock(queue_mu_);
    for (auto* q : {&internal_, &injected_}) {
      for (auto& m : *q) left.push_back(m.execution);
      q->clear();
    }
  }
  for (auto& e : left) {
    std::lock_guard lock(e->mu);
    complete_locked(*e, ExecutionStatus::Cancelled, nullptr, "the pump shut down");
  }
}

Result<std::shared_ptr<Execution>> Pump::Impl::inject(std::string_view to, schema::PayloadPtr payload, InjectOptions options) {
  if (!running_) return Error::make(ErrorCode::Unavailable, "the pump is not running");
  if (!payload || !payload->record.cls) return Error::invalid("no payload");
  int idx = find_index(to);
  if (idx < 0) return Error::make(ErrorCode::NotFound, "no listener named '" + std::string(to) + "'");
  const auto& listener = listeners_[static_cast<size_t>(idx)];
  if (listener.payload_class != payload->record.cls) {
    return Error::invalid("listener '" + listener.name + "' accepts " + listener.payload_class->name + ", not " +
                          payload->class_name());
  }
  NEXTRA_TRY(schema::check_record(payload->record));
  if (!options.peer_table.empty()) {
    std::shared_lock lock(table_mu_);
    if (!tables_.count(options.peer_table)) return Error::make(ErrorCode::NotFound, "no peer table named '" + options.peer_table + "'");
  }

  auto exec = std::make_shared<Execution>();
  exec->id = next_execution_id_++;
  exec->scope = std::to_string(exec->id);
  exec->peer_table = options.peer_table;
  exec->system = options.system;
  exec->on_complete = std::move(options.on_complete);
  exec->started = std::chrono::steady_clock::now();
  // Every injection is a new thread: a supplied id is kept only if nothing uses it yet.
  // A caller-supplied id is registered at once (so a second injection with it gets a new
  // one); generated ids are registered lazily by the worker (Message::register_root).
  std::string uuid;
  bool lazy = true;
  if (is_canonical_uuid(options.thread) && !backend_->registry_chain(options.thread)) {
    uuid = registry_.begin(exec->scope, Chain{options.from, listener.name}, options.thread);
    lazy = false;
  } else {
    uuid = new_uuid_v4();
  }
  exec->root_thread = uuid;
  exec->result.thread = uuid;
  exec->threads.insert(uuid);
  ++live_executions_;
  if (options.timeout.count() > 0) {
    std::weak_ptr<Execution> weak = exec;
    auto ms = options.timeout.count();
    std::lock_guard lock(exec->mu);
    exec->deadline_timer = timers_.schedule(exec->started + options.timeout, [this, weak, ms] {
      if (auto e = weak.lock()) {
        std::lock_guard l(e->mu);
        complete_locked(*e, ExecutionStatus::Timeout, nullptr, "execution timed out after " + std::to_string(ms) + " ms");
      }
    });
  }

  Message msg{options.from, listener.name, uuid, std::move(payload), 0, exec, lazy};
  if (options.run_here && handlers_[static_cast<size_t>(idx)]->runs_inline()) {
    {
      std::lock_guard lock(queue_mu_);  // counted as a busy worker, so shutdown waits for it
      if (stopping_) return Error::make(ErrorCode::Unavailable, "the pump is shutting down");
      ++busy_workers_;
    }
    exec->outstanding.fetch_add(1);
    run_inline(std::move(msg));
    std::lock_guard lock(queue_mu_);
    --busy_workers_;
    if (internal_.empty() && injected_.empty() && busy_workers_ == 0) queue_idle_.notify_all();
    return exec;
  }
  {
    std::unique_lock lock(queue_mu_);
    const auto capacity = static_cast<std::size_t>(std::max(1, spec_->queue_capacity));
    queue_not_full_.wait(lock, [&] { return injected_.size() < capacity || stopping_; });
    if (stopping_) return Error::make(ErrorCode::Unavailable, "the pump is shutting down");
    exec->outstanding.fetch_add(1);
    injected_.push_back(std::move(msg));
    if (idle_workers_ == 0) return exec;
  }
  queue_not_empty_.notify_one();
  return exec;
}

Result<std::shared_ptr<Execution>> Pump::Impl::inject_envelope(std::string_view bytes, InjectOptions options) {
  auto lookup = [this](std::string_view to, std::string_view root) -> const schema::PayloadClass* {
    const auto* l = find(to);
    if (!l || l->payload_class->name != root) return nullptr;
    return l->payload_class;
  };
  NEXTRA_ASSIGN_OR_RETURN(auto env, ingress_->process(bytes, lookup));
  options.from = env.from;
  options.thread = env.thread;
  return inject(env.to, env.payload, std::move(options));
}

namespace {
// The run_here injection this thread is running, if any: messages its handlers send to
// listeners that run inline stay on this thread (up to its budget) instead of the queue.
struct InlineRun {
  const Pump::Impl* pump = nullptr;
  const Execution* execution = nullptr;
  std::deque<Message> local;
  int budget = kInlineMessages;
};
thread_local InlineRun* t_inline = nullptr;
}  // namespace

bool Pump::Impl::inline_target(std::string_view to) const {
  const int idx = find_index(to);
  // Collectors (system.buffer.<id>.w<i>) and unknown targets are handled by the pump itself.
  return idx < 0 || handlers_[static_cast<size_t>(idx)]->runs_inline();
}

void Pump::Impl::run_inline(Message msg) {
  InlineRun run;
  run.pump = this;
  run.execution = msg.execution.get();
  InlineRun* outer = t_inline;
  t_inline = &run;
  --run.budget;
  process(std::move(msg));
  while (!run.local.empty()) {
    Message next = std::move(run.local.front());
    run.local.pop_front();
    process(std::move(next));
  }
  t_inline = outer;
}

void Pump::Impl::enqueue(Message msg) {
  if (InlineRun* run = t_inline;
      run && run->pump == this && run->execution == msg.execution.get() && run->budget > 0 && inline_target(msg.to)) {
    --run->budget;
    run->local.push_back(std::move(msg));
    return;
  }
  {
    std::lock_guard lock(queue_mu_);
    internal_.push_back(std::move(msg));
    if (idle_workers_ == 0) return;  // every worker is busy and will look again before sleeping
  }
  queue_not_empty_.notify_one();
}

void Pump::Impl::worker_loop() {
  const auto capacity = static_cast<std::size_t>(std::max(1, spec_->queue_capacity));
  std::unique_lock lock(queue_mu_);
  while (true) {
    if (internal_.empty() && injected_.empty() && !stopping_) {
      ++idle_workers_;
      queue_not_empty_.wait(lock, [&] { return !internal_.empty() || !injected_.empty() || stopping_; });
      --idle_workers_;
    }
    Message msg;
    if (!internal_.empty()) {
      msg = std::move(internal_.front());
      internal_.pop_front();
    } else if (!injected_.empty()) {
      msg = std::move(injected_.front());
      injected_.pop_front();
      // Injectors blocked on a full queue are woken once it has drained to half, not on every
      // pop: one wake-up per capacity/2 messages instead of a context switch per message.
      if (injected_.size() == capacity / 2) queue_not_full_.notify_all();
    } else {
      break;  // stopping and drained
    }
    ++busy_workers_;
    lock.unlock();
    process(std::move(msg));
    lock.lock();
    --busy_workers_;
    if (internal_.empty() && injected_.empty() && busy_workers_ == 0) queue_idle_.notify_all();
  }
}

const ListenerInfo* Pump::Impl::find(std::string_view name) const {
  int i = find_index(name);
  return i < 0 ? nullptr : &listeners_[static_cast<size_t>(i)];
}

int Pump::Impl::find_index(std::string_view name) const {
  // Exact names are the common case; only fall back to lower-casing when that misses.
  auto it = by_lower_name_.find(std::string(name));
  if (it == by_lower_name_.end()) it = by_lower_name_.find(to_lower(name));
  return it == by_lower_name_.end() ? -1 : static_cast<int>(it->second);
}

schema::PayloadPtr Pump::Impl::make_system_error(const char* code, const std::string& message) const {
  auto p = std::make_shared<schema::Payload>();
  p->record.cls = schema_->find(schema::kSystemError);
  p->record.fields = {schema::Value(std::string(code)), schema::Value(message),
                      schema::Value(std::string(code) != kErrRouting && std::string(code) != kErrValidation)};
  return p;
}

// ---- Pump (public face)

Pump::Pump(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Pump::~Pump() = default;

Result<std::unique_ptr<Pump>> Pump::create(std::shared_ptr<const flow::OrganismSpec> spec, PumpOptions options,
                                           std::unique_ptr<SharedBackend> backend, flow::Diagnostics* diags) {
  flow::Diagnostics local;
  if (!diags) diags = &local;
  if (!backend) backend = make_memory_backend(options.buffer_limits);
  auto impl = std::make_unique<Impl>(std::move(spec), options, std::move(backend));
  impl->build_listeners(diags);
  if (flow::has_errors(*diags)) {
    for (const auto& d : *diags) {
      if (d.severity == flow::Diagnostic::Severity::Error) {
        Error e = Error::invalid(d.message);
        e.line = d.line;
        e.column = d.column;
        e.field = d.field;
        return e;
      }
    }
  }
  return std::unique_ptr<Pump>(new Pump(std::move(impl)));
}

void Pump::add_observer(Observer* observer) { impl_->observers_.push_back(observer); }
Status Pump::start() { return impl_->start(); }
void Pump::shutdown() { impl_->shutdown(); }
Result<std::shared_ptr<Execution>> Pump::inject(std::string_view to, schema::PayloadPtr payload, InjectOptions options) {
  return impl_->inject(to, std::move(payload), std::move(options));
}
Result<std::shared_ptr<Execution>> Pump::inject_envelope(std::string_view bytes, InjectOptions options) {
  return impl_->inject_envelope(bytes, std::move(options));
}
Status Pump::register_peer_table(const std::string& name, const std::map<std::string, std::vector<std::string>>& entries,
                                 const std::string& parent) {
  return impl_->register_peer_table(name, entries, parent);
}
Result<std::vector<std::string>> Pump::modify_peer_table(const std::string& name, const std::string& listener,
                                                         const std::vector<std::string>& grant,
                                                         const std::vector<std::string>& revoke) {
  return impl_->modify_peer_table(name, listener, grant, revoke);
}
const schema::Schema& Pump::schema() const { return *impl_->schema_; }
const ListenerInfo* Pump::find_listener(std::string_view name) const { return impl_->find(name); }
std::vector<const ListenerInfo*> Pump::listeners() const {
  std::vector<const ListenerInfo*> out;
  for (const auto& l : impl_->listeners_) out.push_back(&l);
  return out;
}
SharedBackend& Pump::backend() { return *impl_->backend_; }

bool Pump::cancel(const std::shared_ptr<Execution>& execution) {
  if (!execution) return false;
  std::lock_guard lock(execution->mu);
  if (execution->finished) return false;
  impl_->complete_locked(*execution, ExecutionStatus::Cancelled, nullptr, "cancelled");
  return true;
}
std::size_t Pump::live_executions() const { return impl_->live_executions_.load(); }

void check_organism(const flow::OrganismSpec& spec, flow::Diagnostics* diags) {
  auto copy = std::make_shared<flow::OrganismSpec>(spec);
  Pump::Impl impl(copy, PumpOptions{}, make_memory_backend());
  impl.checking_only_ = true;
  impl.build_listeners(diags);
}

}  // namespace nextra::pump
