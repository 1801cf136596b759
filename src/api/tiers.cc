#include "api/tiers.h"

#include "http/error_mapping.h"

namespace nextra::api {

TierLimits limits_for_plan(const std::string& plan) {
  // Modules: none on free and paid, 10 on pro (the seeds' limits table).
  if (plan == "free") return {1, 1'000, 0};
  if (plan == "paid") return {10, 10'000, 0};
  if (plan == "pro") return {std::nullopt, 100'000, 10};
  return {std::nullopt, std::nullopt, std::nullopt};  // enterprise
}

Status check_execution_limit(store::Store& store, const std::string& org_id, const std::string& month) {
  NEXTRA_ASSIGN_OR_RETURN(auto org, store.get_organization(org_id));
  auto limit = limits_for_plan(org.plan).executions_per_month;
  if (!limit) return {};
  NEXTRA_ASSIGN_OR_RETURN(auto used, store.executions_in_month(org_id, month));
  if (used < *limit) return {};
  Error e = Error::make(ErrorCode::ResourceExhausted, "the " + org.plan + " plan allows " + std::to_string(*limit) +
                                                          " executions a month; this month's are used up");
  e.field = "executions";
  return e;
}

std::optional<http::Response> check_flow_limit(ApiServices& s, const store::Organization& org) {
  if (!s.config.saas) return std::nullopt;
  auto limit = limits_for_plan(org.plan).flows;
  if (!limit) return std::nullopt;
  auto count = s.store->count_flows(org.id);
  if (!count.ok()) return http::from_error(count.error());
  if (*count < *limit) return std::nullopt;
  return tier_limit_response(org, "flows", "flow", *limit, *count);
}

http::Response tier_limit_response(const store::Organization& org, const std::string& resource, const std::string& one,
                                   std::int64_t limit, std::int64_t current) {
  return http::Response::error(402, "tier_limit",
                               "the " + org.plan + " plan allows " + std::to_string(limit) + " " +
                                   (limit == 1 ? one : resource) + "; upgrade the plan or delete a " + one,
                               {{"limit", limit}, {"current", current}, {"plan", org.plan}, {"resource", resource}});
}

}  // namespace nextra::api
