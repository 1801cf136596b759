#include "api/flow_generate.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "api/caller.h"
#include "api/flow_validation.h"
#include "api/json_body.h"
#include "api/json_views.h"
#include "api/llm_usage.h"
#include "core/uuid.h"
#include "flow/loader.h"
#include "http/error_mapping.h"
#include "llm/config.h"
#include "llm/prices.h"
#include "vault/secret_refs.h"

namespace nextra::api {
namespace {

using http::Request;
using http::Response;
using store::Role;

// The whole generation, every attempt included: later the client gets 504.
constexpr std::chrono::seconds kGenerateTimeout{240};
// An answer beyond this is not read as a flow (the attempt counts as failed).
constexpr std::size_t kMaxAnswerBytes = 128 * 1024;
// 4096 is the smallest output cap among the models people use (Claude 3 Haiku); a flow
// rarely needs a quarter of it.
constexpr int kMaxOutputTokens = 4096;
constexpr std::size_t kMaxProblemsSentBack = 20;

const char* const kExampleYaml = R"(organism:
  name: support-triage
llm:
  default_model: gpt-4o-mini
  backends:
    - provider: openai
      api_key: ${secret:OPENAI_API_KEY}
payloads:
  Ticket:
    subject: string
    body: string
    priority: int
  Reply:
    text: string
listeners:
  - name: triage
    payload_class: Ticket
    handler: branch
    description: Sends urgent tickets to a person, the rest to the assistant
    peers: [escalate, assistant]
    branch:
      rules:
        - { field: priority, gte: 3, to: escalate }
      default: assistant
  - name: escalate
    payload_class: Ticket
    handler: transform
    description: Tells the customer a person will answer
    peers: [done]
    transform:
      payload: Reply
      fields:
        text: "A person will answer your ticket '{{ subject }}' within the hour."
  - name: assistant
    payload_class: Ticket
    handler: llm
    agent: true
    description: Answers a support ticket
    prompt: You are a friendly support assistant. Answer the ticket in a few sentences.
    peers: [done]
  - name: done
    payload_class: Reply
    handler: output
    description: The reply sent to the customer
triggers:
  - name: new-ticket
    type: webhook
    target: triage
)";

std::string build_prompt() {
  return std::string(R"(You design workflows for Nextra. A workflow is one organism.yaml file: listeners that
each accept one payload class and pass typed messages to their peers. Answer with the
complete organism.yaml in one ```yaml code block and nothing else.

Reference (every key not listed here is an error):

organism: { name: NAME }          # lower-case-with-dashes
payloads:                         # the classes messages carry: field: type
  ClassName: { field_name: TYPE }
  # TYPE: string | int | decimal | bool | dict | list<T> | optional<T> | another class
  # Class names are PascalCase, field names snake_case. Built-in classes you may use
  # without defining them: Calculate{expression}, CalculateResult{expression, result, error},
  # FetchRequest{url, method?, body?, headers?, timeout?}, FetchResponse{url, status_code,
  # body, content_type, error}. Never redefine a built-in class.
listeners:                        # a list; each listener has:
  - name: NAME                    # required, unique, [a-zA-Z][a-zA-Z0-9_.-]*
    payload_class: ClassName      # required: the one class it accepts
    handler: KIND                 # required, see below
    description: TEXT             # required
    peers: [NAME, ...]            # the listeners it may send to; a listener without peers
                                  # can only answer its caller
triggers:                         # how executions start (optional)
  - { name: NAME, type: webhook | schedule | manual, target: LISTENER }
  # schedule also needs cron: "0 9 * * *" (5 fields) and may set timezone: Europe/Berlin

Handler kinds:
- transform: builds a new payload from templates over the incoming fields.
    transform: { payload: OutClass, fields: { out_field: "{{ in_field | upper }}" } }
  It forwards to its only peer (or `to: PEER`; or `respond: true` to answer the caller).
  Fields of OutClass not listed are copied from the input when name and type match.
- branch: routes the payload unchanged by the first matching rule.
    branch:
      rules:
        - { field: total, gte: 1000, to: review }     # equals not_equals contains matches lt lte gt gte exists
      default: standard                               # without it, an unmatched message fails
  Every `to` must be in peers and accept the same class.
- output: ends the execution; the payload it receives is the result. Every flow needs one.
- llm: an AI agent (also set agent: true and a prompt). Its peers are offered to the model as
  tools; its final text goes to its only output peer (a class with one string field) or,
  with `llm: { respond: ClassName }`, back to its caller. A flow with an llm listener needs
  the top-level section:
    llm:
      default_model: gpt-4o-mini
      backends:
        - provider: openai
          api_key: ${secret:OPENAI_API_KEY}
- http: calls an HTTP API.
    http: { method: GET, url: "https://api.example.com/items/{{ id }}", payload: OutClass }
  The response fills OutClass by field name (status, body, or same-named JSON fields).
- tool:calculate (payload_class Calculate), tool:fetch (payload_class FetchRequest): tools
  for agents; they answer their caller.

Templates: {{ field }}, {{ record.field }}, {{ list.0 }}; filters upper lower trim length
default:"x" add:N sub:N mul:N json join:", " replace:"a":"b" truncate:N. A template may only
name fields of the listener's own payload_class.

Rules: every class a listener sends must be the payload_class of the peer it goes to; every
name in peers must exist; keep the flow small (what the description asks for, nothing more);
secrets are written ${secret:NAME}, never literally.

A complete example:
```yaml
)") + kExampleYaml + "```\n";
}

int one_if_unknown(int v) { return v > 0 ? v : 1; }

std::string repair_message(const flow::Diagnostics& diagnostics) {
  std::string text = "The validator rejected that organism.yaml:\n";
  std::size_t listed = 0, errors = 0;
  for (const auto& d : diagnostics) {
    if (d.severity != flow::Diagnostic::Severity::Error) continue;
    ++errors;
    if (listed == kMaxProblemsSentBack) continue;
    ++listed;
    text += "line " + std::to_string(one_if_unknown(d.line)) + ", column " + std::to_string(one_if_unknown(d.column)) +
            ": " + d.message + "\n";
  }
  if (errors > listed) text += "(and " + std::to_string(errors - listed) + " more)\n";
  text += "Fix every problem and answer with the complete corrected organism.yaml in one ```yaml code block.";
  return text;
}

flow::Diagnostic error_at_top(std::string message) {
  flow::Diagnostic d;
  d.line = 1;
  d.column = 1;
  d.message = std::move(message);
  return d;
}

// What the gateway's failure means for the client. Its messages are already redacted.
Response llm_failure(const Error& e, int attempts) {
  nlohmann::json details = {{"attempts", attempts}};
  switch (e.code) {
    case ErrorCode::ResourceExhausted:
      return Response::error(429, "resource_exhausted", "the LLM is busy: " + e.message, std::move(details));
    case ErrorCode::Cancelled:
      return Response::error(503, "unavailable", "the server is shutting down", std::move(details));
    default:
      return Response::error(502, "llm_failed", "the LLM call failed: " + e.message, std::move(details));
  }
}

// The organization's monthly LLM spend cap refused the call (or could not be checked).
Response spend_refusal(const Error& e) {
  if (e.code == ErrorCode::ResourceExhausted) return Response::error(429, "spend_cap_reached", e.message);
  return http::from_error(e);
}

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string trimmed(std::string_view s) {
  const auto* ws = " \t\r\n";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(ws);
  return std::string(s.substr(b, e - b + 1));
}

// One generation: the conversation with the model and its attempts. Each step runs on a
// gateway worker, one after the other (the next call is queued from the previous callback),
// so the fields need no lock. It holds the services and the gateway by reference:
// ApiServices declares the gateway last, so the gateway is destroyed (its workers joined,
// queued calls answered Cancelled) while everything this uses still exists.
class Generation : public std::enable_shared_from_this<Generation> {
 public:
  Generation(ApiServices& s, llm::Gateway& gateway, std::string org_id, std::shared_ptr<http::DeferredResponse> deferred)
      : s_(s), gateway_(gateway), org_id_(std::move(org_id)), deferred_(std::move(deferred)), id_(new_uuid_v4()) {}

