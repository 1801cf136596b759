// Agent listeners in a real pump, through the real gateway, against the scripted provider
// server on loopback: tool-calling loops, corrections of bad tool calls, the pump's peer
// rules applied to what a model asks for, XML mode, self-iteration, streaming, budgets.
#include "agent/agent_handler.h"

#include <gtest/gtest.h>

#include <mutex>

#include "agent/agent_config.h"
#include "llm/scripted_provider.h"
#include "pump/pump_test_support.h"

namespace nextra::agent {
namespace {

using llm::testing::Reply;
using llm::testing::ScriptedProviderServer;
using pump::ExecutionStatus;
using pump::testing::load_spec;
using pump::testing::output_xml;
using pump::testing::run;

constexpr const char* kPayloads = R"(
payloads:
  Question: { text: string }
  Answer: { text: string }
)";

class AgentTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NE(server_.port(), 0); }
  void TearDown() override {
    if (pump_) pump_->shutdown();
  }

  // A pump for `listeners` (YAML) with one gateway backend at the scripted server.
  pump::Pump& start(const std::string& listeners, llm::WireFormat wire = llm::WireFormat::OpenAi,
                    long long max_tokens_per_thread = 100000) {
    const std::string provider = wire == llm::WireFormat::OpenAi ? "openai-compatible" : "anthropic";
    auto config = llm::parse_llm_config("retry_base_delay: 0.01\ndefault_model: " +
                                        std::string(wire == llm::WireFormat::OpenAi ? "test-model" : "claude-test") +
                                        "\nbackends:\n  - {name: b, provider: " +
                                        provider + ", base_url: \"" + server_.base_url("b", wire) +
                                        "\", api_key: key-0123456789}\n");
    EXPECT_TRUE(config.ok()) << config.error().message;
    net::HttpClientOptions http;
    http.allowlist = *net::Allowlist::parse({"127.0.0.1"});
    llm::GatewayOptions g;
    g.config = *config;
    g.http = std::shared_ptr<net::HttpClient>(std::move(net::HttpClient::create(http)).value());
    g.max_tokens_per_thread = max_tokens_per_thread;
    services_ = std::make_shared<AgentServices>();
    services_->gateway = std::shared_ptr<llm::Gateway>(std::move(llm::Gateway::create(std::move(g))).value());
    services_->conversations = std::make_shared<Conversations>();
    services_->on_text = [this](const std::string&, const std::string& agent, const std::string&, std::string_view text) {
      std::lock_guard lock(mu_);
      streamed_[agent] += text;
    };
    spec_ = load_spec(std::string(kPayloads) + listeners);
    EXPECT_TRUE(spec_);
    pump::PumpOptions o;
    o.handler_factories["llm"] = make_agent_handler_factory(services_, spec_.get());
    flow::Diagnostics diags;
    auto p = pump::Pump::create(spec_, std::move(o), nullptr, &diags);
    EXPECT_TRUE(p.ok()) << (diags.empty() ? p.error().message : diags[0].message);
    pump_ = std::move(p).value();
    pump_->add_observer(services_->conversations.get());
    EXPECT_TRUE(pump_->start().ok());
    return *pump_;
  }

  // Everything the model was sent in call `i` to backend b, as one JSON text.
  std::string request(std::size_t i) {
    auto got = server_.received("b");
    return i < got.size() ? got[i].body.dump() : std::string("(no call ") + std::to_string(i) + ")";
  }

  ScriptedProviderServer server_;
  std::shared_ptr<AgentServices> services_;
  std::shared_ptr<const flow::OrganismSpec> spec_;
  std::unique_ptr<pump::Pump> pump_;
  std::mutex mu_;
  std::map<std::string, std::string> streamed_;
};

constexpr const char* kSolver = R"(
listeners:
  - name: solver
    payload_class: Question
    handler: llm
    agent: true
    prompt: You solve arithmetic questions.
    description: Answers questions
    peers: [calc, answer]
    llm: { max_tool_errors: 2 }
  - name: calc
    payload_class: Calculate
    handler: tool:calculate
    description: Evaluates an arithmetic expression
  - name: answer
    payload_class: Answer
    handler: output
    description: The final answer
  - name: secret
    payload_class: Answer
    handler: output
    description: Nobody may reach this
)";

