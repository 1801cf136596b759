// Anthropic Messages API: POST {base}/messages with x-api-key and anthropic-version; system
// prompts go in `system`, tool results are `tool_result` blocks in a user turn; streaming as
// named events (message_start, content_block_start/delta/stop, message_delta, message_stop).
#include <map>

#include "llm/provider.h"
#include "llm/provider_util.h"

namespace nextra::llm {

namespace {

using nlohmann::json;
using detail::num;
using detail::str;

constexpr int kDefaultMaxTokens = 4096;  // Anthropic requires max_tokens

json tool_input(const ToolCall& c) { return c.arguments.is_object() ? c.arguments : json::object(); }

// Consecutive turns of the same role are merged: the API wants user and assistant to
// alternate, and several tool results answer one assistant turn.
void append(json& messages, const std::string& role, json block) {
  if (!messages.empty() && messages.back()["role"] == role) {
    messages.back()["content"].push_back(std::move(block));
  } else {
    messages.push_back({{"role", role}, {"content", json::array({std::move(block)})}});
  }
}

void apply_usage(const json& u, Usage& usage) {
  if (!u.is_object()) return;
  if (u.contains("input_tokens")) usage.prompt_tokens = num(u, "input_tokens");
  if (u.contains("output_tokens")) usage.completion_tokens = num(u, "output_tokens");
}

class AnthropicStream : public StreamDecoder {
 public:
  Status on_event(std::string_view event, std::string_view data, const TokenCallback& on_token) override {
    NEXTRA_ASSIGN_OR_RETURN(json j, detail::parse_json(data, "the provider's stream"));
    std::string type = str(j, "type");
    if (type.empty()) type = std::string(event);
    if (type == "error") return Error::make(ErrorCode::Unavailable, provider_error_message(data));
    if (type == "message_start" && j.contains("message")) {
      r_.model = str(j["message"], "model");
      if (j["message"].contains("usage")) apply_usage(j["message"]["usage"], r_.usage);
    } else if (type == "content_block_start" && j.contains("content_block")) {
      const json& b = j["content_block"];
      if (str(b, "type") == "tool_use") tools_[num(j, "index")] = {str(b, "id"), str(b, "name"), ""};
    } else if (type == "content_block_delta" && j.contains("delta")) {
      const json& d = j["delta"];
      if (str(d, "type") == "text_delta") {
        std::string text = str(d, "text");
        r_.content += text;
        if (on_token && !text.empty()) on_token(text);
      } else if (str(d, "type") == "input_json_delta") {
        tools_[num(j, "index")].json += str(d, "partial_json");
      }
    } else if (type == "message_delta") {
      if (j.contains("delta")) r_.finish_reason = str(j["delta"], "stop_reason");
      if (j.contains("usage")) apply_usage(j["usage"], r_.usage);
    } else if (type == "message_stop") {
      done_ = true;
    }
    return {};
  }

  Result<CompletionResponse> finish() override {
    if (!done_) return Error::make(ErrorCode::Unavailable, "the provider's stream ended early");
    for (auto& [index, t] : tools_) r_.tool_calls.push_back({t.id, t.name, detail::parse_arguments(t.json)});
    return std::move(r_);
  }

 private:
  struct Partial {
    std::string id, name, json;
  };
  CompletionResponse r_;
  std::map<long long, Partial> tools_;
  bool done_ = false;
};

class AnthropicProvider : public Provider {
 public:
  Result<net::HttpRequest> build(const BackendConfig& backend, const std::string& api_key, const std::string& model,
                                 const CompletionRequest& request, bool stream) const override {
    json body{{"model", model}, {"max_tokens", request.max_tokens.value_or(kDefaultMaxTokens)}};
    std::string system;
    json messages = json::array();
    for (const auto& m : request.messages) {
      switch (m.role) {
        case Role::System:
          if (!system.empty()) system += "\n\n";
          system += m.content;
          break;
        case Role::User:
          append(messages, "user", {{"type", "text"}, {"text", m.content}});
          break;
        case Role::Assistant:
          if (!m.content.empty()) append(messages, "assistant", {{"type", "text"}, {"text", m.content}});
          for (const auto& c : m.tool_calls) {
            append(messages, "assistant", {{"type", "tool_use"}, {"id", c.id}, {"name", c.name}, {"input", tool_input(c)}});
          }
          break;
        case Role::Tool:
          append(messages, "user", {{"type", "tool_result"}, {"tool_use_id", m.tool_call_id}, {"content", m.content}});
          break;
      }
    }
    if (messages.empty()) return Error::invalid("a completion needs at least one user or assistant message");
    body["messages"] = messages;
    if (!system.empty()) body["system"] = system;
    if (!request.tools.empty()) {
      json tools = json::array();
      for (const auto& t : request.tools) {
        tools.push_back({{"name", t.name}, {"description", t.description}, {"input_schema", t.parameters}});
      }
      body["tools"] = tools;
    }
    if (request.temperature) body["temperature"] = *request.temperature;
    if (stream) body["stream"] = true;
    net::HeaderList headers{{"anthropic-version", "2023-06-01"}};
    if (!api_key.empty()) headers.emplace_back("x-api-key", api_key);
    if (stream) headers.emplace_back("Accept", "text/event-stream");
    return detail::json_post(backend.base_url + "/messages", body, std::move(headers));
  }

  Result<CompletionResponse> parse(std::string_view text) const override {
    NEXTRA_ASSIGN_OR_RETURN(json j, detail::parse_json(text, "the provider"));
    if (!j.is_object() || !j.contains("content") || !j["content"].is_array()) {
      return Error::make(ErrorCode::Unavailable, "unexpected response shape from the provider (no content[])");
    }
    CompletionResponse r;
    r.model = str(j, "model");
    r.finish_reason = str(j, "stop_reason");
    if (j.contains("usage")) apply_usage(j["usage"], r.usage);
    for (const auto& b : j["content"]) {
      std::string type = str(b, "type");
      if (type == "text") {
        r.content += str(b, "text");
      } else if (type == "tool_use") {
        r.tool_calls.push_back({str(b, "id"), str(b, "name"), b.contains("input") ? b["input"] : json::object()});
      }
    }
    return r;
  }

  std::unique_ptr<StreamDecoder> stream_decoder() const override { return std::make_unique<AnthropicStream>(); }
};

}  // namespace

std::unique_ptr<Provider> make_anthropic_provider() { return std::make_unique<AnthropicProvider>(); }

}  // namespace nextra::llm
