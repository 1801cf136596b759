#pragma once
// The provider-neutral model of a chat completion: what agents, tools and the English → flow
// generator build, and what every provider's wire format (openai.cc, anthropic.cc,
// gemini.cc) is translated from and to. Plain data.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nextra::llm {

enum class Role { System, User, Assistant, Tool };
const char* role_name(Role role);

// A function call the model asks for. `arguments` is the parsed JSON object.
struct ToolCall {
  std::string id;  // the provider's id (generated for Gemini, which has none); echoed in the result
  std::string name;
  nlohmann::json arguments = nlohmann::json::object();
};

struct Message {
  Role role = Role::User;
  std::string content;
  std::vector<ToolCall> tool_calls;  // Assistant: the calls it made
  std::string tool_call_id;          // Tool: which call this answers
  std::string name;                  // Tool: the function's name (Gemini needs it)

  static Message system(std::string text) { return {Role::System, std::move(text), {}, {}, {}}; }
  static Message user(std::string text) { return {Role::User, std::move(text), {}, {}, {}}; }
  static Message assistant(std::string text) { return {Role::Assistant, std::move(text), {}, {}, {}}; }
  static Message tool_result(std::string call_id, std::string name, std::string content) {
    return {Role::Tool, std::move(content), {}, std::move(call_id), std::move(name)};
  }
};

// A function offered to the model; `parameters` is a JSON Schema object.
struct ToolDefinition {
  std::string name;
  std::string description;
  nlohmann::json parameters = nlohmann::json{{"type", "object"}, {"properties", nlohmann::json::object()}};
};

struct CompletionRequest {
  std::string model;  // empty: the `llm:` section's default_model
  std::vector<Message> messages;
  std::vector<ToolDefinition> tools;
  std::optional<double> temperature;
  std::optional<int> max_tokens;
  // Accounting: the thread whose budget pays, and the listener asking (both optional);
  // `account`, when set, is the organization the call is charged to, for gateways that serve
  // several organizations (the server's own, for English → flow).
  std::string thread_id;
  std::string agent;
  std::string account;
};

struct Usage {
  long long prompt_tokens = 0;
  long long completion_tokens = 0;
  long long total() const { return prompt_tokens + completion_tokens; }
};

struct CompletionResponse {
  std::string content;
  std::vector<ToolCall> tool_calls;
  std::string model;          // as the provider reported it
  std::string finish_reason;  // the provider's word (stop, tool_calls, end_turn, STOP, ...)
  Usage usage;
  // Filled by the gateway.
  std::string backend;
  std::string provider;
  int attempts = 0;
  std::chrono::milliseconds latency{0};
  std::optional<double> cost_usd;  // nullopt when the price table does not know the model
};

}  // namespace nextra::llm
