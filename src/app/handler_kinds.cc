#include "app/handler_kinds.h"

#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "agent/agent_handler.h"
#include "api/llm_usage.h"
#include "host/module_files.h"
#include "llm/config.h"
#include "llm/gateway.h"
#include "memory/keyvalue_tool.h"
#include "memory/project_memory.h"
#include "net/fetch_tool.h"
#include "net/http_client.h"
#include "net/http_handler.h"
#include "wasm/aot_sandbox.h"
#include "wasm/handler.h"
#include "wasm/wabt_sandbox.h"

namespace nextra::app {
namespace {

// What a code block may reach: HTTP through the same SSRF-safe client as the HTTP node, and
// the flow's project memory under the module's own prefix when the flow enables it. Its log
// lines are dropped for now (they are bounded by the sandbox).
class WasmHost final : public wasm::HostServices {
 public:
  explicit WasmHost(std::shared_ptr<net::HttpClient> http, std::unique_ptr<wasm::KvStore> kv = nullptr)
      : http_(std::move(http)), kv_(std::move(kv)) {}
  void log(std::string_view) override {}
  Result<wasm::HttpResponse> http_fetch(const wasm::HttpRequest& request,
                                        std::chrono::steady_clock::time_point deadline) override {
    net::HttpRequest r;
    r.method = request.method;
    r.url = request.url;
    r.headers = request.headers;
    r.body = request.body;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Error::make(ErrorCode::DeadlineExceeded, "the call's time is up");
    r.timeout = left;
    r.max_response_bytes = 1024 * 1024;
    NEXTRA_ASSIGN_OR_RETURN(auto got, http_->send(r));
    return wasm::HttpResponse{got.status, std::move(got.headers), std::move(got.body)};
  }
  wasm::KvStore* kv() override { return kv_.get(); }

