#include "wasm/handler.h"

#include <cstdint>
#include <map>

#include <nlohmann/json.hpp>

#include "runtime/payload_json.h"
#include "wasm/listener_config.h"
#include "xml/payload_codec.h"

namespace nextra::wasm {
namespace {

Error with_prefix(const std::string& prefix, Error e) {
  e.message = prefix + e.message;
  return e;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s.empty() ? "none" : s;
}

class WasmHandler final : public pump::Handler {
 public:
  struct Setup {
    ListenerConfig config;
    std::shared_ptr<const Sandbox> sandbox;
    std::shared_ptr<const CompiledModule> module;
    std::shared_ptr<HostServices> host;
    std::shared_ptr<InstanceCache> cache;
    const schema::Schema* schema = nullptr;
    std::string listener;
    std::vector<std::string> peers;
    std::map<std::string, const schema::PayloadClass*> peer_classes;
    const schema::PayloadClass* respond_class = nullptr;
  };

  explicit WasmHandler(Setup s) : s_(std::move(s)) {
    // Unique per handler: two listeners (or two pumps) never share an instance.
    key_ = s_.config.module + "@" + s_.listener + "#" + std::to_string(reinterpret_cast<std::uintptr_t>(this));
  }

  bool is_async() const override { return true; }

  // The module runs on the pump's worker, bounded by its own fuel and timeout; being async
  // lets the pump also apply the listener's timeout_seconds and concurrency gates.
  void handle_async(const pump::HandlerContext& ctx, std::function<void(pump::HandlerOutcome)> done) override {
    done(handle(ctx));
  }

  pump::HandlerOutcome handle(const pump::HandlerContext& ctx) override {
    pump::HandlerOutcome outcome;
    const std::string prefix = "wasm module '" + s_.config.module + "': ";
    auto out = call(ctx, runtime::payload_to_json(*ctx.message.payload).dump());
    if (!out.ok()) {
      outcome.error = with_prefix(prefix, out.take_error());
      return outcome;
    }
    auto emission = to_emission(out->json);
    if (!emission.ok()) {
      outcome.error = with_prefix(prefix, emission.take_error());
      return outcome;
    }
    outcome.emissions.push_back(std::move(emission).value());
    return outcome;
  }

 private:
  Result<CallOutput> call(const pump::HandlerContext& ctx, const std::string& input) {
    const auto body = [&](Instance& inst) { return inst.call_json(s_.config.function, input, s_.config.limits, *s_.host); };
    const auto make = [&] { return s_.sandbox->instantiate(s_.module, *s_.host); };
    if (!s_.cache) {
      NEXTRA_ASSIGN_OR_RETURN(auto inst, make());
      return body(*inst);
    }
    return s_.cache->call(key_, ctx.message.thread, ctx.message.execution, make, body);
  }

  Result<pump::Emission> to_emission(const std::string& text) const {
    auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded() || !json.is_object()) return Error::invalid("the output is not a JSON object");
    pump::Emission e;
    const schema::PayloadClass* cls = nullptr;
    if (auto to = json.find("_to"); to != json.end()) {
      if (!to->is_string()) return Error::invalid("_to must be a string");
      e.to = to->get<std::string>();
      json.erase("_to");
      auto it = s_.peer_classes.find(e.to);
      if (it == s_.peer_classes.end()) {
        return Error::make(ErrorCode::PermissionDenied, "_to names '" + e.to + "', which is not a peer of '" + s_.listener +
                                                            "' (peers: " + join(s_.peers) + ")");
      }
      cls = it->second;
    } else if (s_.peers.size() == 1) {
      e.to = s_.peers.front();
      cls = s_.peer_classes.at(e.to);
    } else if (s_.peers.empty()) {
      e.respond = true;
      cls = s_.respond_class;
    } else {
      return Error::invalid("the output names no target: set _to to one of " + join(s_.peers));
    }
    NEXTRA_ASSIGN_OR_RETURN(auto xml, runtime::json_to_payload_xml(*cls, json));
    NEXTRA_ASSIGN_OR_RETURN(e.payload, xml::parse_payload(xml, *s_.schema));
    return e;
  }

  Setup s_;
  std::string key_;
};

Result<std::unique_ptr<pump::Handler>> make_handler(const HandlerOptions& o, const flow::ListenerSpec& ls,
                                                    const schema::Schema& schema) {
  if (!o.sandbox || !o.modules || !o.spec) return Error::make(ErrorCode::Internal, "the wasm handler kind is not configured");
  auto section = ls.sections.find("wasm");
  if (section == ls.sections.end()) return Error::invalid("handler 'wasm' needs a `wasm:` section naming the module");
  WasmHandler::Setup s;
  NEXTRA_ASSIGN_OR_RETURN(s.config, parse_listener_config(section->second, o.defaults));
  auto bytes = o.modules(s.config.module);
  if (!bytes.ok()) return with_prefix("wasm module '" + s.config.module + "': ", bytes.take_error());
  const auto& sandbox = s.config.tier == "aot" && o.aot_sandbox ? o.aot_sandbox : o.sandbox;
  auto module = sandbox->compile(*bytes, s.config.limits);
  if (!module.ok()) return with_prefix("wasm module '" + s.config.module + "': ", module.take_error());
  s.module = std::move(module).value();
  s.sandbox = sandbox;
  s.cache = o.cache;
  s.host = o.host_for ? o.host_for(s.config.module, ls.name) : nullptr;
  if (!s.host) s.host = std::make_shared<NoHostServices>();
  s.schema = &schema;
  s.listener = ls.name;
  s.peers = ls.peers;
  for (const auto& p : ls.peers) {
    const auto* peer = o.spec->find_listener(p);
    const auto* cls = peer ? schema.find(peer->payload_class) : nullptr;
    if (!cls) return Error::invalid("peer '" + p + "' is not a listener of this flow");
    s.peer_classes[p] = cls;
  }
  const std::string respond = s.config.respond_with.empty() ? ls.payload_class : s.config.respond_with;
  s.respond_class = schema.find(respond);
  if (!s.respond_class) return Error::invalid("wasm.respond_with: unknown payload class '" + respond + "'");
  return std::unique_ptr<pump::Handler>(std::make_unique<WasmHandler>(std::move(s)));
}

}  // namespace

pump::HandlerFactory make_handler_factory(HandlerOptions options) {
  return [o = std::move(options)](const flow::ListenerSpec& ls, const schema::Schema& schema) {
    return make_handler(o, ls, schema);
  };
}

}  // namespace nextra::wasm
