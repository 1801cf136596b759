#pragma once
// `handler: llm`: an agent listener (xml-pipeline-semantics.md §9, decisions.md §2). Each
// message to the agent continues its conversation on that thread: the model is called
// through the flow's LLM gateway with the system prompt, the peers' descriptions, the
// thread's history and the peers offered as tools (each tool's parameters = the peer's
// payload schema). A tool call becomes a message to that peer; the peer's answer comes back
// as the tool's result and the model is called again. The agent finishes by answering its
// caller (`llm.respond` class) or by calling an Output peer.
//
// The pump's peer rules still decide: a message to a listener outside the agent's peers
// comes back as a SystemError, which the model sees as the tool's result and may correct, as
// it may correct arguments that do not fit a peer's payload class, up to `max_tool_errors`.
// Models without tool calling (`mode: xml`) answer with an XML message instead, repaired and
// validated like any message. The model's text streams out through `on_text` as it comes.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "agent/conversations.h"
#include "core/result.h"
#include "flow/organism.h"
#include "llm/gateway.h"
#include "pump/pump.h"

namespace nextra::agent {

struct AgentServices {
  // The flow's gateway (from its `llm:` section); null: agents cannot be made (`no_gateway`
  // says why), so the flow does not start.
  std::shared_ptr<llm::Gateway> gateway;
  std::string no_gateway = "the flow has no llm: section";
  std::shared_ptr<Conversations> conversations;  // must be added to the pump as an observer
  // The model's text as it streams: execution id, agent, thread, a chunk of text.
  std::function<void(const std::string&, const std::string&, const std::string&, std::string_view)> on_text;
  // Asked before every model call; an error refuses it (the organization's monthly LLM spend).
  std::function<Status()> admit;
};

// Makes agent handlers for listeners of `spec` (which must outlive the factory's calls, not
// the handlers: everything needed is copied).
pump::HandlerFactory make_agent_handler_factory(std::shared_ptr<AgentServices> services, const flow::OrganismSpec* spec);

// The system prompt the model gets (exposed for tests and the docs).
std::string system_prompt(const std::string& agent, const flow::ListenerSpec& listener, const struct AgentConfig& config,
                          const std::vector<struct PeerTool>& peers);

}  // namespace nextra::agent
