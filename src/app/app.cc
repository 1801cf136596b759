#include "app/app.h"

#include <unistd.h>

#include <cstdio>
#include <system_error>

#include "api/accounts.h"
#include "api/flow_generate.h"
#include "api/routes.h"
#include "api/services.h"
#include "api/tiers.h"
#include "auth/passwords.h"
#include "auth/tokens.h"
#include "app/handler_kinds.h"
#include "host/host.h"
#include "net/http_client.h"
#include "http/health.h"
#include "process/process_runner.h"
#include "http/server.h"
#include "http/static_files.h"
#include "runtime/log_hub.h"
#include "runtime/runtime.h"
#include "runtime/scheduler.h"
#include "store/migrations.h"
#include "store/store.h"
#include "vault/master_key.h"
#include "vault/redactor.h"
#include "vault/secret_refs.h"
#include "vault/vault.h"
#include "wasm/wabt_sandbox.h"

namespace nextra::app {

struct App::Impl {
  AppOptions options;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<vault::Vault> vault;
  vault::Redactor redactor;
  runtime::LogHub logs{1000};
  std::shared_ptr<net::HttpClient> outbound;  // HTTP nodes and code blocks
  std::unique_ptr<runtime::Runtime> runtime;
  std::unique_ptr<runtime::Scheduler> scheduler;
  std::unique_ptr<api::ApiServices> services;
  std::unique_ptr<http::Server> server;
  std::string database_label;
  std::string master_key_source;
  bool master_key_created = false;
  bool admin_created = false;
  bool needs_setup = false;
};

App::App(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
App::~App() { stop(); }

Result<std::unique_ptr<App>> App::create(AppOptions options) {
  auto impl = std::make_unique<Impl>();
  std::error_code ec;
  // The data directory holds password hashes, sealed secrets and the master key: a new one
  // is private to its owner (an existing one keeps the mode its operator gave it).
  const bool created_dir = std::filesystem::create_directories(options.data_dir, ec);
  if (!ec && created_dir) std::filesystem::permissions(options.data_dir, std::filesystem::perms::owner_all, ec);
  if (ec) {
    return Error::make(ErrorCode::Unavailable,
                       "cannot create the data directory " + options.data_dir.string() + ": " + ec.message());
  }

  NEXTRA_ASSIGN_OR_RETURN(auto opened, host::open_store(options.data_dir, options.database_url));
  impl->store = std::move(opened.store);
  impl->database_label = std::move(opened.label);

  NEXTRA_ASSIGN_OR_RETURN(auto key, host::open_master_key(options.master_key, options.data_dir));
  impl->master_key_source = key.source;
  impl->master_key_created = key.created;
  impl->vault = std::make_unique<vault::Vault>(std::move(key.key));

  api::ApiConfig config;
  config.saas = options.saas;
  config.allow_signup = options.allow_signup;
  config.secure_cookies = options.secure_cookies;
  config.clerk_webhook_secret = options.clerk_webhook_secret;
  config.jwks_location = options.jwks;
  config.jwt.issuer = options.jwt_issuer;
  config.jwt.audience = options.jwt_audience;
  if (options.fast_password_hashing) config.password_params = {1, 8 * 1024 * 1024};
  impl->services = api::make_services(*impl->store, *impl->vault, impl->redactor, std::move(config));
  if (options.clock) impl->services->now_ms = options.clock;
  impl->services->config.modules_dir = options.data_dir / "modules";
  impl->services->wasm_sandbox = wasm::make_wabt_sandbox();
  impl->services->config.module_build = api::default_build_options(api::find_toolchain_root());

  // The runtime resolves ${secret:NAME} when a flow starts and teaches the redactor every
  // value it hands out, so no step payload, output or log line shows one.
  runtime::RuntimeOptions ro;
  ro.idle_timeout = options.idle_timeout;
  ro.execution_timeout = options.execution_timeout;
  ro.maintenance_interval = options.maintenance_interval;
  ro.retention_keep = options.retention_keep;
  ro.retention_age = options.retention_age;
  ro.now_ms = impl->services->now_ms;
  Impl* raw = impl.get();
  ro.resolve_secrets = host::secret_resolver(*impl->store, *impl->vault, impl->redactor);
  NEXTRA_ASSIGN_OR_RETURN(impl->outbound, make_outbound_client(options.outbound_allowlist));
  if (!options.llm_config_file.empty()) {
    // Its calls go through the same allowlisted client as the flows' gateways.
    NEXTRA_ASSIGN_OR_RETURN(impl->services->generator_llm,
                            api::make_generator_gateway(options.llm_config_file, impl->outbound, impl->store.get()));
  }
  ro.handler_kinds = make_handler_kinds(OutsideWorld{impl->store.get(), impl->outbound, options.data_dir / "modules"});
  if (options.saas) {
    ro.admit = [raw](const std::string& org_id, const std::string& month) {
      return api::check_execution_limit(*raw->store, org_id, month);
    };
  }
  if (options.driver == "process") {
    if (options.redis_url.empty()) {
      Error e = Error::invalid("--driver process needs --redis redis://HOST:PORT");
      e.field = "redis";
      return e;
    }
    process::ProcessDriverConfig pc;
    std::error_code self_ec;
    pc.binary = options.pump_binary;
    if (pc.binary.empty()) {
      // `nextra-pump` beside this binary (the same program on glibc's malloc, leaner for an
      // idle pump: src/cli/CMakeLists.txt), else this binary itself.
      const auto self = std::filesystem::read_symlink("/proc/self/exe", self_ec);
      const auto sibling = self.parent_path() / "nextra-pump";
      pc.binary = !self_ec && ::access(sibling.c_str(), X_OK) == 0 ? sibling.string() : self.string();
    }
    pc.redis_url = options.redis_url;
    pc.pump_args = {"--data-dir", std::filesystem::absolute(options.data_dir).string(), "--backend", options.pump_backend};
    if (!options.database_url.empty()) {
      pc.pump_args.push_back("--database");
      pc.pump_args.push_back(options.database_url);
    }
    pc.limits.memory_bytes = options.pump_memory_mb * 1024 * 1024;
    pc.limits.cpu_percent = options.pump_cpu_percent;
    ro.make_runner = process::make_process_runner_factory(std::move(pc));
  } else if (options.driver != "in-process") {
    Error e = Error::invalid("--driver must be in-process or process");
    e.field = "driver";
    return e;
  }
  ro.redact = [raw](std::string text) { return raw->redactor.empty() ? text : raw->redactor.redact(text); };
  impl->runtime = std::make_unique<runtime::Runtime>(*impl->store, impl->logs, std::move(ro));
  impl->services->runtime = impl->runtime.get();
  impl->services->logs = &impl->logs;

  // First start: an admin from the environment, or a one-time setup link.
  NEXTRA_ASSIGN_OR_RETURN(auto users, impl->store->count_users());
  if (users == 0) {
    if (!options.admin_email.empty() && !options.admin_password.empty()) {
      NEXTRA_ASSIGN_OR_RETURN(auto email, api::normalize_email(options.admin_email));
      NEXTRA_TRY(auth::check_password_policy(options.admin_password));
      NEXTRA_ASSIGN_OR_RETURN(auto hash, auth::hash_password(options.admin_password, impl->services->config.password_params));
      NEXTRA_TRY(api::create_account(*impl->services, {email, "Administrator", hash}));
      impl->admin_created = true;
    } else {
      impl->services->config.setup_token = auth::random_token(24);
      impl->needs_setup = true;
    }
  }
  impl->options = std::move(options);
  return std::unique_ptr<App>(new App(std::move(impl)));
}

Result<StartInfo> App::start() {
  auto& o = impl_->options;
  http::Router router;
  store::Store* store = impl_->store.get();
  http::add_health_routes(router, [store] {
    auto v = store->schema_version();
    if (!v.ok()) return http::Readiness{false, {{"database", "unreachable"}, {"error", v.error().message}}};
    // Another instance may have rolled the schema back, or a newer one may be mid-migration.
    const std::int64_t expected = store::migrations().back().version;
    if (*v != expected) {
      return http::Readiness{false, {{"database", "migrations not applied"}, {"schemaVersion", *v}, {"expected", expected}}};
    }
    return http::Readiness{true, {{"database", "ok"}, {"schemaVersion", *v}}};
  });
  api::add_api_routes(router, *impl_->services);
  if (!o.web_dir.empty() && std::filesystem::is_directory(o.web_dir)) {
    http::StaticOptions so;
    so.root = o.web_dir;
    so.excluded_prefixes = {"/api/", "/webhooks/"};
    NEXTRA_ASSIGN_OR_RETURN(auto handler, http::make_static_handler(so));
    router.set_fallback(std::move(handler));
  }

  http::ServerOptions so;
  so.listen_address = o.listen_address;
  so.port = o.port;
  so.threads = o.threads;
  so.max_body_bytes = o.max_body_bytes;
  so.body_limits_by_prefix = {{"/api/modules", o.max_module_body_bytes}};
  impl_->server = std::make_unique<http::Server>(so, std::move(router));
  NEXTRA_ASSIGN_OR_RETURN(auto port, impl_->server->start());

  // Triggers accepted before a restart are still queued (or were running): run them now.
  auto resumed = impl_->runtime->resume_open();
  if (!resumed.ok()) std::fprintf(stderr, "nextra: could not resume open executions: %s\n", resumed.error().message.c_str());
  if (o.run_scheduler) {
    runtime::SchedulerOptions sched;
    sched.now_ms = impl_->services->now_ms;
    impl_->scheduler = std::make_unique<runtime::Scheduler>(*impl_->store, *impl_->runtime, sched);
    impl_->scheduler->start();
  }

  StartInfo info;
  info.port = port;
  std::string host = o.listen_address == "0.0.0.0" || o.listen_address == "::" ? "127.0.0.1" : o.listen_address;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  info.url = "http://" + host + ":" + std::to_string(port);
  info.database = impl_->database_label;
  info.master_key_source = impl_->master_key_source;
  info.master_key_created = impl_->master_key_created;
  info.admin_created = impl_->admin_created;
  if (impl_->needs_setup) info.setup_url = info.url + "/setup?token=" + impl_->services->config.setup_token;
  return info;
}

void App::stop() {
  if (!impl_) return;
  if (impl_->server) impl_->server->stop();  // no new requests; in-flight ones finish
  if (impl_->scheduler) impl_->scheduler->stop();
  if (impl_->runtime) impl_->runtime->shutdown();
}

runtime::Runtime* App::runtime() { return impl_ ? impl_->runtime.get() : nullptr; }
runtime::Scheduler* App::scheduler() { return impl_ ? impl_->scheduler.get() : nullptr; }

}  // namespace nextra::app