TEST_F(AgentTest, PeersAreToolsAndTheirAnswersComeBackAsToolResults) {
  auto& p = start(kSolver);
  server_.script("b", {Reply::tool_call("calc", {{"expression", "6*7"}}), Reply::tool_call("answer", {{"text", "42"}})});
  auto r = run(p, "solver", "<Question><Text>What is 6 times 7?</Text></Question>");
  ASSERT_EQ(r.status, ExecutionStatus::Success) << r.error;
  EXPECT_EQ(output_xml(r), "<Answer><Text>42</Text></Answer>");
  ASSERT_EQ(server_.calls("b"), 2);
  auto first = server_.received("b")[0].body;
  // System prompt with the peers' descriptions, then the question; the peers as tools whose
  // parameters are their payload schemas. The unrelated `secret` listener is not offered.
  EXPECT_NE(first["messages"][0]["content"].get<std::string>().find("You solve arithmetic questions."), std::string::npos);
  EXPECT_NE(first["messages"][0]["content"].get<std::string>().find("Evaluates an arithmetic expression"), std::string::npos);
  EXPECT_NE(first["messages"][1]["content"].get<std::string>().find("What is 6 times 7?"), std::string::npos);
  ASSERT_EQ(first["tools"].size(), 2u);
  EXPECT_EQ(first["tools"][0]["function"]["name"], "calc");
  EXPECT_EQ(first["tools"][0]["function"]["parameters"]["properties"]["expression"]["type"], "string");
  EXPECT_EQ(first["tools"][1]["function"]["name"], "answer");
  EXPECT_EQ(first.dump().find("secret"), std::string::npos);
  // The second call carries the calculator's answer as the tool result of the first call.
  auto second = server_.received("b")[1].body;
  auto last = second["messages"].back();
  EXPECT_EQ(last["role"], "tool");
  EXPECT_EQ(last["tool_call_id"], "call_1");
  EXPECT_NE(last["content"].get<std::string>().find("<Result>42</Result>"), std::string::npos) << last.dump();
  EXPECT_EQ(services_->conversations->size(), 0u);  // dropped with the execution
}

TEST_F(AgentTest, BadToolCallsComeBackAsErrorsTheModelCorrects) {
  auto& p = start(kSolver);
  server_.script("b", {Reply::tool_call("shell", {{"command", "ls"}}), Reply::tool_call("calc", {{"formula", "1+1"}}),
                       Reply::tool_call("answer", {{"text", "2"}})});
  auto r = run(p, "solver", "<Question><Text>1+1?</Text></Question>");
  ASSERT_EQ(r.status, ExecutionStatus::Success) << r.error;
  EXPECT_EQ(output_xml(r), "<Answer><Text>2</Text></Answer>");
  EXPECT_NE(request(1).find("there is no tool 'shell'; your tools are: calc, answer"), std::string::npos) << request(1);
  EXPECT_NE(request(2).find("the arguments do not fit Calculate"), std::string::npos) << request(2);
  EXPECT_NE(request(2).find("formula"), std::string::npos);
}

TEST_F(AgentTest, TooManyBadToolCallsFailTheStep) {
  auto& p = start(kSolver);
  server_.script("b", {Reply::tool_call("shell", {}), Reply::tool_call("shell", {}), Reply::tool_call("shell", {}),
                       Reply::tool_call("answer", {{"text", "never"}})});
  auto r = run(p, "solver", "<Question><Text>x</Text></Question>");
  EXPECT_EQ(r.status, ExecutionStatus::Error);
  EXPECT_NE(r.error.find("bad tool calls"), std::string::npos) << r.error;
  EXPECT_EQ(server_.calls("b"), 3);  // max_tool_errors: 2 → the third bad call ends it
}

TEST_F(AgentTest, XmlModeMessagesAreRepairedValidatedAndPeerChecked) {
  auto& p = start(R"(
listeners:
  - name: writer
    payload_class: Question
    description: Writes
    handler: llm
    agent: true
    peers: [answer]
    llm: { mode: xml }
  - name: answer
    payload_class: Answer
    handler: output
    description: The final answer
  - name: secret
    payload_class: Answer
    handler: output
    description: Nobody may reach this
)");
  server_.script("b", {Reply::text_reply("<message to=\"secret\"><Answer><Text>leak</Text></Answer></message>"),
                       Reply::text_reply("Sure! ```xml\n<Answer><Text>fish & chips</Text>\n```")});
  auto r = run(p, "writer", "<Question><Text>Dinner?</Text></Question>");
  ASSERT_EQ(r.status, ExecutionStatus::Success) << r.error;
  // The pump refused the non-peer; the model saw why and answered its peer; the broken XML
  // (bare ampersand, unclosed element) was repaired and validated as an Answer.
  EXPECT_EQ(output_xml(r), "<Answer><Text>fish  chips</Text></Answer>");
  EXPECT_EQ(request(0).find("\"tools\""), std::string::npos);
  EXPECT_NE(request(0).find("<message to=\\\"PEER\\\">"), std::string::npos);
  EXPECT_NE(request(1).find("[From system]"), std::string::npos) << request(1);
  EXPECT_NE(request(1).find("secret"), std::string::npos);
}

