#include "api/services.h"

#include <chrono>

namespace nextra::api {

FlowRun flow_run(ApiServices& s, const std::string& org_id, const std::string& flow_id) {
  FlowRun run;
  if (!s.runtime) return run;
  auto st = s.runtime->peek(org_id, flow_id);
  run.status = runtime::flow_state_name(st.state);
  run.error = st.error;
  return run;
}

std::unique_ptr<ApiServices> make_services(store::Store& store, const vault::Vault& vault,
                                           vault::Redactor& redactor, ApiConfig config) {
  auto s = std::make_unique<ApiServices>();
  s->store = &store;
  s->vault = &vault;
  s->redactor = &redactor;
  s->login_by_account = std::make_unique<auth::RateLimiter>(config.login_failures_per_account, config.login_window);
  s->login_by_address = std::make_unique<auth::RateLimiter>(config.login_failures_per_address, config.login_window);
  if (!config.jwks_location.empty()) s->jwks = std::make_unique<auth::JwksCache>(config.jwks_location);
  s->config = std::move(config);
  s->now_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  return s;
}

}  // namespace nextra::api
