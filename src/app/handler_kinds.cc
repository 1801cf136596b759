#include "app/handler_kinds.h"

#include <cstdlib>

#include "host/module_files.h"
#include "net/http_client.h"
#include "net/http_handler.h"
#include "wasm/aot_sandbox.h"
#include "wasm/handler.h"
#include "wasm/wabt_sandbox.h"

namespace nextra::app {
namespace {

// What a code block may reach: HTTP through the same SSRF-safe client as the HTTP node.
// Its log lines are dropped for now (they are bounded by the sandbox), and project memory is
// not enabled until flows can opt into it.
class WasmHost final : public wasm::HostServices {
 public:
  explicit WasmHost(std::shared_ptr<net::HttpClient> http) : http_(std::move(http)) {}
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
  wasm::KvStore* kv() override { return nullptr; }

 private:
  std::shared_ptr<net::HttpClient> http_;
};

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
    wasm::HandlerOptions wo;
    wo.sandbox = sandbox;
    wo.aot_sandbox = aot;
    wo.spec = ctx.spec;
    wo.cache = std::make_shared<wasm::InstanceCache>();
    if (ctx.observers) ctx.observers->push_back(wo.cache);
    wo.host_for = [host](const std::string&, const std::string&) { return host; };
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