  // Queues the first call; an error means nothing was queued (answer it at once).
  Status start(const std::string& description) {
    request_.messages.push_back(llm::Message::system(generation_system_prompt()));
    request_.messages.push_back(llm::Message::user("Build a workflow for this description:\n\n" + description));
    request_.temperature = 0.2;
    request_.max_tokens = kMaxOutputTokens;
    // A budget entry of its own, so the gateway's per-thread cap bounds one generation.
    request_.thread_id = "generate:" + id_;
    request_.agent = "flow-generator";
    request_.account = org_id_;  // the caller's organization pays, within its spend cap
    return ask();
  }

 private:
  Status ask() {
    ++attempts_;
    auto self = shared_from_this();
    return gateway_.complete_async(request_, [self](Result<llm::CompletionResponse> r) { self->on_answer(std::move(r)); });
  }

  void on_answer(Result<llm::CompletionResponse> answer) {
    if (deferred_->completed()) return finish_quietly();  // timed out, or the server stopped
    if (!answer.ok()) return finish(llm_failure(answer.error(), attempts_));
    const std::string& content = answer->content;
    flow::Diagnostics diagnostics;
    yaml_.clear();
    if (content.size() > kMaxAnswerBytes) {
      diagnostics.push_back(error_at_top("the answer is larger than 128 KiB; write a smaller flow"));
    } else {
      yaml_ = extract_yaml(content);
      if (yaml_.empty()) diagnostics.push_back(error_at_top("the answer held no organism.yaml"));
      else diagnostics = check_flow_yaml(s_, org_id_, yaml_);
    }
    if (!flow::has_errors(diagnostics)) return finish(success(diagnostics, *answer));
    if (attempts_ >= kGenerateAttempts) return finish(still_invalid(diagnostics));
    request_.messages.push_back(llm::Message::assistant(content.size() > kMaxAnswerBytes ? content.substr(0, 4096) : content));
    request_.messages.push_back(llm::Message::user(repair_message(diagnostics)));
    if (auto admitted = spend_cap_check(s_.store, org_id_)(); !admitted.ok()) return finish(spend_refusal(admitted.error()));
    Status queued = ask();
    if (!queued.ok()) finish(llm_failure(queued.error(), attempts_ - 1));
  }

