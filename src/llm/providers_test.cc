// The three wire formats, without a network: requests built, answers and streams parsed.
#include <gtest/gtest.h>

#include "llm/provider.h"
#include "llm/sse.h"

namespace nextra::llm {
namespace {

using nlohmann::json;

BackendConfig backend(WireFormat wire, const std::string& base) {
  BackendConfig b;
  b.wire = wire;
  b.base_url = base;
  return b;
}

CompletionRequest conversation() {
  CompletionRequest r;
  r.messages = {Message::system("be brief"), Message::user("weather in Oslo?")};
  Message call = Message::assistant("");
  call.tool_calls = {{"call_1", "get_weather", json{{"city", "Oslo"}}}};
  r.messages.push_back(call);
  r.messages.push_back(Message::tool_result("call_1", "get_weather", R"({"temp":3})"));
  r.tools = {{"get_weather", "Weather for a city",
              json{{"type", "object"}, {"properties", {{"city", {{"type", "string"}}}}}, {"additionalProperties", false}}}};
  r.temperature = 0.2;
  r.max_tokens = 50;
  return r;
}

std::string header(const net::HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

TEST(OpenAiWire, BuildsChatCompletionsWithToolsAndParsesToolCalls) {
  auto p = make_openai_provider();
  auto req = p->build(backend(WireFormat::OpenAi, "https://api.example/v1"), "sk-k", "gpt-4o", conversation(), false);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->url, "https://api.example/v1/chat/completions");
  EXPECT_EQ(header(*req, "Authorization"), "Bearer sk-k");
  json body = json::parse(req->body);
  EXPECT_EQ(body["messages"].size(), 4u);
  EXPECT_EQ(body["messages"][2]["tool_calls"][0]["function"]["arguments"], R"({"city":"Oslo"})");
  EXPECT_EQ(body["messages"][3]["tool_call_id"], "call_1");
  EXPECT_EQ(body["tools"][0]["function"]["name"], "get_weather");
  EXPECT_FALSE(body.contains("stream"));

  auto r = p->parse(R"({"model":"gpt-4o","choices":[{"message":{"role":"assistant","content":null,
    "tool_calls":[{"id":"c9","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Bergen\"}"}}]},
    "finish_reason":"tool_calls"}],"usage":{"prompt_tokens":12,"completion_tokens":7}})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->tool_calls.size(), 1u);
  EXPECT_EQ(r->tool_calls[0].id, "c9");
  EXPECT_EQ(r->tool_calls[0].arguments["city"], "Bergen");
  EXPECT_EQ(r->usage.total(), 19);
  EXPECT_EQ(p->parse("{not json").error().code, ErrorCode::Unavailable);
}

TEST(OpenAiWire, StreamAssemblesTextAndToolCallFragments) {
  auto d = make_openai_provider()->stream_decoder();
  std::string tokens;
  auto on = [&](std::string_view t) { tokens += t; };
  for (const char* e : {R"({"model":"m","choices":[{"delta":{"content":"Hel"}}]})",
                        R"({"choices":[{"delta":{"content":"lo"}}]})",
                        R"({"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"f","arguments":"{\"a\":"}}]}}]})",
                        R"({"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}}]})",
                        R"({"choices":[{"delta":{},"finish_reason":"tool_calls"}]})",
                        R"({"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}})", "[DONE]"}) {
    ASSERT_TRUE(d->on_event("", e, on).ok()) << e;
  }
  auto r = d->finish();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(tokens, "Hello");
  EXPECT_EQ(r->content, "Hello");
  ASSERT_EQ(r->tool_calls.size(), 1u);
  EXPECT_EQ(r->tool_calls[0].arguments["a"], 1);
  EXPECT_EQ(r->usage.completion_tokens, 4);
}

