#pragma once
// The Redis names one flow's process pump uses, all under the flow's tenant prefix
// (tenant:{org}:flow:{flow}:), so no pump touches another flow's keys.

#include <string>

namespace nextra::process {

struct FlowChannels {
  std::string triggers;  // stream: one entry per execution to run, consumer group "pumps"
  std::string events;    // pub/sub channel: the pump's log events, as JSON lines
  std::string log;       // capped stream: the same lines, for replay
  std::string control;   // pub/sub channel: "cancel <execution id>"
};

FlowChannels flow_channels(const std::string& org_id, const std::string& flow_id);

inline constexpr const char* kPumpGroup = "pumps";
// The line a pump process prints on stdout once it consumes its stream.
inline constexpr const char* kReadyLine = "nextra-pump-ready";

}  // namespace nextra::process