  Response success(const flow::Diagnostics& diagnostics, const llm::CompletionResponse& answer) const {
    auto loaded = flow::load_organism(yaml_);
    auto warnings = nlohmann::json::array();
    for (const auto& d : diagnostics) {
      if (d.severity == flow::Diagnostic::Severity::Warning) warnings.push_back(problem_json(d));
    }
    return Response::json(200, {{"organismYaml", yaml_},
                                {"canvasState", loaded.organism ? canvas_for(*loaded.organism) : nlohmann::json::object()},
                                {"attempts", attempts_},
                                {"valid", true},
                                {"warnings", std::move(warnings)},
                                {"model", answer.model}});
  }

  Response still_invalid(const flow::Diagnostics& diagnostics) const {
    auto errors = nlohmann::json::array();
    std::string first;
    for (const auto& d : diagnostics) {
      if (d.severity != flow::Diagnostic::Severity::Error) continue;
      if (first.empty()) first = d.message;
      errors.push_back(problem_json(d));
    }
    return Response::error(422, "generation_invalid",
                           "the generated flow is still invalid after " + std::to_string(attempts_) + " attempts: " + first,
                           {{"organismYaml", yaml_}, {"errors", std::move(errors)}, {"attempts", attempts_}});
  }

  void finish(Response r) {
    auto answer = std::make_shared<Response>(std::move(r));
    deferred_->complete([answer] { return std::move(*answer); });
    finish_quietly();
  }
  void finish_quietly() { gateway_.forget_thread(request_.thread_id); }

