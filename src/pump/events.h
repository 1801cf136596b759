#pragma once
// Observers see what the pump does, synchronously on the worker thread that did it. They
// must be thread-safe, quick, and must not call back into the pump. Exceptions thrown by an
// observer are swallowed so a bad observer cannot stop message flow.

#include <string>

#include "pump/message.h"

namespace nextra::pump {

struct Execution;

enum class ListenerState { Idle, Processing, Waiting, Error };
const char* listener_state_name(ListenerState s);

class Observer {
 public:
  virtual ~Observer() = default;
  // A message was handed to its listener (or, for an unhandled SystemError, reached the
  // sender that nobody could deliver it to: `unhandled` is then true).
  virtual void on_delivered(const Execution&, const Message&, bool /*unhandled*/) {}
  // A handler's emission passed every check and was queued.
  virtual void on_sent(const Execution&, const Message&) {}
  virtual void on_listener_state(const std::string& /*listener*/, ListenerState, const std::string& /*thread*/) {}
  // A thread finished: its handler returned nothing, or a response found the chain exhausted.
  virtual void on_thread_completed(const Execution&, const std::string& /*thread*/) {}
  virtual void on_execution_completed(const Execution&) {}
};

}  // namespace nextra::pump
