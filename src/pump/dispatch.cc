// One message through its listener, and every check on what the listener emits. All
// failures become SystemError messages to the sender that caused them (decisions.md §2);
// the ones nobody can handle fail the execution.

#include <algorithm>

#include "pump/pump_impl.h"

namespace nextra::pump {
namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

// Everything that happens once per delivered message before its handler runs. False when
// the message was consumed here (limit reached, or a system primitive handled it).
bool Pump::Impl::record_delivery(const Message& msg, int idx) {
  const auto& exec = msg.execution;
  const auto& listener = listeners_[static_cast<size_t>(idx)];
  const bool self_call = msg.from == listener.name;
  if (msg.register_root) {
    // Under the execution's lock: a deadline may end the execution while this waited, and an
    // entry registered after its cleanup would never be freed.
    bool ended = false;
    {
      std::lock_guard lock(exec->mu);
      ended = exec->finished;
      if (!ended) registry_.begin(exec->scope, Chain{msg.from, listener.name}, msg.thread);
    }
    if (ended) {
      message_done(exec);
      return false;
    }
  }
  if (exec->delivered.fetch_add(1) + 1 > options_.max_messages_per_execution) {
    {
      std::lock_guard lock(exec->mu);
      complete_locked(*exec, ExecutionStatus::Error, nullptr,
                      "limit: the execution exceeded " + std::to_string(options_.max_messages_per_execution) + " messages");
    }
    message_done(exec);
    return false;
  }
  auto appended = backend_->buffer_append(
      Slot{msg.payload, msg.thread, msg.from, listener.name, 0, std::chrono::system_clock::now(), self_call});
  (void)appended;  // a full thread buffer is logged by the backend's stats; dispatch goes on (spec §6)
  // complete_locked() sets `finished` before it frees buffers, so either it freed this slot
  // or we see `finished` here and free it ourselves.
  if (exec->finished.load()) backend_->buffer_delete(msg.thread);
  each_observer([&](Observer& o) {
    o.on_delivered(*exec, msg, false);
    o.on_listener_state(listener.name, ListenerState::Processing, msg.thread);
  });

  if (idx == buffer_index_ || idx == sequence_index_) {
    {
      std::lock_guard lock(exec->mu);
      if (!exec->finished) {
        if (idx == buffer_index_) start_buffer_locked(*exec, exec, msg);
        else start_sequence_locked(*exec, exec, msg);
      }
    }
    each_observer([&](Observer& o) { o.on_listener_state(listener.name, ListenerState::Idle, msg.thread); });
    message_done(exec);
    return false;
  }
  return true;
}

void Pump::Impl::process(Message msg) {
  auto exec = msg.execution;
  if (exec->finished.load(std::memory_order_acquire)) {
    message_done(exec);
    return;
  }
  if (is_collector_name(msg.to)) {
    {
      std::lock_guard lock(exec->mu);
      if (!exec->finished) deliver_to_collector_locked(*exec, exec, msg);
    }
    message_done(exec);
    return;
  }
  const int idx = find_index(msg.to);
  if (idx < 0) {  // checked when sent; only a listener removed since then gets here
    std::lock_guard lock(exec->mu);
    raise_error_locked(*exec, exec, msg.from, msg.thread, msg.depth + 1, kErrRouting, "unknown target '" + msg.to + "'");
    message_done(exec);
    return;
  }
  const auto& listener = listeners_[static_cast<size_t>(idx)];
  const bool self_call = msg.from == listener.name;
  // A message that waited at a concurrency gate was delivered (recorded, observed) already.
  if (!msg.resumed && !record_delivery(msg, idx)) return;
  Handler& handler = *handlers_[static_cast<size_t>(idx)];
  if (!handler.is_async()) {
    HandlerOutcome outcome;
    try {
      outcome = handler.handle(HandlerContext{msg, listener, self_call, backend_.get()});
    } catch (const std::exception& e) {
      outcome.error = Error::make(ErrorCode::Internal, std::string("crashed: ") + e.what());
    } catch (...) {
      outcome.error = Error::make(ErrorCode::Internal, "crashed");
    }
    on_outcome(msg, static_cast<size_t>(idx), std::move(outcome));
    message_done(exec);
    return;
  }

  // Asynchronous handler: at most max_concurrent_per_agent in flight per agent and
  // max_concurrent_handlers in all; the rest wait at the gate, still counted as outstanding.
  // Then the first of (completion, timeout) wins; the loser is ignored.
  auto& gate = *gates_[static_cast<size_t>(idx)];
  msg.resumed = true;
  if (listener.agent) {
    std::lock_guard lock(gate.mu);
    if (gate.active >= std::max(1, spec_->max_concurrent_per_agent)) {
      gate.waiting.push_back(std::move(msg));
      each_observer([&](Observer& o) { o.on_listener_state(listener.name, ListenerState::Waiting, gate.waiting.back().thread); });
      return;
    }
    ++gate.active;
  }
  {
    std::lock_guard lock(async_gate_.mu);
    if (async_gate_.active >= std::max(1, spec_->max_concurrent_handlers)) {
      if (listener.agent) {
        std::lock_guard l(gate.mu);
        --gate.active;
      }
      async_gate_.waiting.push_back(std::move(msg));
      return;
    }
    ++async_gate_.active;
  }
  struct Pending {
    Message msg;
    std::atomic<bool> done{false};
    std::uint64_t timer = 0;
  };
  auto pending = std::make_shared<Pending>();
  pending->msg = std::move(msg);
  auto release_gate = [this, idx] {
    // Re-queued messages keep the outstanding count they already hold.
    auto release = [this](AgentGate& g) {
      std::optional<Message> next;
      {
        std::lock_guard lock(g.mu);
        --g.active;
        if (!g.waiting.empty()) {
          next = std::move(g.waiting.front());
          g.waiting.pop_front();
        }
      }
      if (next) enqueue(std::move(*next));
    };
    release(async_gate_);
    if (listeners_[static_cast<size_t>(idx)].agent) release(*gates_[static_cast<size_t>(idx)]);
  };
  pending->timer = timers_.schedule(std::chrono::steady_clock::now() + listener.timeout, [this, pending, idx, release_gate] {
    if (pending->done.exchange(true)) return;
    auto& m = pending->msg;
    const auto& l = listeners_[static_cast<size_t>(idx)];
    each_observer([&](Observer& o) { o.on_listener_state(l.name, ListenerState::Error, m.thread); });
    {
      std::lock_guard lock(m.execution->mu);
      if (!m.execution->finished) {
        raise_error_locked(*m.execution, m.execution, m.from, m.thread, m.depth + 1, kErrTimeout,
                           "Handler timed out. Please try again. (listener '" + l.name + "', " +
                               std::to_string(l.timeout.count()) + " ms)");
      }
    }
    release_gate();
    message_done(m.execution);
  });
  const Message& m = pending->msg;
  try {
    handler.handle_async(HandlerContext{m, listener, self_call, backend_.get()},
                         [this, pending, idx, release_gate, gate = callbacks_](HandlerOutcome outcome) {
      if (pending->done.exchange(true)) return;
      if (!gate->enter()) return;  // the pump has shut down
      timers_.cancel(pending->timer);
      on_outcome(pending->msg, static_cast<size_t>(idx), std::move(outcome));
      release_gate();
      message_done(pending->msg.execution);
      gate->leave();
    });
  } catch (const std::exception& e) {
    if (!pending->done.exchange(true)) {
      timers_.cancel(pending->timer);
      HandlerOutcome outcome;
      outcome.error = Error::make(ErrorCode::Internal, std::string("crashed: ") + e.what());
      on_outcome(pending->msg, static_cast<size_t>(idx), std::move(outcome));
      release_gate();
      message_done(pending->msg.execution);
    }
  }
}

void Pump::Impl::on_outcome(const Message& msg, std::size_t listener_index, HandlerOutcome outcome) {
  const auto& listener = listeners_[listener_index];
  auto& exec = *msg.execution;
  std::lock_guard lock(exec.mu);
  if (exec.finished) return;
  if (outcome.error) {
    each_observer([&](Observer& o) { o.on_listener_state(listener.name, ListenerState::Error, msg.thread); });
    // The sender of the message that failed is the one who can act on it (it may retry).
    raise_error_locked(exec, msg.execution, msg.from, msg.thread, msg.depth + 1, kErrHandler,
                       "listener '" + listener.name + "' failed: " + outcome.error->message);
    return;
  }
  if (outcome.output) {
    complete_locked(exec, ExecutionStatus::Success, std::move(outcome.output), {});
    return;
  }
  if (outcome.emissions.empty() && !outcome.waiting) {
    each_observer([&](Observer& o) { o.on_thread_completed(exec, msg.thread); });
  }
  for (auto& e : outcome.emissions) {
    if (exec.finished) break;
    emit_locked(exec, msg, listener.name, std::move(e));
  }
  each_observer([&](Observer& o) { o.on_listener_state(listener.name, ListenerState::Idle, msg.thread); });
}

void Pump::Impl::emit_locked(Execution& exec, const Message& in, const std::string& sender, Emission e) {
  const auto& exec_ptr = in.execution;
  const int depth = in.depth + 1;
  if (!e.payload || !e.payload->record.cls) {
    raise_error_locked(exec, exec_ptr, sender, in.thread, depth, kErrValidation, "'" + sender + "' emitted no payload");
    return;
  }
  if (depth > spec_->max_depth) {
    raise_error_locked(exec, exec_ptr, sender, in.thread, depth, kErrDepth,
                       "'" + sender + "' exceeded the depth limit of " + std::to_string(spec_->max_depth) + " hops");
    return;
  }
  if (auto st = schema::check_record(e.payload->record); !st.ok()) {
    raise_error_locked(exec, exec_ptr, sender, in.thread, depth, kErrValidation,
                       "'" + sender + "' emitted an invalid " + e.payload->class_name() + ": " + st.error().message);
    return;
  }

  if (e.respond) {
    auto pruned = registry_.prune(in.thread);
    if (!pruned.ok() || !pruned->has_value()) {
      each_observer([&](Observer& o) { o.on_thread_completed(exec, in.thread); });
      return;
    }
    auto& p = **pruned;
    exec.threads.insert(p.thread);
    if (is_collector_name(p.target)) {
      send_locked(exec, sender, p.target, p.thread, std::move(e.payload), depth, exec_ptr);
      return;
    }
    const int tidx = find_index(p.target);
    if (tidx < 0) {
      // The response reached the injector, outside the organism: that thread is done.
      each_observer([&](Observer& o) { o.on_thread_completed(exec, p.thread); });
      return;
    }
    const auto& target = listeners_[static_cast<size_t>(tidx)];
    if (target.payload_class != e.payload->record.cls && !target.any_response_class) {
      raise_error_locked(exec, exec_ptr, sender, in.thread, depth, kErrValidation,
                         "'" + sender + "' responded with " + e.payload->class_name() + " but its caller '" + target.name +
                             "' accepts " + target.payload_class->name);
      return;
    }
    send_locked(exec, sender, target.name, p.thread, std::move(e.payload), depth, exec_ptr);
    return;
  }

  const int tidx = e.to.empty() ? -1 : find_index(e.to);
  if (tidx < 0) {
    raise_error_locked(exec, exec_ptr, sender, in.thread, depth, kErrRouting,
                       "Message could not be delivered. Please verify your target and try again. (unknown target '" + e.to +
                           "')");
    return;
  }
  const auto& target = listeners_[static_cast<size_t>(tidx)];
  const auto* from = find(sender);
  // System primitives may be called by anyone and may call anyone the requester was allowed to.
  if (from && !from->system && !target.system) {
    auto peers = effective_peers(exec, *from);
    if (!contains(peers, target.name)) {
      raise_error_locked(exec, exec_ptr, sender, in.thread, depth, kErrRouting,
                         "peer violation: '" + sender + "' may not send to '" + target.name + "' (not among its peers)");
      return;
    }
  }
  if (target.payload_class != e.payload->record.cls) {
    raise_error_locked(exec, exec_ptr, sender, in.thread, depth, kErrValidation,
                       "'" + target.name + "' accepts " + target.payload_class->name + ", not " + e.payload->class_name());
    return;
  }
  if (target.broadcast) {
    for (auto t : broadcast_groups_[target.payload_class]) {
      auto thread = registry_.extend(in.thread, listeners_[t].name);
      if (!thread.ok()) continue;
      send_locked(exec, sender, listeners_[t].name, std::move(thread).value(), e.payload, depth, exec_ptr);
    }
    return;
  }
  auto thread = registry_.extend(in.thread, target.name);
  if (!thread.ok()) {
    raise_error_locked(exec, exec_ptr, sender, in.thread, depth, kErrRouting, thread.error().message);
    return;
  }
  send_locked(exec, sender, target.name, std::move(thread).value(), std::move(e.payload), depth, exec_ptr);
}

void Pump::Impl::send_locked(Execution& exec, std::string from, std::string to, std::string thread, schema::PayloadPtr payload,
                             int depth, const std::shared_ptr<Execution>& exec_ptr) {
  exec.threads.insert(thread);
  exec.outstanding.fetch_add(1);
  Message m{std::move(from), std::move(to), std::move(thread), std::move(payload), depth, exec_ptr};
  each_observer([&](Observer& o) { o.on_sent(exec, m); });
  enqueue(std::move(m));
}

void Pump::Impl::raise_error_locked(Execution& exec, const std::shared_ptr<Execution>& exec_ptr, const std::string& recipient,
                                    const std::string& thread, int depth, const char* code, const std::string& message) {
  auto payload = make_system_error(code, message);
  if (is_collector_name(recipient) && exec.collectors.count(collector_key(recipient))) {
    // Collectors record a failed item or step (system.buffer / system.sequence).
    send_locked(exec, kSystemSender, recipient, thread, std::move(payload), depth, exec_ptr);
    return;
  }
  const int idx = find_index(recipient);
  if (idx >= 0 && handlers_[static_cast<size_t>(idx)] && handlers_[static_cast<size_t>(idx)]->handles_errors() &&
      depth <= spec_->max_depth) {
    send_locked(exec, kSystemSender, listeners_[static_cast<size_t>(idx)].name, thread, std::move(payload), depth, exec_ptr);
    return;
  }
  // Nobody can act on it: record it where it would have gone, and fail the execution.
  Message m{kSystemSender, recipient, thread, payload, depth, exec_ptr};
  each_observer([&](Observer& o) { o.on_delivered(exec, m, true); });
  complete_locked(exec, ExecutionStatus::Error, nullptr, std::string(code) + ": " + message);
}

void Pump::Impl::complete_locked(Execution& exec, ExecutionStatus status, schema::PayloadPtr output, std::string error) {
  if (exec.finished) return;
  exec.result.status = status;
  exec.result.output = std::move(output);
  exec.result.error = std::move(error);
  exec.result.messages = exec.delivered.load();
  exec.result.elapsed = std::chrono::steady_clock::now() - exec.started;
  if (exec.deadline_timer) timers_.cancel(exec.deadline_timer);
  exec.finished.store(true);  // before the cleanup: see record_delivery()
  // Completed threads free their registry entries and context buffers (fixes spec §16.9).
  for (const auto& t : exec.threads) {
    registry_.forget(t);
    backend_->buffer_delete(t);
  }
  exec.threads.clear();
  exec.collectors.clear();
  --live_executions_;
  each_observer([&](Observer& o) { o.on_execution_completed(exec); });
  if (exec.on_complete) {
    try {
      exec.on_complete(exec.result);
    } catch (...) {
    }
  }
  exec.cv.notify_all();
}

void Pump::Impl::message_done(const std::shared_ptr<Execution>& exec) {
  if (exec->outstanding.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  std::lock_guard lock(exec->mu);
  if (exec->finished || exec->outstanding.load() > 0) return;
  if (flush_collectors_locked(*exec, exec)) return;
  complete_locked(*exec, ExecutionStatus::Success, nullptr, {});
}

}  // namespace nextra::pump
