#include "process/channels.h"

#include "redis/redis_backend.h"

namespace nextra::process {

FlowChannels flow_channels(const std::string& org_id, const std::string& flow_id) {
  const std::string p = redis::flow_prefix(org_id, flow_id);
  return FlowChannels{p + "triggers", p + "events", p + "log", p + "control"};
}

}  // namespace nextra::process