TEST_F(AgentTest, SubAgentAnswersItsCallerInItsRespondClass) {
  auto& p = start(R"(
listeners:
  - name: lead
    payload_class: Question
    description: Leads
    handler: llm
    agent: true
    peers: [helper, answer]
  - name: helper
    payload_class: Question
    handler: llm
    agent: true
    description: Knows facts
    llm: { respond: Answer }
  - name: answer
    payload_class: Answer
    handler: output
    description: The final answer
)");
  server_.script("b", {Reply::tool_call("helper", {{"text", "capital of France?"}}), Reply::text_reply("Paris"),
                       Reply::tool_call("answer", {{"text", "It is Paris"}})});
  auto r = run(p, "lead", "<Question><Text>Where?</Text></Question>");
  ASSERT_EQ(r.status, ExecutionStatus::Success) << r.error;
  EXPECT_EQ(output_xml(r), "<Answer><Text>It is Paris</Text></Answer>");
  EXPECT_NE(request(2).find("<Answer><Text>Paris</Text></Answer>"), std::string::npos) << request(2);
}

TEST_F(AgentTest, SelfIterationContinuesTheConversation) {
  auto& p = start(R"(
listeners:
  - name: thinker
    payload_class: Question
    description: Thinks
    handler: llm
    agent: true
    peers: [thinker, answer]
  - name: answer
    payload_class: Answer
    handler: output
    description: The final answer
)");
  server_.script("b", {Reply::tool_call("thinker", {{"text", "think again"}}), Reply::tool_call("answer", {{"text", "done"}})});
  auto r = run(p, "thinker", "<Question><Text>Hmm</Text></Question>");
  ASSERT_EQ(r.status, ExecutionStatus::Success) << r.error;
  EXPECT_NE(request(1).find("think again"), std::string::npos);
  EXPECT_NE(request(1).find("\"role\":\"tool\""), std::string::npos);
}

TEST_F(AgentTest, TextStreamsOutAndAFinalTextGoesToTheOnlyOutputPeer) {
  auto& p = start(R"(
listeners:
  - name: poet
    payload_class: Question
    description: Writes poems
    handler: llm
    agent: true
    peers: [answer]
  - name: answer
    payload_class: Answer
    handler: output
    description: The final answer
)", llm::WireFormat::Anthropic);
  server_.script("b", {Reply::text_reply("The quick fox")});
  auto r = run(p, "poet", "<Question><Text>A poem</Text></Question>");
  ASSERT_EQ(r.status, ExecutionStatus::Success) << r.error;
  EXPECT_EQ(output_xml(r), "<Answer><Text>The quick fox</Text></Answer>");
  std::lock_guard lock(mu_);
  EXPECT_EQ(streamed_["poet"], "The quick fox");
  EXPECT_TRUE(server_.received("b")[0].body.value("stream", false));
}

TEST_F(AgentTest, TheThreadBudgetStopsTheAgent) {
  auto& p = start(kSolver, llm::WireFormat::OpenAi, /*max_tokens_per_thread=*/50);
  auto r = run(p, "solver", "<Question><Text>x</Text></Question>");
  EXPECT_EQ(r.status, ExecutionStatus::Error);
  EXPECT_NE(r.error.find("budget"), std::string::npos) << r.error;
  EXPECT_EQ(server_.calls("b"), 0);
}

TEST_F(AgentTest, AFlowWithAgentsButNoGatewayDoesNotStart) {
  auto spec = load_spec(std::string(kPayloads) + kSolver);
  ASSERT_TRUE(spec);
  auto services = std::make_shared<AgentServices>();
  services->conversations = std::make_shared<Conversations>();
  pump::PumpOptions o;
  o.handler_factories["llm"] = make_agent_handler_factory(services, spec.get());
  flow::Diagnostics diags;
  auto p = pump::Pump::create(spec, std::move(o), nullptr, &diags);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("listener 'solver': the flow has no llm: section"), std::string::npos) << p.error().message;
}

TEST_F(AgentTest, ABadAgentSettingNamesItsField) {
  auto spec = load_spec(std::string(kPayloads) + R"(
listeners:
  - name: a
    payload_class: Question
    description: A
    handler: llm
    llm: { mode: telepathy }
)");
  ASSERT_TRUE(spec);
  auto made = parse_agent_config(spec->listeners[0], *spec->schema);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().field, "llm.mode");
  EXPECT_GT(made.error().line, 0);
}

}  // namespace
}  // namespace nextra::agent