 private:
  std::shared_ptr<net::HttpClient> http_;
  std::unique_ptr<wasm::KvStore> kv_;
};

// The flow's LLM gateway from its `llm:` section (secrets already resolved by the runtime),
// shared by its agents; none without the section, so an agent then fails with a clear message.
std::shared_ptr<agent::AgentServices> agent_services(const runtime::FlowContext& ctx, const OutsideWorld& world) {
  auto services = std::make_shared<agent::AgentServices>();
  services->conversations = std::make_shared<agent::Conversations>();
  if (ctx.observers) ctx.observers->push_back(services->conversations);
  if (ctx.publish) {
    services->on_text = [publish = ctx.publish](const std::string& execution_id, const std::string& agent,
                                                const std::string& thread, std::string_view text) {
      publish(execution_id, "token",
              nlohmann::json{{"executionId", execution_id}, {"listener", agent}, {"thread", thread}, {"text", text}}.dump());
    };
  }
  if (!ctx.spec) return services;
  auto section = ctx.spec->sections.find("llm");
  if (section == ctx.spec->sections.end()) return services;
  auto config = llm::parse_llm_config(section->second);
  if (!config.ok()) {
    services->no_gateway = "the flow's llm: section is invalid: " + config.error().message;
    return services;
  }
  llm::GatewayOptions o;
  o.config = std::move(config).value();
  o.workers = o.config.max_in_flight;
  o.http = world.http;
  o.prices = llm::builtin_prices();
  o.max_tokens_per_thread = ctx.spec->max_tokens_per_thread;
  // 75, 90 and 95 % of an execution's token budget show in its event stream and the flow's logs.
  if (ctx.publish) {
    o.on_budget_warning = [publish = ctx.publish](const llm::BudgetWarning& w) {
      publish(w.thread_id, "llm.budget",
              nlohmann::json{{"executionId", w.thread_id}, {"percent", w.percent}, {"used", w.used}, {"max", w.max}}
                  .dump());
    };
  }
  // Every call is accounted to the flow's organization, which may cap its monthly spend.
  if (world.store) {
    o.usage_sink = std::make_shared<api::StoreUsageSink>(
        world.store, ctx.org_id, ctx.flow_id, [flow = ctx.flow_id](const Error& e) {
          std::fprintf(stderr, "nextra: flow %s: an LLM call's usage was not recorded: %s\n", flow.c_str(),
                       e.message.c_str());
        });
    services->admit = api::spend_cap_check(world.store, ctx.org_id);
  }
  auto gateway = llm::Gateway::create(std::move(o));
  if (!gateway.ok()) {
    services->no_gateway = "the flow's LLM gateway cannot start: " + gateway.error().message;
    return services;
  }
  services->gateway = std::shared_ptr<llm::Gateway>(std::move(gateway).value());
  services->conversations->on_execution_end([g = std::weak_ptr<llm::Gateway>(services->gateway)](const std::string& id) {
    if (auto gw = g.lock()) gw->forget_thread(id);
  });
  return services;
}

}  // namespace

std::vector<std::string> outbound_allowlist_from_env() {
  std::vector<std::string> out;
  const char* v = std::getenv("NEXTRA_OUTBOUND_ALLOWLIST");
  for (std::string rest = v ? v : ""; !rest.empty();) {
    auto comma = rest.find(',');
    std::string entry = rest.substr(0, comma);
    rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
    entry.erase(0, entry.find_first_not_of(' '));
    entry.erase(entry.find_last_not_of(' ') + 1);
    if (!entry.empty()) out.push_back(entry);
  }
  return out;
}

Result<std::shared_ptr<net::HttpClient>> make_outbound_client(const std::vector<std::string>& allowlist) {
  net::HttpClientOptions o;
  NEXTRA_ASSIGN_OR_RETURN(o.allowlist, net::Allowlist::parse(allowlist));
  NEXTRA_ASSIGN_OR_RETURN(auto client, net::HttpClient::create(std::move(o)));
  return std::shared_ptr<net::HttpClient>(std::move(client));
}

runtime::HandlerKinds make_handler_kinds(OutsideWorld world) {
  auto sandbox = wasm::make_wabt_sandbox();
  // The ahead-of-time tier for listeners that ask for it (`tier: aot`), when a C compiler
  // and wasm2c's runtime are installed; compiled modules are cached beside the modules.
  std::shared_ptr<const wasm::Sandbox> aot;
  if (!world.modules_dir.empty()) {
    wasm::AotOptions ao;
    ao.cache_dir = world.modules_dir / "aot";
    if (wasm::aot_available(ao)) aot = wasm::make_aot_sandbox(ao);
  }
  auto host = std::make_shared<WasmHost>(world.http);
  auto http_factory = net::make_http_handler_factory(world.http);
  return [world, sandbox, aot, host, http_factory](const runtime::FlowContext& ctx) {
    std::map<std::string, pump::HandlerFactory> kinds;
    kinds["http"] = http_factory;
    kinds["tool:fetch"] = net::make_fetch_tool_factory(world.http);
    auto flow_memory = memory::make_flow_memory(world.store, ctx.org_id, ctx.flow_id, ctx.spec);
    kinds["tool:keyvalue"] = memory::make_keyvalue_tool_factory(flow_memory);
    kinds["llm"] = agent::make_agent_handler_factory(agent_services(ctx, world), ctx.spec);
    wasm::HandlerOptions wo;
    wo.sandbox = sandbox;
    wo.aot_sandbox = aot;
    wo.spec = ctx.spec;
    wo.cache = std::make_shared<wasm::InstanceCache>();
    if (ctx.observers) ctx.observers->push_back(wo.cache);
    wo.host_for = [host, http = world.http, flow_memory](const std::string& module,
                                                         const std::string&) -> std::shared_ptr<wasm::HostServices> {
      if (!flow_memory) return host;
      return std::make_shared<WasmHost>(http, memory::make_module_kv(flow_memory, module));
    };
    // A listener's `module:` is the id or name (newest version) of one of the flow's
    // organization's modules: another organization's module is simply not found.
    wo.modules = [store = world.store, dir = world.modules_dir, org = ctx.org_id](
                     const std::string& module) -> Result<std::string> {
      if (!store || dir.empty()) return Error::make(ErrorCode::NotFound, "module '" + module + "' does not exist");
      auto found = store->find_module(org, module);
      if (!found.ok()) {
        if (found.error().code == ErrorCode::NotFound) {
          return Error::make(ErrorCode::NotFound, "module '" + module + "' does not exist");
        }
        return found.take_error();
      }
      return host::ModuleFiles(dir).read(found->content_path, wasm::Limits{}.module_bytes);
    };
    kinds["wasm"] = wasm::make_handler_factory(std::move(wo));
    return kinds;
  };
}

}  // namespace nextra::app
