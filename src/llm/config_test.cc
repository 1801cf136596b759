#include "llm/config.h"

#include <gtest/gtest.h>

namespace nextra::llm {
namespace {

TEST(LlmConfig, ParsesTheLibraryExampleWithDefaults) {
  auto c = parse_llm_config(R"(
strategy: failover
retries: 3
backends: [ { provider: xai, api_key_env: XAI_API_KEY, rate_limit_tpm: 100000 } ]
)");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->strategy, Strategy::Failover);
  ASSERT_EQ(c->backends.size(), 1u);
  const auto& b = c->backends[0];
  EXPECT_EQ(b.name, "xai");
  EXPECT_EQ(b.base_url, "https://api.x.ai/v1");
  EXPECT_EQ(b.wire, WireFormat::OpenAi);
  EXPECT_EQ(b.max_concurrent, 20);
  EXPECT_EQ(c->max_in_flight, 16);
  EXPECT_DOUBLE_EQ(b.timeout_seconds, 120);
  EXPECT_TRUE(b.serves("grok-3-mini"));
  EXPECT_FALSE(b.serves("gpt-4o"));
}

TEST(LlmConfig, EveryKeyAndModelPatterns) {
  auto c = parse_llm_config(R"(
strategy: round-robin
retries: 2
retry_base_delay: 0.5
retry_max_delay: 10
timeout: 30
default_model: claude-sonnet-4
max_in_flight: 64
backends:
  - name: a
    provider: anthropic
    api_key: sk-ant-literal
    models: [claude-sonnet-4, "claude-3-*"]
    priority: 2
    max_concurrent: 4
  - name: local
    provider: ollama
    base_url: http://ollama.internal:11434/v1/
    timeout: 5
)");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->strategy, Strategy::RoundRobin);
  EXPECT_EQ(c->default_model, "claude-sonnet-4");
  EXPECT_EQ(c->max_in_flight, 64);
  EXPECT_TRUE(c->backends[0].serves("claude-3-haiku"));
  EXPECT_FALSE(c->backends[0].serves("claude-opus-4"));
  EXPECT_DOUBLE_EQ(c->backends[0].timeout_seconds, 30);  // the section's timeout
  EXPECT_EQ(c->backends[1].base_url, "http://ollama.internal:11434/v1");
  EXPECT_DOUBLE_EQ(c->backends[1].timeout_seconds, 5);
  EXPECT_TRUE(c->backends[1].serves("llama3"));
}

TEST(LlmConfig, ErrorsNameTheFieldAndLine) {
  struct Case {
    const char* yaml;
    const char* field;
  };
  const Case cases[] = {
      {"backends: []", "llm.backends"},
      {"strategy: random\nbackends: [{provider: ollama}]", "llm.strategy"},
      {"backends:\n  - provider: nope", "llm.backends[0].provider"},
      {"backends:\n  - provider: openai", "llm.backends[0].api_key_env"},
      {"backends:\n  - provider: ollama\n    max_concurrent: 0", "llm.backends[0].max_concurrent"},
      {"backends:\n  - provider: ollama\n    colour: red", "llm.backends[0].colour"},
      {"retries: 99\nbackends: [{provider: ollama}]", "llm.retries"},
      {"max_in_flight: 1000\nbackends: [{provider: ollama}]", "llm.max_in_flight"},
      {"backends:\n  - {provider: ollama, name: x}\n  - {provider: ollama, name: x}", "llm.backends[1].name"},
      {"backends:\n  - provider: ollama\n    base_url: ftp://x", "llm.backends[0].base_url"},
      {"backends:\n  - provider: openai\n    api_key: a\n    api_key_env: B", "llm.backends[0].api_key"},
  };
  for (const auto& c : cases) {
    auto r = parse_llm_config(c.yaml);
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_EQ(r.error().field, c.field) << r.error().message;
    EXPECT_NE(r.error().message.find(c.field), std::string::npos) << r.error().message;
  }
  // Lines are relative to where the section starts in the organism file.
  auto r = parse_llm_config(flow::RawSection{"backends:\n  - provider: nope", {10, 3}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().line, 11);
  auto syntax = parse_llm_config("backends: [");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.error().field, "llm");
}

TEST(LlmConfig, KeyNeverAppearsInErrors) {
  auto r = parse_llm_config("backends:\n  - provider: openai\n    api_key: sk-SECRET-123\n    colour: x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.find("sk-SECRET-123"), std::string::npos);
}

}  // namespace
}  // namespace nextra::llm
