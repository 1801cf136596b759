// Builds the listener table and each listener's handler from the organism spec. This is
// also where the engine checks what the YAML loader cannot: templates, branch rules, where a
// transform sends its result, and the peer tables' ceilings.

#include <algorithm>

#include "handlers/branch.h"
#include "handlers/calculate.h"
#include "handlers/convert.h"
#include "handlers/transform.h"
#include "pump/pump_impl.h"

namespace nextra::pump {
namespace {

using flow::Diagnostic;

void add_diag(flow::Diagnostics* diags, Diagnostic::Severity sev, flow::SourcePos pos, std::string field, std::string msg) {
  diags->push_back(Diagnostic{sev, pos.line, pos.column, std::move(field), std::move(msg)});
}

handlers::Scope scope_of(const HandlerContext& ctx) {
  return handlers::Scope{&ctx.message.payload->record, ctx.message.from, ctx.message.thread, ctx.listener.name};
}

class BootHandler final : public Handler {
 public:
  bool runs_inline() const override { return true; }
  HandlerOutcome handle(const HandlerContext&) override { return {}; }
};

// Primitives are run by the pump itself (primitives.cc); this placeholder is never called.
class PrimitiveHandler final : public Handler {
 public:
  bool runs_inline() const override { return true; }
  HandlerOutcome handle(const HandlerContext&) override { return {}; }
};

class OutputHandler final : public Handler {
 public:
  bool runs_inline() const override { return true; }
  HandlerOutcome handle(const HandlerContext& ctx) override {
    HandlerOutcome o;
    o.output = ctx.message.payload;
    return o;
  }
};

class TransformHandler final : public Handler {
 public:
  bool runs_inline() const override { return true; }
  TransformHandler(handlers::CompiledTransform t, std::vector<std::string> targets) : t_(std::move(t)), targets_(std::move(targets)) {}
  HandlerOutcome handle(const HandlerContext& ctx) override {
    HandlerOutcome o;
    auto out = t_.apply(*ctx.message.payload, scope_of(ctx));
    if (!out.ok()) {
      o.error = out.take_error();
      return o;
    }
    if (t_.respond()) {
      o.emissions.push_back(Emission{std::move(out).value(), {}, true});
      return o;
    }
    for (const auto& to : targets_) o.emissions.push_back(Emission{*out, to, false});
    return o;
  }

 private:
  handlers::CompiledTransform t_;
  std::vector<std::string> targets_;
};

class BranchHandler final : public Handler {
 public:
  bool runs_inline() const override { return true; }
  explicit BranchHandler(handlers::CompiledBranch b) : b_(std::move(b)) {}
  HandlerOutcome handle(const HandlerContext& ctx) override {
    HandlerOutcome o;
    auto d = b_.decide(ctx.message.payload, scope_of(ctx));
    if (!d.ok()) {
      o.error = d.take_error();
      return o;
    }
    o.emissions.push_back(Emission{std::move(d->payload), std::move(d->to), d->respond});
    return o;
  }

 private:
  handlers::CompiledBranch b_;
};

// The native tools that need nothing outside the engine (tool:calculate, tool:convert)
// answer their caller, like every native tool (spec §10).
class NativeToolHandler final : public Handler {
 public:
  using Run = Result<schema::PayloadPtr> (*)(const schema::Payload&, const schema::Schema&);
  NativeToolHandler(const schema::Schema& schema, Run run, bool quick) : schema_(schema), run_(run), quick_(quick) {}
  bool runs_inline() const override { return quick_; }
  HandlerOutcome handle(const HandlerContext& ctx) override {
    HandlerOutcome o;
    auto out = run_(*ctx.message.payload, schema_);
    if (!out.ok()) {
      o.error = out.take_error();
      return o;
    }
    o.emissions.push_back(Emission{std::move(out).value(), {}, true});
    return o;
  }

