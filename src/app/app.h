#pragma once
// The composition root of `nextra serve` (style.md: the only code that names concrete
// adapters). It opens the store (SQLite in the data directory, or PostgreSQL), loads the
// master key, builds the API's services and routes, serves the web UI, and runs the HTTP
// server. Tests build an App in-process on an ephemeral port with a temporary data directory.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace nextra::runtime {
class Runtime;
class Scheduler;
}  // namespace nextra::runtime

namespace nextra::app {

struct AppOptions {
  std::string listen_address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 = ephemeral
  std::filesystem::path data_dir = "nextra-data";
  // Empty: SQLite at data_dir/nextra.db. Otherwise postgres://... or postgresql://...
  std::string database_url;
  bool saas = false;
  bool allow_signup = true;
  bool secure_cookies = false;
  int threads = 0;  // io threads; 0 = one per core
  std::size_t max_body_bytes = 2 * 1024 * 1024;
  // /api/modules: room for a 4 MiB WASM module sent as base64 JSON.
  std::size_t max_module_body_bytes = 8 * 1024 * 1024;
  // The built web UI; empty or missing = API only.
  std::filesystem::path web_dir;

  // From the environment (the CLI reads it; tests set these directly).
  std::string master_key;      // NEXTRA_MASTER_KEY; empty = data_dir/master.key (0600)
  std::string admin_email;     // NEXTRA_ADMIN_EMAIL
  std::string admin_password;  // NEXTRA_ADMIN_PASSWORD
  std::string clerk_webhook_secret;  // NEXTRA_CLERK_WEBHOOK_SECRET
  std::string jwks;            // NEXTRA_JWKS: a file or URL
  std::string jwt_issuer;      // NEXTRA_JWT_ISSUER
  std::string jwt_audience;    // NEXTRA_JWT_AUDIENCE

  // The runtime: pumps idle this long stop (scale-to-zero); each execution's deadline.
  std::chrono::milliseconds idle_timeout{15 * 60 * 1000};
  std::chrono::milliseconds execution_timeout{5 * 60 * 1000};
  bool run_scheduler = true;  // fire schedule triggers from this instance
  // How often idle flows are stopped and old executions pruned.
  std::chrono::milliseconds maintenance_interval{30 * 1000};
  // Retention: a flow keeps its newest retention_keep finished executions and none older
  // than retention_age (runtime::RuntimeOptions).
  std::int64_t retention_keep = 1000;
  std::chrono::hours retention_age{24 * 30};

  // The driver that runs flows: "in-process" (default; a pump per flow inside this process)
  // or "process" (a `nextra pump` child per flow, delivering through Redis at redis_url).
  std::string driver = "in-process";
  std::string redis_url;
  std::string pump_binary;          // the executable for pumps; empty = nextra-pump beside this one, else this one
  std::size_t pump_memory_mb = 1024;  // per pump process (RLIMIT_AS)
  int pump_cpu_percent = 0;           // of one core per pump process; 0 = no cap
  std::string pump_backend = "memory";  // where pumps keep context buffers: memory | redis

  // Private hosts, addresses or CIDR ranges that HTTP nodes and code blocks may reach
  // (NEXTRA_OUTBOUND_ALLOWLIST, comma-separated); everything private is blocked otherwise.
  std::vector<std::string> outbound_allowlist;

  // English → flow (POST /api/flows/generate): a YAML file with an `llm:` section in the flow
  // format (`--llm-config`, else NEXTRA_LLM_CONFIG). Empty = that route answers 503.
  std::filesystem::path llm_config_file;

  // Tests use cheap argon2id parameters; production keeps the defaults.
  bool fast_password_hashing = false;
  // Wall clock in milliseconds since the epoch; empty = the system clock. Tests move it to
  // expire sessions and invitations.
  std::function<std::int64_t()> clock;
};

// What start() learned, for the banner.
struct StartInfo {
  std::uint16_t port = 0;
  std::string url;               // http://127.0.0.1:8080
  std::string database;          // "sqlite:/path" or "postgres://host/db" (no password)
  std::string master_key_source;
  bool master_key_created = false;
  bool admin_created = false;    // from NEXTRA_ADMIN_EMAIL / NEXTRA_ADMIN_PASSWORD
  std::string setup_url;         // one-time link when the instance has no users yet
};

class App {
 public:
  // Opens everything; nothing listens yet. Errors: the data directory, database, master key
  // or admin account could not be set up (the message says which and why).
  static Result<std::unique_ptr<App>> create(AppOptions options);
  ~App();

  Result<StartInfo> start();
  // Graceful: in-flight requests finish, then pumps drain. Idempotent.
  void stop();

  // For tests: the runtime and the scheduler (null before start()).
  runtime::Runtime* runtime();
  runtime::Scheduler* scheduler();

 private:
  struct Impl;
  explicit App(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nextra::app
