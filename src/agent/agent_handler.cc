#include "agent/agent_handler.h"

#include <atomic>

#include "agent/agent_config.h"
#include "agent/payload_text.h"
#include "pump/execution.h"
#include "pump/shared_backend.h"
#include "xml/payload_codec.h"

namespace nextra::agent {
namespace {

constexpr std::size_t kMaxHistorySlots = 200;   // older slots of a re-seeded thread are left out
constexpr std::size_t kMaxToolResultBytes = 64 * 1024;
constexpr std::size_t kTextChunk = 48;          // streamed text is published in chunks of about this

std::string clip(std::string s, std::size_t max) {
  if (s.size() > max) {
    s.resize(max);
    s += "… (cut)";
  }
  return s;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string text_of(const schema::Payload& p, const char* field) {
  const schema::Value* v = p.record.get(field);
  return v ? v->to_text() : std::string();
}

// What one invocation needs after handle_async() returned (the HandlerContext does not live
// that long; the Message it points to does, until `done`).
struct Turn {
  std::string agent;
  std::string thread;
  std::string execution_id;
  std::function<void(pump::HandlerOutcome)> done;
};

class AgentCore : public std::enable_shared_from_this<AgentCore> {
 public:
  AgentCore(std::shared_ptr<AgentServices> services, AgentConfig config, std::vector<PeerTool> peers,
            std::string prompt, const schema::Schema& schema)
      : services_(std::move(services)), config_(std::move(config)), peers_(std::move(peers)),
        prompt_(std::move(prompt)), schema_(schema) {
    if (config_.mode == AgentMode::Tools) {
      for (const auto& p : peers_) {
        llm::ToolDefinition t;
        t.name = p.tool_name;
        t.description = clip((p.description.empty() ? "Send a " + p.cls->name + " to " + p.listener : p.description) +
                                 (p.is_output ? " (ends the run with this result)" : ""),
                             1000);
        t.parameters = class_json_schema(*p.cls);
        tools_.push_back(std::move(t));
      }
    }
  }

  void close() { closed_ = true; }

  void handle(const pump::HandlerContext& ctx, std::function<void(pump::HandlerOutcome)> done) {
    const auto& msg = ctx.message;
    auto turn = std::make_shared<Turn>(Turn{ctx.listener.name, msg.thread, msg.execution ? msg.execution->root_thread : msg.thread,
                                            std::move(done)});
    bool created = false;
    std::shared_ptr<Conversation> conv;
    if (ctx.is_self_call) conv = services_->conversations->claim_self_call(turn->agent, turn->thread, turn->execution_id);
    if (!conv) conv = services_->conversations->get(turn->agent, turn->thread, turn->execution_id, &created);
    std::unique_lock lock(conv->mu);
    if (created) {
      conv->messages.push_back(llm::Message::system(prompt_));
      seed_history(*conv, ctx);
    }
    take_message(*conv, msg);
    if (conv->calling || !conv->pending.empty()) {
      lock.unlock();
      pump::HandlerOutcome o;
      o.waiting = true;
      turn->done(std::move(o));
      return;
    }
    if (conv->tool_errors > config_.max_tool_errors) {
      fail(*conv, lock, turn, "the model made " + std::to_string(conv->tool_errors) + " bad tool calls or answers");
      return;
    }
    call_model(conv, std::move(lock), turn);
  }

 private:
  // The thread's context buffer before this message, as the library renders history (§9).
  void seed_history(Conversation& conv, const pump::HandlerContext& ctx) {
    if (!ctx.backend) return;
    auto slots = ctx.backend->buffer_thread(ctx.message.thread);
    if (!slots.empty() && slots.back().payload == ctx.message.payload) slots.pop_back();
    std::size_t first = slots.size() > kMaxHistorySlots ? slots.size() - kMaxHistorySlots : 0;
    for (std::size_t i = first; i < slots.size(); ++i) {
      const auto& s = slots[i];
      if (!s.payload || s.payload->class_name() == schema::kSystemError) continue;
      std::string text = "[From " + s.from + "]\n" + clip(xml::payload_to_xml(*s.payload), kMaxToolResultBytes);
      conv.messages.push_back(s.from == ctx.listener.name ? llm::Message::assistant(std::move(text))
                                                          : llm::Message::user(std::move(text)));
    }
  }

  // Adds the incoming message to the transcript: the result of a pending tool call (a peer's
  // answer or the SystemError its call caused), or a new request.
  void take_message(Conversation& conv, const pump::Message& msg) {
    const bool is_error = msg.payload->class_name() == schema::kSystemError;
    std::string content = is_error ? "error: " + text_of(*msg.payload, "message")
                                   : clip(xml::payload_to_xml(*msg.payload), kMaxToolResultBytes);
    auto match = conv.pending.end();
    for (auto it = conv.pending.begin(); it != conv.pending.end(); ++it) {
      const bool named = is_error ? content.find("'" + it->listener + "'") != std::string::npos
                                  : lower(it->listener) == lower(msg.from);
      if (named) {
        match = it;
        break;
      }
    }
    if (match == conv.pending.end() && is_error && !conv.pending.empty()) match = conv.pending.begin();
    if (match == conv.pending.end()) {
      conv.messages.push_back(llm::Message::user(is_error ? "[SystemError] " + content : "[From " + msg.from + "]\n" + content));
      return;
    }
    if (is_error) ++conv.tool_errors;
    if (match->call_id.empty()) {
      conv.messages.push_back(llm::Message::user("[From " + (is_error ? std::string("system") : msg.from) + "]\n" + content));
    } else {
      conv.messages.push_back(llm::Message::tool_result(match->call_id, match->tool_name, content));
    }
    conv.pending.erase(match);
  }

  void call_model(const std::shared_ptr<Conversation>& conv, std::unique_lock<std::mutex> lock, const std::shared_ptr<Turn>& turn) {
    if (++conv->turns > config_.max_turns) {
      fail(*conv, lock, turn, "the agent used all " + std::to_string(config_.max_turns) + " model calls of this thread");
      return;
    }
    if (!services_->gateway) {
      fail(*conv, lock, turn, services_->no_gateway);
      return;
    }
    if (services_->admit) {
      if (auto st = services_->admit(); !st.ok()) {
        fail(*conv, lock, turn, st.error().message);
        return;
      }
    }
    llm::CompletionRequest req;
    req.model = config_.model;
    req.messages = conv->messages;
    req.tools = tools_;
    req.temperature = config_.temperature;
    req.max_tokens = config_.max_tokens;
    req.thread_id = turn->execution_id;
    req.agent = turn->agent;
    conv->calling = true;
    lock.unlock();

    // The gateway's callbacks hold the agent weakly: the agent (and with it the flow's
    // gateway) must be released by its pump, never last by one of the gateway's own workers.
    std::weak_ptr<AgentCore> weak = weak_from_this();
    // Streamed text goes out in chunks; without a listener for it the call does not stream.
    llm::TokenCallback on_token;
    auto buffered = std::make_shared<std::string>();
    if (services_->on_text) {
      on_token = [weak, turn, buffered](std::string_view text) {
        buffered->append(text);
        if (buffered->size() < kTextChunk && text.find('\n') == std::string_view::npos) return;
        if (auto self = weak.lock()) self->publish(*turn, *buffered);
      };
    }
    auto queued = services_->gateway->complete_async(
        std::move(req),
        [weak, conv, turn, buffered](Result<llm::CompletionResponse> r) {
          auto self = weak.lock();
          if (!self) return;  // the pump is gone
          self->publish(*turn, *buffered);
          self->on_answer(conv, turn, std::move(r));
        },
        std::move(on_token));
    if (!queued.ok()) on_answer(conv, turn, queued.take_error());
  }

  void publish(const Turn& turn, std::string& text) {
    if (!text.empty() && services_->on_text) services_->on_text(turn.execution_id, turn.agent, turn.thread, text);
    text.clear();
  }

  void on_answer(const std::shared_ptr<Conversation>& conv, const std::shared_ptr<Turn>& turn, Result<llm::CompletionResponse> r) {
    if (closed_) return;
    std::unique_lock lock(conv->mu);
    conv->calling = false;
    if (!r.ok()) {
      fail(*conv, lock, turn, "the model call failed: " + r.error().message);
      return;
    }
    llm::Message said = llm::Message::assistant(r->content);
    said.tool_calls = r->tool_calls;
    conv->messages.push_back(std::move(said));
    pump::HandlerOutcome out;
    if (config_.mode == AgentMode::Tools && !r->tool_calls.empty()) {
      for (const auto& call : r->tool_calls) tool_call(*conv, call, out);
    } else if (config_.mode == AgentMode::Xml) {
      xml_answer(*conv, r->content, out);
    } else {
      final_text(*conv, r->content, out);
    }
    if (!out.emissions.empty()) {
      const bool responded = out.emissions.size() == 1 && out.emissions[0].respond;
      lock.unlock();
      if (responded) services_->conversations->erase(turn->agent, turn->thread);
      turn->done(std::move(out));
      return;
    }
    if (conv->tool_errors > config_.max_tool_errors) {
      fail(*conv, lock, turn, "the model made " + std::to_string(conv->tool_errors) + " bad tool calls or answers");
      return;
    }
    call_model(conv, std::move(lock), turn);  // the model corrects itself
  }

  const PeerTool* find_peer(std::string_view name, bool by_tool_name) const {
    for (const auto& p : peers_) {
      if (by_tool_name ? p.tool_name == name : lower(p.listener) == lower(std::string(name))) return &p;
    }
    return nullptr;
  }

  std::string tool_list() const {
    std::string s;
    for (const auto& p : peers_) s += (s.empty() ? "" : ", ") + p.tool_name;
    return s.empty() ? "none" : s;
  }

  void tool_call(Conversation& conv, const llm::ToolCall& call, pump::HandlerOutcome& out) {
    auto refuse = [&](const std::string& why) {
      ++conv.tool_errors;
      conv.messages.push_back(llm::Message::tool_result(call.id, call.name, "error: " + why));
    };
    const PeerTool* peer = find_peer(call.name, true);
    if (!peer) return refuse("there is no tool '" + clip(call.name, 64) + "'; your tools are: " + tool_list());
    auto payload = payload_from_json(*peer->cls, call.arguments, schema_);
    if (!payload.ok()) {
      return refuse("the arguments do not fit " + peer->cls->name + ": " + payload.error().message +
                    ". Expected: " + class_json_schema(*peer->cls).dump());
    }
    conv.pending.push_back(PendingCall{call.id, peer->listener, call.name});
    out.emissions.push_back(pump::Emission{std::move(payload).value(), peer->listener, false});
  }

  void final_text(Conversation& conv, const std::string& text, pump::HandlerOutcome& out) {
    const schema::PayloadClass* cls = config_.respond;
    const PeerTool* output = nullptr;
    if (!cls) {
      for (const auto& p : peers_) {
        if (p.is_output) output = output ? nullptr : &p;
      }
      if (!output) {
        ++conv.tool_errors;
        conv.messages.push_back(llm::Message::user("Do not answer with text: finish by calling one of your tools (" + tool_list() + ")."));
        return;
      }
      cls = output->cls;
    }
    auto payload = payload_from_text(*cls, text, schema_);
    if (!payload.ok()) {
      ++conv.tool_errors;
      conv.messages.push_back(llm::Message::user("Your answer could not be used: " + payload.error().message));
      return;
    }
    if (output) out.emissions.push_back(pump::Emission{std::move(payload).value(), output->listener, false});
    else out.emissions.push_back(pump::Emission{std::move(payload).value(), {}, true});
  }

  void xml_answer(Conversation& conv, const std::string& text, pump::HandlerOutcome& out) {
    auto correct = [&](const std::string& why) {
      ++conv.tool_errors;
      conv.messages.push_back(llm::Message::user("Your answer was not a message I can send: " + why +
                                                 ". Answer with exactly one <message to=\"PEER\">…</message>."));
    };
    auto reply = parse_xml_reply(text, schema_);
    if (!reply.ok()) return correct(reply.error().message);
    const std::string cls = reply->payload->class_name();
    const std::string to = lower(reply->to);
    if (to == "caller" || (to.empty() && config_.respond && config_.respond->name == cls)) {
      if (!config_.respond || config_.respond->name != cls) {
        return correct("your caller takes " + (config_.respond ? config_.respond->name : std::string("no answer")) + ", not " + cls);
      }
      out.emissions.push_back(pump::Emission{reply->payload, {}, true});
      return;
    }
    std::string target = reply->to;
    if (target.empty()) {
      for (const auto& p : peers_) {
        if (p.cls->name == cls) {
          if (!target.empty()) return correct("several peers take " + cls + "; say which with to=\"PEER\"");
          target = p.listener;
        }
      }
      if (target.empty()) return correct("no peer takes " + cls);
    }
    // The pump checks the peer rules: a listener outside the peers answers with a SystemError.
    conv.pending.push_back(PendingCall{{}, target, {}});
    out.emissions.push_back(pump::Emission{reply->payload, target, false});
  }

  void fail(Conversation&, std::unique_lock<std::mutex>& lock, const std::shared_ptr<Turn>& turn, const std::string& why) {
    lock.unlock();
    services_->conversations->erase(turn->agent, turn->thread);
    pump::HandlerOutcome o;
    o.error = Error::make(ErrorCode::Unavailable, why);
    turn->done(std::move(o));
  }

  std::shared_ptr<AgentServices> services_;
  const AgentConfig config_;
  const std::vector<PeerTool> peers_;
  const std::string prompt_;
  const schema::Schema& schema_;
  std::vector<llm::ToolDefinition> tools_;
  std::atomic<bool> closed_{false};
};

class AgentHandler final : public pump::Handler {
 public:
  explicit AgentHandler(std::shared_ptr<AgentCore> core) : core_(std::move(core)) {}
  ~AgentHandler() override { core_->close(); }
  bool is_async() const override { return true; }
  bool handles_errors() const override { return true; }
  bool accepts_any_response() const override { return true; }
  pump::HandlerOutcome handle(const pump::HandlerContext&) override {
    pump::HandlerOutcome o;
    o.error = Error::make(ErrorCode::Internal, "agents run asynchronously");
    return o;
  }
  void handle_async(const pump::HandlerContext& ctx, std::function<void(pump::HandlerOutcome)> done) override {
    core_->handle(ctx, std::move(done));
  }

 private:
  std::shared_ptr<AgentCore> core_;
};

}  // namespace

std::string system_prompt(const std::string& agent, const flow::ListenerSpec& l, const AgentConfig& c,
                          const std::vector<PeerTool>& peers) {
  std::string s;
  if (!c.prompt.empty()) s += c.prompt + "\n\n";
  s += "You are the " + agent + " agent.\n";
  if (!l.description.empty()) s += "Description: " + l.description + "\n";
  if (!peers.empty()) {
    s += "\nYou can send messages to the following peers:\n";
    for (const auto& p : peers) {
      s += "\n## " + p.listener + "\n";
      if (!p.description.empty()) s += p.description + "\n";
      if (c.mode == AgentMode::Tools) {
        s += "Call the tool `" + p.tool_name + "` with a " + p.cls->name + ".\n";
      } else {
        s += "It takes a " + p.cls->name + ", for example:\n```xml\n" + example_xml(*p.cls) + "\n```\n";
      }
      if (p.is_output) s += "Sending to it ends the run with that result.\n";
    }
  }
  s += "\n";
  if (c.mode == AgentMode::Tools) {
    s += "Each peer is a tool: calling it sends the peer a message, and its answer comes back as the tool's result. ";
    if (c.respond) {
      s += "When you are done, answer with your final result as plain text or as a JSON object of " + c.respond->name +
           " " + class_json_schema(*c.respond).dump() + ".";
    } else {
      s += "Finish by calling a tool; plain text is not delivered anywhere.";
    }
  } else {
    s += "Reply with exactly one XML message and nothing else: <message to=\"PEER\"><Class>…</Class></message>. "
         "Each peer's answer comes back to you as a message. ";
    if (c.respond) {
      s += "To give your final answer, reply <message to=\"caller\">" + example_xml(*c.respond) + "</message>.";
    }
  }
  s += "\nResponding to your caller ends your part of this conversation: finish your sub-tasks first.";
  return s;
}

pump::HandlerFactory make_agent_handler_factory(std::shared_ptr<AgentServices> services, const flow::OrganismSpec* spec) {
  return [services, spec](const flow::ListenerSpec& l, const schema::Schema& schema) -> Result<std::unique_ptr<pump::Handler>> {
    // A flow whose agents could never call a model does not start (the caller sees why).
    if (!services->gateway) return Error::invalid(services->no_gateway);
    NEXTRA_ASSIGN_OR_RETURN(auto config, parse_agent_config(l, schema));
    std::vector<PeerTool> peers = spec ? peer_tools(l, *spec, schema) : std::vector<PeerTool>{};
    std::string prompt = system_prompt(l.name, l, config, peers);
    auto core = std::make_shared<AgentCore>(services, std::move(config), std::move(peers), std::move(prompt), schema);
    return std::unique_ptr<pump::Handler>(std::make_unique<AgentHandler>(std::move(core)));
  };
}

}  // namespace nextra::agent