  ApiServices& s_;
  llm::Gateway& gateway_;
  const std::string org_id_;
  const std::shared_ptr<http::DeferredResponse> deferred_;
  const std::string id_;
  llm::CompletionRequest request_;
  int attempts_ = 0;
  std::string yaml_;  // the last attempt's
};

Response generate_flow(ApiServices& s, const Request& req, const Caller& c) {
  if (!s.generator_llm) {
    return Response::error(503, "llm_not_configured", "this server has no LLM for generating flows",
                           {{"setting", "nextra serve --llm-config FILE (or NEXTRA_LLM_CONFIG=FILE): a YAML file "
                                        "holding an llm: section in the flow format"}});
  }
  auto body = parse_json_object(req);
  if (!body.ok()) return http::from_error(body.error());
  // Four bytes per character at most; the real count is in code points below.
  auto raw = required_string(*body, "description", kMaxGenerateDescriptionChars * 4);
  if (!raw.ok()) return http::from_error(raw.error());
  const std::string description = trimmed(*raw);
  if (description.empty()) {
    return Response::error(400, "invalid_argument", "description must not be empty", {{"field", "description"}});
  }
  if (code_points(description) > kMaxGenerateDescriptionChars) {
    return Response::error(400, "invalid_argument",
                           "description is longer than " + std::to_string(kMaxGenerateDescriptionChars) + " characters",
                           {{"field", "description"}});
  }
  if (auto admitted = spend_cap_check(s.store, c.org.id)(); !admitted.ok()) return spend_refusal(admitted.error());
  auto deferred = std::make_shared<http::DeferredResponse>();
  deferred->set_deadline(std::chrono::steady_clock::now() + kGenerateTimeout, [] {
    return Response::error(504, "generation_timeout",
                           "the flow was not generated within " + std::to_string(kGenerateTimeout.count()) + " s");
  });
  auto generation = std::make_shared<Generation>(s, *s.generator_llm, c.org.id, deferred);
  Status queued = generation->start(description);
  if (!queued.ok()) return llm_failure(queued.error(), 0);
  return Response::later(deferred);
}

// Where the UI's layout puts each node (web/src/features/canvas/layout.ts, same numbers).
std::map<std::string, std::pair<int, int>> layered_positions(const std::vector<std::pair<std::string, bool>>& nodes,
                                                             const std::vector<std::pair<std::string, std::string>>& edges) {
  constexpr int kColumn = 260, kRow = 140;
  std::map<std::string, std::size_t> depth;
  for (const auto& [id, is_trigger] : nodes) depth[id] = is_trigger ? 0 : 1;
  for (std::size_t round = 0; round < nodes.size(); ++round) {
    bool changed = false;
    for (const auto& [from, to] : edges) {
      if (from == to) continue;
      std::size_t next = depth[from] + 1;
      if (next > depth[to] && next <= nodes.size()) {
        depth[to] = next;
        changed = true;
      }
    }
    if (!changed) break;
  }
  std::map<std::size_t, int> per_column;
  std::map<std::string, std::pair<int, int>> out;
  for (const auto& [id, is_trigger] : nodes) {
    std::size_t col = depth[id];
    int row = per_column[col]++;
    out[id] = {40 + static_cast<int>(col) * kColumn, 40 + row * kRow};
  }
  return out;
}

std::string node_type(const std::string& handler) {
  if (handler == "llm" || handler == "http" || handler == "branch" || handler == "output" || handler == "transform") {
    return handler;
  }
  if (handler == "wasm") return "code";
  return "tool";
}

}  // namespace

const std::string& generation_example_yaml() {
  static const std::string yaml = kExampleYaml;
  return yaml;
}

const std::string& generation_system_prompt() {
  static const std::string prompt = build_prompt();
  return prompt;
}

