// Google Gemini: POST {base}/models/{model}:generateContent (streaming:
// :streamGenerateContent?alt=sse, each event a partial GenerateContentResponse), key in the
// x-goog-api-key header (never in the URL, where it would reach logs). Roles are user and
// model; tools are functionDeclarations; a tool result is a functionResponse part.
#include "llm/provider.h"
#include "llm/provider_util.h"

namespace nextra::llm {

namespace {

using nlohmann::json;
using detail::num;
using detail::str;

// Gemini accepts an OpenAPI subset of JSON Schema; these keys make it refuse the request.
json schema_for_gemini(json s) {
  if (s.is_object()) {
    s.erase("$schema");
    s.erase("additionalProperties");
    for (auto& [k, v] : s.items()) v = schema_for_gemini(v);
  } else if (s.is_array()) {
    for (auto& v : s) v = schema_for_gemini(v);
  }
  return s;
}

void append(json& contents, const std::string& role, json part) {
  if (!contents.empty() && contents.back()["role"] == role) {
    contents.back()["parts"].push_back(std::move(part));
  } else {
    contents.push_back({{"role", role}, {"parts", json::array({std::move(part)})}});
  }
}

// Reads one (possibly partial) GenerateContentResponse into r; returns the new text.
std::string absorb(const json& j, CompletionResponse& r, int& call_counter) {
  std::string text;
  if (j.contains("usageMetadata")) {
    r.usage.prompt_tokens = num(j["usageMetadata"], "promptTokenCount");
    r.usage.completion_tokens = num(j["usageMetadata"], "candidatesTokenCount");
  }
  if (!str(j, "modelVersion").empty()) r.model = str(j, "modelVersion");
  if (!j.contains("candidates") || !j["candidates"].is_array() || j["candidates"].empty()) return text;
  const json& c = j["candidates"][0];
  if (!str(c, "finishReason").empty()) r.finish_reason = str(c, "finishReason");
  if (!c.contains("content") || !c["content"].contains("parts") || !c["content"]["parts"].is_array()) return text;
  for (const auto& p : c["content"]["parts"]) {
    if (p.contains("text") && p["text"].is_string()) {
      text += p["text"].get<std::string>();
    } else if (p.contains("functionCall") && p["functionCall"].is_object()) {
      const json& fc = p["functionCall"];
      std::string id = str(fc, "id");
      if (id.empty()) id = "call_" + std::to_string(++call_counter);  // older models send no id
      r.tool_calls.push_back({id, str(fc, "name"), fc.contains("args") ? fc["args"] : json::object()});
    }
  }
  r.content += text;
  return text;
}

class GeminiStream : public StreamDecoder {
 public:
  Status on_event(std::string_view, std::string_view data, const TokenCallback& on_token) override {
    NEXTRA_ASSIGN_OR_RETURN(json j, detail::parse_json(data, "the provider's stream"));
    if (j.contains("error")) return Error::make(ErrorCode::Unavailable, provider_error_message(data));
    std::string text = absorb(j, r_, calls_);
    if (on_token && !text.empty()) on_token(text);
    return {};
  }
  Result<CompletionResponse> finish() override {
    if (r_.finish_reason.empty()) return Error::make(ErrorCode::Unavailable, "the provider's stream ended early");
    return std::move(r_);
  }

 private:
  CompletionResponse r_;
  int calls_ = 0;
};

class GeminiProvider : public Provider {
 public:
  Result<net::HttpRequest> build(const BackendConfig& backend, const std::string& api_key, const std::string& model,
                                 const CompletionRequest& request, bool stream) const override {
    if (model.find_first_of("/?#:") != std::string::npos) {
      return Error{ErrorCode::InvalidArgument, "model name '" + model + "' may not contain / ? # or :", "model"};
    }
    json body = json::object();
    std::string system;
    json contents = json::array();
    for (const auto& m : request.messages) {
      switch (m.role) {
        case Role::System:
          if (!system.empty()) system += "\n\n";
          system += m.content;
          break;
        case Role::User:
          append(contents, "user", {{"text", m.content}});
          break;
        case Role::Assistant:
          if (!m.content.empty()) append(contents, "model", {{"text", m.content}});
          for (const auto& c : m.tool_calls) {
            append(contents, "model", {{"functionCall", {{"name", c.name}, {"args", c.arguments.is_object() ? c.arguments : json::object()}}}});
          }
          break;
        case Role::Tool: {
          // The response must be an object: a JSON object result as is, else wrapped.
          json result = json::parse(m.content, nullptr, false);
          if (result.is_discarded() || !result.is_object()) result = json{{"result", m.content}};
          append(contents, "user", {{"functionResponse", {{"name", m.name}, {"response", result}}}});
          break;
        }
      }
    }
    if (contents.empty()) return Error::invalid("a completion needs at least one user or assistant message");
    body["contents"] = contents;
    if (!system.empty()) body["systemInstruction"] = {{"parts", json::array({{{"text", system}}})}};
    if (!request.tools.empty()) {
      json decls = json::array();
      for (const auto& t : request.tools) {
        decls.push_back({{"name", t.name}, {"description", t.description}, {"parameters", schema_for_gemini(t.parameters)}});
      }
      body["tools"] = json::array({{{"functionDeclarations", decls}}});
    }
    json gen = json::object();
    if (request.temperature) gen["temperature"] = *request.temperature;
    if (request.max_tokens) gen["maxOutputTokens"] = *request.max_tokens;
    if (!gen.empty()) body["generationConfig"] = gen;
    net::HeaderList headers;
    if (!api_key.empty()) headers.emplace_back("x-goog-api-key", api_key);
    std::string url = backend.base_url + "/models/" + model + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
    return detail::json_post(std::move(url), body, std::move(headers));
  }

  Result<CompletionResponse> parse(std::string_view text) const override {
    NEXTRA_ASSIGN_OR_RETURN(json j, detail::parse_json(text, "the provider"));
    if (!j.is_object() || !j.contains("candidates") || !j["candidates"].is_array()) {
      return Error::make(ErrorCode::Unavailable, "unexpected response shape from the provider (no candidates[])");
    }
    CompletionResponse r;
    int calls = 0;
    absorb(j, r, calls);
    return r;
  }

  std::unique_ptr<StreamDecoder> stream_decoder() const override { return std::make_unique<GeminiStream>(); }
};

}  // namespace

std::unique_ptr<Provider> make_gemini_provider() { return std::make_unique<GeminiProvider>(); }

}  // namespace nextra::llm
