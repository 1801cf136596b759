#include "llm/provider_util.h"

#include "llm/provider.h"

namespace nextra::llm::detail {

Result<nlohmann::json> parse_json(std::string_view text, const char* what) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return Error::make(ErrorCode::Unavailable, std::string("malformed JSON from ") + what);
  return j;
}

nlohmann::json parse_arguments(std::string_view text) {
  if (text.empty()) return nlohmann::json::object();
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return nlohmann::json(std::string(text));
  return j;
}

net::HttpRequest json_post(std::string url, const nlohmann::json& body, net::HeaderList headers) {
  net::HttpRequest r;
  r.method = "POST";
  r.url = std::move(url);
  r.body = body.dump();
  r.headers = std::move(headers);
  r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

std::string str(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

long long num(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return 0;
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<long long>() : 0;
}

}  // namespace nextra::llm::detail

namespace nextra::llm {

std::string provider_error_message(std::string_view body) {
  std::string msg;
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_array() && !j.empty()) j = j[0];  // Gemini sometimes wraps errors in a list
  if (j.is_object() && j.contains("error")) {
    const auto& e = j["error"];
    msg = e.is_string() ? e.get<std::string>() : detail::str(e, "message");
  }
  if (msg.empty()) msg = std::string(body.substr(0, 300));
  if (msg.size() > 300) msg = msg.substr(0, 300) + "...";
  return msg;
}

std::unique_ptr<Provider> make_provider(WireFormat wire) {
  switch (wire) {
    case WireFormat::OpenAi: return make_openai_provider();
    case WireFormat::Anthropic: return make_anthropic_provider();
    case WireFormat::Gemini: return make_gemini_provider();
  }
  return make_openai_provider();
}

const char* role_name(Role role) {
  switch (role) {
    case Role::System: return "system";
    case Role::User: return "user";
    case Role::Assistant: return "assistant";
    case Role::Tool: return "tool";
  }
  return "user";
}

}  // namespace nextra::llm
