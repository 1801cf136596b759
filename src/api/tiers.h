#pragma once
// The tiers' limits (decisions.md §5, the seeds' limits table). Enforced only when the
// instance runs as a SaaS; a self-hosted instance never meets them. Later issues add their
// rows (executions per month, WASM modules, project memory, members) here.

#include <cstdint>
#include <optional>
#include <string>

#include "api/services.h"
#include "http/request.h"

namespace nextra::api {

struct TierLimits {
  std::optional<std::int64_t> flows;                 // nullopt = unlimited
  std::optional<std::int64_t> executions_per_month;  // nullopt = unlimited
  std::optional<std::int64_t> wasm_modules;          // nullopt = unlimited
};
TierLimits limits_for_plan(const std::string& plan);

// ResourceExhausted (field "executions") when the organization has used its plan's
// executions this month; for the runtime's admission hook (SaaS mode only).
Status check_execution_limit(store::Store& store, const std::string& org_id, const std::string& month);

// 402 tier_limit when the organization may not create another flow; nullopt when it may.
// A quick answer before the work of a create; the store's insert checks the limit again
// atomically (CreateFlowRequest::max_flows), which is what concurrent creates meet.
std::optional<http::Response> check_flow_limit(ApiServices& s, const store::Organization& org);

// The 402 tier_limit answer: `resource` "flows" or "modules", `one` its singular.
http::Response tier_limit_response(const store::Organization& org, const std::string& resource, const std::string& one,
                                   std::int64_t limit, std::int64_t current);

}  // namespace nextra::api