TEST(AnthropicWire, SystemApartToolResultsAsUserBlocks) {
  auto p = make_anthropic_provider();
  auto req = p->build(backend(WireFormat::Anthropic, "https://api.anthropic.example/v1"), "ak", "claude-sonnet-4",
                      conversation(), true);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->url, "https://api.anthropic.example/v1/messages");
  EXPECT_EQ(header(*req, "x-api-key"), "ak");
  EXPECT_EQ(header(*req, "anthropic-version"), "2023-06-01");
  json body = json::parse(req->body);
  EXPECT_EQ(body["system"], "be brief");
  EXPECT_EQ(body["stream"], true);
  ASSERT_EQ(body["messages"].size(), 3u);
  EXPECT_EQ(body["messages"][1]["content"][0]["type"], "tool_use");
  EXPECT_EQ(body["messages"][2]["content"][0]["type"], "tool_result");
  EXPECT_EQ(body["tools"][0]["input_schema"]["type"], "object");

  auto r = p->parse(R"({"model":"claude-sonnet-4","content":[{"type":"text","text":"Let me check."},
    {"type":"tool_use","id":"tu_1","name":"get_weather","input":{"city":"Oslo"}}],"stop_reason":"tool_use",
    "usage":{"input_tokens":20,"output_tokens":9}})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->content, "Let me check.");
  ASSERT_EQ(r->tool_calls.size(), 1u);
  EXPECT_EQ(r->tool_calls[0].id, "tu_1");
  EXPECT_EQ(r->usage.prompt_tokens, 20);
}

TEST(AnthropicWire, StreamEvents) {
  auto d = make_anthropic_provider()->stream_decoder();
  std::string tokens;
  auto on = [&](std::string_view t) { tokens += t; };
  const std::pair<const char*, const char*> events[] = {
      {"message_start", R"({"type":"message_start","message":{"model":"claude","usage":{"input_tokens":5}}})"},
      {"content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"},
      {"content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}})"},
      {"ping", R"({"type":"ping"})"},
      {"content_block_start", R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t1","name":"f"}})"},
      {"content_block_delta", R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"x\":"}})"},
      {"content_block_delta", R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"2}"}})"},
      {"message_delta", R"({"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":8}})"},
      {"message_stop", R"({"type":"message_stop"})"}};
  for (const auto& [e, d_] : events) ASSERT_TRUE(d->on_event(e, d_, on).ok()) << e;
  auto r = d->finish();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(tokens, "Hi");
  ASSERT_EQ(r->tool_calls.size(), 1u);
  EXPECT_EQ(r->tool_calls[0].arguments["x"], 2);
  EXPECT_EQ(r->usage.total(), 13);
  auto early = make_anthropic_provider()->stream_decoder();
  EXPECT_FALSE(early->finish().ok());
}

TEST(GeminiWire, ContentsRolesFunctionDeclarationsAndKeyInHeader) {
  auto p = make_gemini_provider();
  auto req = p->build(backend(WireFormat::Gemini, "https://g.example/v1beta"), "gk", "gemini-2.0-flash", conversation(), false);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->url, "https://g.example/v1beta/models/gemini-2.0-flash:generateContent");
  EXPECT_EQ(req->url.find("gk"), std::string::npos);
  EXPECT_EQ(header(*req, "x-goog-api-key"), "gk");
  json body = json::parse(req->body);
  EXPECT_EQ(body["systemInstruction"]["parts"][0]["text"], "be brief");
  EXPECT_EQ(body["contents"][1]["role"], "model");
  EXPECT_EQ(body["contents"][1]["parts"][0]["functionCall"]["name"], "get_weather");
  EXPECT_EQ(body["contents"][2]["parts"][0]["functionResponse"]["response"]["temp"], 3);
  EXPECT_FALSE(body["tools"][0]["functionDeclarations"][0]["parameters"].contains("additionalProperties"));
  EXPECT_EQ(body["generationConfig"]["maxOutputTokens"], 50);
  EXPECT_FALSE(p->build(backend(WireFormat::Gemini, "https://g"), "", "../x", conversation(), false).ok());

  auto r = p->parse(R"({"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Oslo"}}}]},
    "finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":11,"candidatesTokenCount":3},"modelVersion":"gemini-2.0-flash"})");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->tool_calls.size(), 1u);
  EXPECT_EQ(r->tool_calls[0].id, "call_1");
  EXPECT_EQ(r->tool_calls[0].arguments["city"], "Oslo");
  EXPECT_EQ(r->usage.total(), 14);
}

TEST(ProviderError, ExtractsTheMessage) {
  EXPECT_EQ(provider_error_message(R"({"error":{"message":"bad key","type":"auth"}})"), "bad key");
  EXPECT_EQ(provider_error_message(R"([{"error":{"code":429,"message":"quota"}}])"), "quota");
  EXPECT_EQ(provider_error_message("plain text"), "plain text");
}

}  // namespace
}  // namespace nextra::llm
