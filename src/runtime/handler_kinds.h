#pragma once
// The seam through which the composition root gives each flow's pump the handler kinds that
// reach the outside world (llm, http, wasm): the runtime itself knows none of them.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "flow/organism.h"
#include "pump/pump.h"

namespace nextra::runtime {

// Which flow a handler serves, for the kinds that need to know (usage per organization,
// project memory per flow, the flow's `llm:` section).
struct FlowContext {
  std::string org_id;
  std::string flow_id;
  const flow::OrganismSpec* spec = nullptr;  // valid while the factories run
  // Observers the handlers need on the flow's pump (a code block's per-thread instances go
  // when their thread completes); kept alive and added by the runtime.
  std::vector<std::shared_ptr<pump::Observer>>* observers = nullptr;
  // Publishes a live event of an execution (an agent's streamed text); may be empty.
  std::function<void(const std::string& execution_id, const std::string& type, std::string data)> publish;
};
// Makes the handler factories of the kinds that need the outside world (llm, http, wasm) for
// one flow; they win over the engine's built-ins. Empty = built-ins only.
using HandlerKinds = std::function<std::map<std::string, pump::HandlerFactory>(const FlowContext&)>;

}  // namespace nextra::runtime
