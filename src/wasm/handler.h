#pragma once
// `handler: wasm`: a listener whose messages are handled by a sandboxed module. The payload
// goes in as JSON (runtime/payload_json.h), the module's JSON comes back as the payload class
// of its target: the peer named by `_to` (which must be one of the listener's peers), else
// the only peer, else an answer to the caller in `respond_with` (default: the listener's own
// class). A module that hits a limit, traps or answers badly fails that message only: the
// pump turns the error into a SystemError and keeps serving.
//
// Thread-safety: the factory and its handlers may be used from any thread.

#include <functional>
#include <memory>
#include <string>

#include "flow/organism.h"
#include "pump/pump.h"
#include "wasm/host_services.h"
#include "wasm/instance_cache.h"
#include "wasm/sandbox.h"

namespace nextra::wasm {

// The bytes of a module by id or name (the app reads the store's wasm_modules table, scoped
// to the flow's organization). NotFound when there is none.
using ModuleSource = std::function<Result<std::string>(const std::string& module)>;
// The host services one listener's module gets (its KV namespace, the flow's HTTP allowlist).
// nullptr = NoHostServices.
using HostServicesFor = std::function<std::shared_ptr<HostServices>(const std::string& module, const std::string& listener)>;

struct HandlerOptions {
  std::shared_ptr<const Sandbox> sandbox;  // required
  // For listeners with `tier: aot` (aot_sandbox.h); null = they run in `sandbox`.
  std::shared_ptr<const Sandbox> aot_sandbox;
  ModuleSource modules;                    // required
  HostServicesFor host_for;                // optional
  // Instances per (module, thread). Add it to the pump as an observer so instances go with
  // their thread. nullptr = a fresh instance for every message.
  std::shared_ptr<InstanceCache> cache;
  Limits defaults;  // the `wasm:` keys of a listener override these
  // The flow, to find each peer's payload class. Read only while the factory runs (as
  // runtime::FlowContext::spec); required.
  const flow::OrganismSpec* spec = nullptr;
};

// The factory for PumpOptions::handler_factories["wasm"]. At pump creation it parses the
// listener's `wasm:` section, fetches and compiles the module under its limits; any failure
// is that listener's error (the flow does not start) with the reason.
pump::HandlerFactory make_handler_factory(HandlerOptions options);

}  // namespace nextra::wasm
