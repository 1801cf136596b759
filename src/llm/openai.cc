// OpenAI chat completions (also xAI, Groq, Ollama, vLLM, llama.cpp server):
// POST {base}/chat/completions, Bearer key; streaming as `data: {chunk}` … `data: [DONE]`.
#include <map>

#include "llm/provider.h"
#include "llm/provider_util.h"

namespace nextra::llm {

namespace {

using nlohmann::json;
using detail::num;
using detail::str;

json to_wire(const Message& m) {
  json out{{"role", role_name(m.role)}};
  if (m.role == Role::Assistant && !m.tool_calls.empty()) {
    out["content"] = m.content.empty() ? json(nullptr) : json(m.content);
    json calls = json::array();
    for (const auto& c : m.tool_calls) {
      calls.push_back({{"id", c.id}, {"type", "function"},
                       {"function", {{"name", c.name}, {"arguments", c.arguments.is_string() ? c.arguments.get<std::string>() : c.arguments.dump()}}}});
    }
    out["tool_calls"] = calls;
  } else {
    out["content"] = m.content;
  }
  if (m.role == Role::Tool) out["tool_call_id"] = m.tool_call_id;
  return out;
}

Usage usage_of(const json& j) {
  Usage u;
  if (j.is_object() && j.contains("usage") && j["usage"].is_object()) {
    u.prompt_tokens = num(j["usage"], "prompt_tokens");
    u.completion_tokens = num(j["usage"], "completion_tokens");
  }
  return u;
}

class OpenAiStream : public StreamDecoder {
 public:
  Status on_event(std::string_view, std::string_view data, const TokenCallback& on_token) override {
    if (data == "[DONE]") {
      done_ = true;
      return {};
    }
    NEXTRA_ASSIGN_OR_RETURN(json j, detail::parse_json(data, "the provider's stream"));
    if (j.contains("error")) return Error::make(ErrorCode::Unavailable, provider_error_message(data));
    if (r_.model.empty()) r_.model = str(j, "model");
    if (j.contains("usage") && j["usage"].is_object()) r_.usage = usage_of(j);
    if (!j.contains("choices") || !j["choices"].is_array() || j["choices"].empty()) return {};
    const json& choice = j["choices"][0];
    if (!str(choice, "finish_reason").empty()) r_.finish_reason = str(choice, "finish_reason");
    if (!choice.contains("delta") || !choice["delta"].is_object()) return {};
    const json& delta = choice["delta"];
    std::string text = str(delta, "content");
    if (!text.empty()) {
      r_.content += text;
      if (on_token) on_token(text);
    }
    if (delta.contains("tool_calls") && delta["tool_calls"].is_array()) {
      for (const auto& tc : delta["tool_calls"]) {
        long long index = num(tc, "index");
        Partial& p = calls_[index];
        if (!str(tc, "id").empty()) p.id = str(tc, "id");
        if (tc.contains("function") && tc["function"].is_object()) {
          p.name += str(tc["function"], "name");
          p.arguments += str(tc["function"], "arguments");
        }
      }
    }
    return {};
  }

  Result<CompletionResponse> finish() override {
    if (!done_ && r_.finish_reason.empty()) {
      return Error::make(ErrorCode::Unavailable, "the provider's stream ended early");
    }
    for (auto& [index, p] : calls_) {
      r_.tool_calls.push_back({p.id, p.name, detail::parse_arguments(p.arguments)});
    }
    return std::move(r_);
  }

 private:
  struct Partial {
    std::string id, name, arguments;
  };
  CompletionResponse r_;
  std::map<long long, Partial> calls_;  // by the stream's index
  bool done_ = false;
};

class OpenAiProvider : public Provider {
 public:
  Result<net::HttpRequest> build(const BackendConfig& backend, const std::string& api_key, const std::string& model,
                                 const CompletionRequest& request, bool stream) const override {
    json body{{"model", model}};
    json messages = json::array();
    for (const auto& m : request.messages) messages.push_back(to_wire(m));
    body["messages"] = messages;
    if (!request.tools.empty()) {
      json tools = json::array();
      for (const auto& t : request.tools) {
        tools.push_back({{"type", "function"},
                         {"function", {{"name", t.name}, {"description", t.description}, {"parameters", t.parameters}}}});
      }
      body["tools"] = tools;
    }
    if (request.temperature) body["temperature"] = *request.temperature;
    if (request.max_tokens) body["max_tokens"] = *request.max_tokens;
    if (stream) {
      body["stream"] = true;
      body["stream_options"] = {{"include_usage", true}};
    }
    net::HeaderList headers;
    if (!api_key.empty()) headers.emplace_back("Authorization", "Bearer " + api_key);
    if (stream) headers.emplace_back("Accept", "text/event-stream");
    return detail::json_post(backend.base_url + "/chat/completions", body, std::move(headers));
  }

  Result<CompletionResponse> parse(std::string_view text) const override {
    NEXTRA_ASSIGN_OR_RETURN(json j, detail::parse_json(text, "the provider"));
    if (!j.is_object() || !j.contains("choices") || !j["choices"].is_array() || j["choices"].empty() ||
        !j["choices"][0].contains("message") || !j["choices"][0]["message"].is_object()) {
      return Error::make(ErrorCode::Unavailable, "unexpected response shape from the provider (no choices[0].message)");
    }
    CompletionResponse r;
    const json& choice = j["choices"][0];
    const json& msg = choice["message"];
    r.content = str(msg, "content");
    r.finish_reason = str(choice, "finish_reason");
    r.model = str(j, "model");
    r.usage = usage_of(j);
    if (msg.contains("tool_calls") && msg["tool_calls"].is_array()) {
      for (const auto& tc : msg["tool_calls"]) {
        if (!tc.contains("function") || !tc["function"].is_object()) continue;
        r.tool_calls.push_back({str(tc, "id"), str(tc["function"], "name"),
                                detail::parse_arguments(str(tc["function"], "arguments"))});
      }
    }
    return r;
  }

  std::unique_ptr<StreamDecoder> stream_decoder() const override { return std::make_unique<OpenAiStream>(); }
};

}  // namespace

std::unique_ptr<Provider> make_openai_provider() { return std::make_unique<OpenAiProvider>(); }

}  // namespace nextra::llm