std::string extract_yaml(std::string_view answer) {
  struct Block {
    std::string info;
    std::string_view body;
  };
  std::vector<Block> blocks;
  std::size_t pos = 0;
  while ((pos = answer.find("```", pos)) != std::string_view::npos) {
    std::size_t line_end = answer.find('\n', pos);
    if (line_end == std::string_view::npos) break;
    std::string info = trimmed(answer.substr(pos + 3, line_end - pos - 3));
    std::transform(info.begin(), info.end(), info.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    std::size_t close = answer.find("\n```", line_end);
    std::size_t end = close == std::string_view::npos ? answer.size() : close + 1;
    blocks.push_back({info, answer.substr(line_end + 1, end - line_end - 1)});
    if (close == std::string_view::npos) break;
    pos = close + 4;
  }
  for (const auto& b : blocks) {
    if (b.info == "yaml" || b.info == "yml") return trimmed(b.body);
  }
  if (!blocks.empty()) return trimmed(blocks.front().body);
  return trimmed(answer);
}

nlohmann::json canvas_for(const flow::OrganismSpec& spec) {
  std::vector<std::pair<std::string, bool>> nodes;  // id, is a trigger
  std::vector<std::pair<std::string, std::string>> edges;
  auto json_nodes = nlohmann::json::array();
  auto json_edges = nlohmann::json::array();
  auto add_edge = [&](const std::string& from, const std::string& to, const char* kind) {
    edges.emplace_back(from, to);
    json_edges.push_back({{"id", from + "->" + to}, {"source", from}, {"target", to}, {"kind", kind}});
  };
  std::map<std::string, std::string> types;
  for (const auto& t : spec.triggers) {
    const std::string id = "trigger:" + t.name;
    nodes.emplace_back(id, true);
    types[id] = "trigger";
    // A trigger without a target injects into the first listener.
    std::string target = !t.target.empty() ? t.target : (spec.listeners.empty() ? "" : spec.listeners.front().name);
    if (spec.find_listener(target)) add_edge(id, target, "trigger");
  }
  for (const auto& l : spec.listeners) {
    nodes.emplace_back(l.name, false);
    types[l.name] = node_type(l.handler);
    for (const auto& p : l.peers) {
      if (spec.find_listener(p)) add_edge(l.name, p, p == l.name ? "loop" : "peer");
    }
  }
  auto positions = layered_positions(nodes, edges);
  for (const auto& [id, is_trigger] : nodes) {
    const auto& [x, y] = positions[id];
    json_nodes.push_back({{"id", id}, {"type", types[id]}, {"position", {{"x", x}, {"y", y}}}});
  }
  return {{"nodes", std::move(json_nodes)},
          {"edges", std::move(json_edges)},
          {"viewport", {{"x", 0}, {"y", 0}, {"zoom", 1}}}};
}

Result<std::shared_ptr<llm::Gateway>> make_generator_gateway(const std::filesystem::path& file,
                                                             std::shared_ptr<net::HttpClient> http,
                                                             store::Store* store) {
  const std::string name = file.string();
  auto fail = [&](int line, int column, const std::string& message) -> Error {
    return Error{ErrorCode::InvalidArgument,
                 "LLM config " + name + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message,
                 "llm-config"};
  };
  constexpr std::uintmax_t kMaxFileBytes = 256 * 1024;
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return Error{ErrorCode::InvalidArgument, "LLM config " + name + ": " + ec.message(), "llm-config"};
  if (size > kMaxFileBytes) return fail(1, 1, "larger than 256 KiB");
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error{ErrorCode::InvalidArgument, "LLM config " + name + ": cannot be read", "llm-config"};
  std::stringstream text;
  if (size > 0) text << in.rdbuf();

  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::Exception& e) {
    return fail(e.mark.is_null() ? 1 : e.mark.line + 1, e.mark.is_null() ? 1 : e.mark.column + 1, e.msg);
  }
  if (!root.IsMap()) return fail(1, 1, "must be a mapping with one key, llm:");
  YAML::Node section;
  for (const auto& kv : root) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    if (key != "llm") {
      return fail(kv.first.Mark().line + 1, kv.first.Mark().column + 1,
                  "unknown key '" + key + "' (the file holds only an llm: section)");
    }
    section = kv.second;
  }
  if (!section.IsDefined() || !section.IsMap()) return fail(1, 1, "llm: must be a mapping (see docs/llm.md)");
  const flow::SourcePos pos{section.Mark().line + 1, section.Mark().column + 1};
  const std::string section_text = YAML::Dump(section);
  auto config = llm::parse_llm_config(flow::RawSection{section_text, pos});
  if (!config.ok()) return fail(config.error().line, config.error().column, config.error().message);
  if (config->default_model.empty()) return fail(pos.line, pos.column, "llm.default_model is required: the model that writes flows");
  if (auto refs = vault::find_secret_refs(section_text); !refs.empty()) {
    return fail(pos.line, pos.column,
                "${secret:" + refs.front().name +
                    "} cannot be used here (secrets belong to an organization); use api_key_env");
  }

  llm::GatewayOptions o;
  o.config = std::move(config).value();
  o.http = std::move(http);
  o.prices = llm::builtin_prices();
  // Each call is charged to the organization its request names (CompletionRequest::account).
  o.usage_sink = std::make_shared<StoreUsageSink>(store, "", "", [](const Error& e) {
    std::fprintf(stderr, "nextra: a flow generation's LLM usage was not recorded: %s\n", e.message.c_str());
  });
  o.max_tokens_per_thread = 100000;  // per generation (each has its own budget thread)
  o.workers = 8;                     // generations waiting on the model at once
  o.queue_capacity = 64;             // beyond: 429
  o.max_response_bytes = 1024 * 1024;
  auto gateway = llm::Gateway::create(std::move(o));
  if (!gateway.ok()) return Error{ErrorCode::InvalidArgument, "LLM config " + name + ": " + gateway.error().message, "llm-config"};
  return std::shared_ptr<llm::Gateway>(std::move(gateway).value());
}

void add_generate_routes(http::Router& router, ApiServices& s) {
  // No POST /api/flows/{id} exists, and "generate" is never a flow id (ids are UUIDs).
  router.post("/api/flows/generate", with_caller(s, Role::Member, generate_flow));
}

}  // namespace nextra::api
