#pragma once
// A listener is a name, the payload class it accepts and a handler. Handlers see only a
// HandlerContext (the message and trusted metadata) and answer with a HandlerOutcome; they
// never set `from` or `thread` themselves (spec §13 invariants), so they cannot forge a
// sender or jump threads.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "pump/message.h"
#include "schema/value.h"

namespace nextra::pump {

struct ListenerInfo {
  std::string name;
  std::string lower_name;  // routing is case-insensitive on names (spec §2)
  const schema::PayloadClass* payload_class = nullptr;
  std::string handler_kind;
  std::string description;
  bool agent = false;
  bool broadcast = false;
  bool system = false;  // system.* primitives: exempt from peer rules
  // Responses of any class reach it (an agent reads its peers' answers as tool results).
  bool any_response_class = false;
  std::vector<std::string> peers;
  std::chrono::milliseconds timeout{30000};
};

class SharedBackend;

struct HandlerContext {
  const Message& message;
  const ListenerInfo& listener;
  bool is_self_call = false;  // the sender is this listener itself (self-iteration)
  // The pump's context buffers (read-only use: an agent's history is its thread's buffer).
  const SharedBackend* backend = nullptr;
};

// One message a handler wants sent. Exactly one of: `respond` (answer whoever called this
// thread: the chain is pruned, no peer check) or a forward to `to` (peer-checked).
struct Emission {
  schema::PayloadPtr payload;
  std::string to;
  bool respond = false;
};

// What a handler did. No emissions and no output = this thread is complete.
struct HandlerOutcome {
  std::vector<Emission> emissions;
  schema::PayloadPtr output;   // set by `output` listeners: ends the execution with this result
  std::optional<Error> error;  // becomes a SystemError to the sender of the message
  // Nothing to send yet, but the thread goes on: replies to messages this listener sent
  // earlier are still on their way (an agent waiting for the rest of its parallel tool calls).
  bool waiting = false;
};

class Handler {
 public:
  virtual ~Handler() = default;

  // Synchronous handlers (every built-in kind in the engine) answer inline on the worker
  // thread. They must be bounded in time by construction: per-listener timeouts apply only
  // to asynchronous handlers, which the pump can abandon.
  virtual bool is_async() const { return false; }
  virtual HandlerOutcome handle(const HandlerContext& ctx) = 0;

  // Asynchronous handlers (LLM calls, HTTP, WASM) start work and call `done` exactly once,
  // from any thread. A call after the listener's timeout is ignored.
  virtual void handle_async(const HandlerContext& ctx, std::function<void(HandlerOutcome)> done) {
    done(handle(ctx));
  }

  // True when a SystemError addressed to this listener is something it can act on (an LLM
  // agent retries; collectors record the failure). Otherwise such an error fails the execution.
  virtual bool handles_errors() const { return false; }

  // True when the handler is cheap and bounded (no I/O, no waiting, no user code): the pump
  // may run it on the thread that injected the execution (an HTTP io thread answering a
  // synchronous webhook) instead of handing the message to a worker. See InjectOptions::run_here.
  virtual bool runs_inline() const { return false; }

  // True when answers sent back to this listener by `respond` may be of any payload class,
  // not only its own (an LLM agent gets each peer's answer as a tool result).
  virtual bool accepts_any_response() const { return false; }
};

}  // namespace nextra::pump
