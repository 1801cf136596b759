#pragma once
// What the REST routes need from the rest of the system, handed in by the composition root
// (src/app). The routes name only interfaces and plain values here, never a concrete store,
// so the same routes run on SQLite, on PostgreSQL and in tests.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "api/json_views.h"
#include "api/module_build.h"
#include "auth/jwt.h"
#include "auth/passwords.h"
#include "auth/rate_limiter.h"
#include "core/ttl_cache.h"
#include "store/store.h"
#include "runtime/log_hub.h"
#include "runtime/runtime.h"
#include "vault/redactor.h"
#include "vault/vault.h"
#include "wasm/sandbox.h"

namespace nextra::llm {
class Gateway;
}  // namespace nextra::llm

namespace nextra::api {

struct ApiConfig {
  // SaaS mode enforces the tiers' limits (decisions.md §5); self-hosted (the default) gives
  // every organization the enterprise limits, and new organizations the enterprise plan.
  bool saas = false;
  bool allow_signup = true;
  // Adds `Secure` to the session cookie; on when the instance is served over HTTPS.
  bool secure_cookies = false;
  std::chrono::hours session_ttl{24 * 7};
  std::chrono::hours invitation_ttl{24 * 7};
  auth::PasswordParams password_params;
  // Login attempts: failures per account and per remote address within the window.
  int login_failures_per_account = 5;
  int login_failures_per_address = 20;
  std::chrono::minutes login_window{15};
  // Clerk: the Svix signing secret ("whsec_..."); empty = /webhooks/clerk answers 404.
  std::string clerk_webhook_secret;
  // Clerk/OIDC bearer tokens: a JWKS file or URL; empty = bearer JWTs are refused.
  std::string jwks_location;
  auth::JwtExpectations jwt;
  // One-time first-start token for POST /api/setup; empty when the instance has users.
  std::string setup_token;
  // Triggers: bodies above this are 413; ?wait=true waits at most this long.
  std::size_t max_trigger_body_bytes = 1024 * 1024;
  std::chrono::milliseconds max_wait{120 * 1000};
  std::chrono::milliseconds default_wait{30 * 1000};
  std::int64_t webhook_signature_tolerance_s = 300;
  // WASM modules (issue #7): where their bytes are kept (shared with the pump processes);
  // empty = uploads answer 503.
  std::filesystem::path modules_dir;
  // AssemblyScript builds (POST /api/modules/build); asc missing = 503.
  BuildOptions module_build;
};

// Long-lived, thread-safe parts shared by every request.
struct ApiServices {
  store::Store* store = nullptr;
  runtime::Runtime* runtime = nullptr;  // flows, triggers, executions (issue #4)
  runtime::LogHub* logs = nullptr;
  const vault::Vault* vault = nullptr;
  vault::Redactor* redactor = nullptr;  // secrets written through the API are added here
  ApiConfig config;
  std::unique_ptr<auth::RateLimiter> login_by_account;
  std::unique_ptr<auth::RateLimiter> login_by_address;
  std::unique_ptr<auth::JwksCache> jwks;  // set when config.jwks_location is
  // Checks uploads and runs the editor's test calls; null = module routes answer 503.
  std::shared_ptr<const wasm::Sandbox> wasm_sandbox;
  // The clock, replaceable in tests (milliseconds since the Unix epoch).
  std::function<std::int64_t()> now_ms;

  // Webhook triggers by "flow_id/token_hash": a webhook costs no lookup transaction while its
  // trigger is hot. Cleared by every trigger or flow write through this server; the 1 s
  // limit bounds how long another server's change (on a shared database) goes unseen.
  // Shared and with its target already read from the config JSON: nothing parsed or copied
  // per call.
  struct HotWebhook {
    store::Trigger trigger;
    std::string target;  // config.target
  };
  TtlCache<std::string, std::shared_ptr<const HotWebhook>> webhook_triggers{std::chrono::seconds(1)};

  // The setup token is consumed by the first successful POST /api/setup.
  std::mutex setup_mu;

  // English → flow (POST /api/flows/generate): the server's own gateway, from
  // `nextra serve --llm-config` / NEXTRA_LLM_CONFIG; null = that route answers 503.
  // Declared last, so it is destroyed first: its workers are joined (queued calls answered
  // Cancelled) while everything a generation's callbacks use still exists.
  std::shared_ptr<llm::Gateway> generator_llm;
};

// The runtime's status of a flow for the Flow/FlowSummary shapes ("stopped" without a runtime).
FlowRun flow_run(ApiServices& s, const std::string& org_id, const std::string& flow_id);

// Builds the services' own parts (rate limiters, JWKS cache, clock) from `config`.
std::unique_ptr<ApiServices> make_services(store::Store& store, const vault::Vault& vault,
                                           vault::Redactor& redactor, ApiConfig config);

}  // namespace nextra::api
