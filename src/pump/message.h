#pragma once
// A message inside the pump: an envelope whose payload is already typed. External bytes
// become Messages in the ingress pipeline (src/ingress); messages the pump builds itself
// are created typed and never re-parsed (performance-budget.md: don't repeat work).

#include <cstdint>
#include <memory>
#include <string>

#include "schema/value.h"

namespace nextra::pump {

struct Execution;

struct Message {
  std::string from;
  std::string to;
  std::string thread;  // thread UUID; maps to a call chain in the ThreadRegistry
  schema::PayloadPtr payload;
  int depth = 0;       // hops since injection; capped by OrganismSpec::max_depth
  std::shared_ptr<Execution> execution;
  // An injection whose root thread is registered when a worker first takes it, so queued
  // injections cost no registry entries.
  bool register_root = false;
  // Already delivered (recorded, observed) and waiting at a concurrency gate for its handler.
  bool resumed = false;
};

// The sender name given to injected messages when the caller names none.
inline constexpr const char* kExternalSender = "external";
// The sender of every message the pump itself creates (SystemError, Boot).
inline constexpr const char* kSystemSender = "system";

}  // namespace nextra::pump
