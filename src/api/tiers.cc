#include "api/tiers.h"

#include "http/error_mapping.h"

namespace nextra::api {

TierLimits limits_for_plan(const std::string& plan) {
  if (plan == "free") return {1};
  if (plan == "paid") return {10};
  return {std::nullopt};  // pro, enterprise
}

std::optional<http::Response> check_flow_limit(ApiServices& s, const store::Organization& org) {
  if (!s.config.saas) return std::nullopt;
  auto limit = limits_for_plan(org.plan).flows;
  if (!limit) return std::nullopt;
  auto count = s.store->count_flows(org.id);
  if (!count.ok()) return http::from_error(count.error());
  if (*count < *limit) return std::nullopt;
  return http::Response::error(
      402, "tier_limit",
      "the " + org.plan + " plan allows " + std::to_string(*limit) + (*limit == 1 ? " flow" : " flows") +
          "; upgrade the plan or delete a flow",
      {{"limit", *limit}, {"current", *count}, {"plan", org.plan}, {"resource", "flows"}});
}

}  // namespace nextra::api
