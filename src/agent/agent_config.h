#pragma once
// What an agent listener (`handler: llm`) is told to do, read from its YAML. The library's
// listener keys `prompt`, `model`, `temperature` and `max_tokens` work as written for
// xml-pipeline; our own settings live in the listener's `llm:` mapping:
//
//   - name: researcher
//     handler: llm
//     agent: true
//     prompt: You research questions.
//     peers: [fetcher, answer]
//     llm:
//       model: gpt-4o-mini        # or the top-level `model:`; default: the flow's default_model
//       temperature: 0.2
//       max_tokens: 1024
//       mode: tools               # tools (function calling) | xml (models without tools)
//       respond: Answer           # a final text answer goes back to the caller as this class
//       max_tool_errors: 3        # bad tool calls the model may correct before the step fails
//       max_turns: 25             # model calls per thread

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "flow/organism.h"
#include "schema/types.h"

namespace nextra::agent {

enum class AgentMode { Tools, Xml };

struct AgentConfig {
  std::string prompt;
  std::string model;  // empty: the `llm:` section's default_model
  std::optional<double> temperature;
  std::optional<int> max_tokens;
  AgentMode mode = AgentMode::Tools;
  const schema::PayloadClass* respond = nullptr;
  int max_tool_errors = 3;
  int max_turns = 25;
};

// A peer as the model sees it: a tool (function) or, in XML mode, a message target.
struct PeerTool {
  std::string listener;   // the peer's listener name
  std::string tool_name;  // [A-Za-z0-9_-]{1,64}, unique within the agent
  std::string description;
  const schema::PayloadClass* cls = nullptr;
  bool is_output = false;  // an `output` listener: calling it ends the execution
};

// InvalidArgument naming the field ("llm.mode") with line and column.
Result<AgentConfig> parse_agent_config(const flow::ListenerSpec& listener, const schema::Schema& schema);

// The agent's peers that exist in `spec`, with tool names made safe for every provider.
std::vector<PeerTool> peer_tools(const flow::ListenerSpec& listener, const flow::OrganismSpec& spec,
                                 const schema::Schema& schema);

}  // namespace nextra::agent