 private:
  const schema::Schema& schema_;
  Run run_;
  bool quick_;
};

struct NativeTool {
  std::string_view handler;
  std::string_view accepts;
  NativeToolHandler::Run run;
  // Cheap enough for the io thread (Handler::runs_inline): calculate's expressions are
  // small by their limits; convert may parse a document of megabytes, so it goes to a worker.
  bool quick;
};
constexpr NativeTool kNativeTools[] = {
    {"tool:calculate", schema::kCalculate, &handlers::calculate_response, true},
    {"tool:convert", schema::kConvertRequest, &handlers::convert_response, false},
};

}  // namespace

void Pump::Impl::build_listeners(flow::Diagnostics* diags) {
  const auto& schema = *schema_;
  auto add = [&](ListenerInfo info, std::unique_ptr<Handler> handler) {
    by_lower_name_.emplace(info.lower_name, listeners_.size());
    listeners_.push_back(std::move(info));
    handlers_.push_back(std::move(handler));
    gates_.push_back(std::make_unique<AgentGate>());
  };
  auto system_listener = [&](const char* name, std::string_view cls, const char* desc) {
    ListenerInfo l;
    l.name = name;
    l.lower_name = name;
    l.payload_class = schema.find(cls);
    l.handler_kind = "system";
    l.description = desc;
    l.system = true;
    return l;
  };
  boot_index_ = static_cast<int>(listeners_.size());
  add(system_listener(kBootListener, schema::kBoot, "Receives Boot when the pump starts"), std::make_unique<BootHandler>());
  sequence_index_ = static_cast<int>(listeners_.size());
  add(system_listener(kSequenceListener, schema::kSequenceStart, "Runs steps one after another"), std::make_unique<PrimitiveHandler>());
  buffer_index_ = static_cast<int>(listeners_.size());
  add(system_listener(kBufferListener, schema::kBufferStart, "Fans items out to one listener and collects the results"),
      std::make_unique<PrimitiveHandler>());

  for (size_t i = 0; i < spec_->listeners.size(); ++i) {
    const auto& ls = spec_->listeners[i];
    const std::string field = "listeners[" + std::to_string(i) + "]";
    ListenerInfo info;
    info.name = ls.name;
    info.lower_name = to_lower(ls.name);
    info.payload_class = schema.find(ls.payload_class);
    info.handler_kind = ls.handler;
    info.description = ls.description;
    info.agent = ls.agent;
    info.broadcast = ls.broadcast;
    info.peers = ls.peers;
    info.timeout = std::chrono::milliseconds(static_cast<long long>(ls.timeout_seconds * 1000));
    if (!info.payload_class) {
      add_diag(diags, Diagnostic::Severity::Error, ls.pos, field + ".payload_class", "unknown payload class '" + ls.payload_class + "'");
      continue;
    }
    if (by_lower_name_.count(info.lower_name)) {
      add_diag(diags, Diagnostic::Severity::Error, ls.pos, field + ".name",
               "listener name '" + ls.name + "' is already used (names are compared without case)");
      continue;
    }
    std::unique_ptr<Handler> handler;
    const size_t first_new_diag = diags->size();
    const auto kind_pos = ls.key_pos.count("handler") ? ls.key_pos.at("handler") : ls.pos;
    if (auto f = options_.handler_factories.find(ls.handler); f != options_.handler_factories.end()) {
      auto made = f->second(ls, schema);
      if (made.ok()) handler = std::move(made).value();
      else add_diag(diags, Diagnostic::Severity::Error, kind_pos, field + ".handler", "listener '" + ls.name + "': " + made.error().message);
    } else if (ls.handler == "output") {
      handler = std::make_unique<OutputHandler>();
    } else if (ls.handler == "transform" && ls.transform) {
      auto t = handlers::CompiledTransform::compile(*ls.transform, schema, info.payload_class, diags);
      if (t.ok()) {
        std::vector<std::string> targets;
        if (!t->respond()) {
          if (!t->to().empty()) {
            targets.push_back(t->to());
          } else if (ls.peers.size() == 1) {
            targets.push_back(ls.peers[0]);
          } else {
            for (const auto& p : ls.peers) {
              const auto* peer = spec_->find_listener(p);
              if (peer && peer->payload_class == t->output_class().name) targets.push_back(p);
            }
          }
          if (targets.empty()) {
            add_diag(diags, Diagnostic::Severity::Error, ls.transform->pos, field + ".transform",
                     "listener '" + ls.name + "': the transform has no target; set `to`, set `respond: true`, or add a peer that accepts " +
                         t->output_class().name);
          }
        }
        handler = std::make_unique<TransformHandler>(std::move(t).value(), std::move(targets));
      }
    } else if (ls.handler == "branch" && ls.branch) {
      auto b = handlers::CompiledBranch::compile(*ls.branch, schema, info.payload_class, diags);
      if (b.ok()) handler = std::make_unique<BranchHandler>(std::move(b).value());
    } else if (auto tool = std::find_if(std::begin(kNativeTools), std::end(kNativeTools),
                                        [&](const NativeTool& t) { return t.handler == ls.handler; });
               tool != std::end(kNativeTools)) {
      if (info.payload_class->name != tool->accepts) {
        add_diag(diags, Diagnostic::Severity::Error, kind_pos, field + ".payload_class",
                 "listener '" + ls.name + "': " + ls.handler + " accepts " + std::string(tool->accepts) + ", not " +
                     info.payload_class->name);
      } else {
        handler = std::make_unique<NativeToolHandler>(schema, tool->run, tool->quick);
      }
    } else if (checking_only_ && (ls.handler == "llm" || ls.handler == "http" || ls.handler == "wasm" || ls.handler == "tool:fetch" ||
                                 ls.handler == "tool:keyvalue")) {
      // Run by the server's and `nextra run`'s handler kinds (they need the outside world);
      // a check without them has nothing to say.
    } else {
      // memory and flow:<id> are not built yet; a flow using them validates
      // but cannot run.
      add_diag(diags, checking_only_ ? Diagnostic::Severity::Warning : Diagnostic::Severity::Error, kind_pos, field + ".handler",
               "listener '" + ls.name + "': handler '" + ls.handler + "' cannot run in this version of the engine yet");
    }
    // Handler compilers report paths relative to the listener; anchor them to it.
    for (size_t d = first_new_diag; d < diags->size(); ++d) {
      auto& diag = (*diags)[d];
      if (diag.field.rfind("listeners[", 0) != 0) diag.field = diag.field.empty() ? field : field + "." + diag.field;
      if (diag.message.rfind("listener '", 0) != 0) diag.message = "listener '" + ls.name + "': " + diag.message;
    }
    if (!handler) handler = std::make_unique<PrimitiveHandler>();
    info.any_response_class = handler->accepts_any_response();
    add(std::move(info), std::move(handler));
  }

  for (size_t i = 0; i < listeners_.size(); ++i) {
    if (listeners_[i].broadcast) broadcast_groups_[listeners_[i].payload_class].push_back(i);
  }

  for (size_t i = 0; i < spec_->peer_tables.size(); ++i) {
    const auto& t = spec_->peer_tables[i];
    std::map<std::string, std::vector<std::string>> entries;
    for (const auto& e : t.entries) entries[e.listener] = e.peers;
    auto st = register_peer_table(t.name, entries, t.parent);
    if (!st.ok()) {
      add_diag(diags, Diagnostic::Severity::Error, t.pos, "peer_tables[" + std::to_string(i) + "]", st.error().message);
    }
  }
}

}  // namespace nextra::pump
