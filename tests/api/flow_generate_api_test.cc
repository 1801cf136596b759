// English → flow (issue #5): POST /api/flows/generate against a local server speaking the
// OpenAI chat-completions API with scripted answers. A valid answer is returned with a
// canvas layout; an invalid one goes back to the model with the validator's messages, at
// most 3 answers in all; nothing is ever saved.
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <thread>

#include "api/flow_generate.h"
#include "api_fixture.h"
#include "flow/loader.h"
#include "llm/scripted_provider.h"

namespace nextra::apitest {
namespace {

using Scripted = llm::testing::Reply;
using nlohmann::json;

// The fixture's valid flow with a trigger, and the same flow with a misspelt handler.
std::string good_yaml() {
  return valid_flow_yaml("generated") + "triggers:\n  - { name: hook, type: webhook, target: start }\n";
}
std::string bad_yaml() {
  std::string y = good_yaml();
  y.replace(y.find("handler: output"), 15, "handler: outptu");
  return y;
}
std::string fenced(const std::string& yaml) { return "Here is your flow:\n\n```yaml\n" + yaml + "```\n\nEnjoy."; }

// The first error the engine reports for `yaml`: what the model must be told.
std::string first_error(const std::string& yaml) {
  auto loaded = flow::load_organism(yaml);
  for (const auto& d : loaded.diagnostics) {
    if (d.severity == flow::Diagnostic::Severity::Error) return d.message;
  }
  return {};
}

class FlowGenerateApi : public ApiTest {
 protected:
  // Restarts the App with an LLM config pointing at the scripted provider.
  void configure() {
    ASSERT_NE(provider.port(), 0);
    const auto file = data_dir / "generator-llm.yaml";
    std::ofstream(file) << "llm:\n  default_model: test-model\n  retries: 0\n  backends:\n    - name: main\n"
                           "      provider: openai-compatible\n      base_url: \""
                        << provider.base_url("main", llm::WireFormat::OpenAi) << "\"\n";
    options.llm_config_file = file;
    options.outbound_allowlist = {"127.0.0.1"};
    start();
  }
  Reply generate(Client& c, const std::string& description) {
    return c.post("/api/flows/generate", {{"description", description}});
  }
  std::int64_t flow_count(Client& c) {
    auto r = c.get("/api/flows");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json.value("total", std::int64_t{-1});
  }
  // The messages of the provider's n-th request.
  json messages(int n) { return provider.received("main").at(n).body["messages"]; }

  llm::testing::ScriptedProviderServer provider;
};

TEST_F(FlowGenerateApi, ValidOnTheFirstAttempt) {
  configure();
  provider.script("main", {Scripted::text_reply(fenced(good_yaml()))});
  Client c = user("ada@example.com");
  auto r = generate(c, "Pass a ping through to the output");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["organismYaml"], good_yaml().substr(0, good_yaml().size() - 1));  // trimmed
  EXPECT_EQ(r.json["attempts"], 1);
  EXPECT_EQ(r.json["valid"], true);
  ASSERT_EQ(provider.calls("main"), 1);
  // The prompt: the reference as system message, the description as the user's.
  auto m = messages(0);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0]["role"], "system");
  EXPECT_NE(m[0]["content"].get<std::string>().find("payload_class"), std::string::npos);
  EXPECT_NE(m[1]["content"].get<std::string>().find("Pass a ping through"), std::string::npos);
  EXPECT_EQ(provider.received("main")[0].body["model"], "test-model");

  // The layout the editor stores: trigger → start → out, one column each.
  const auto& canvas = r.json["canvasState"];
  ASSERT_EQ(canvas["nodes"].size(), 3u) << canvas.dump();
  EXPECT_EQ(canvas["nodes"][0]["id"], "trigger:hook");
  EXPECT_EQ(canvas["nodes"][0]["type"], "trigger");
  EXPECT_EQ(canvas["nodes"][0]["position"], json({{"x", 40}, {"y", 40}}));
  EXPECT_EQ(canvas["nodes"][1]["id"], "start");
  EXPECT_EQ(canvas["nodes"][1]["type"], "transform");
  EXPECT_EQ(canvas["nodes"][1]["position"], json({{"x", 300}, {"y", 40}}));
  EXPECT_EQ(canvas["nodes"][2]["id"], "out");
  EXPECT_EQ(canvas["nodes"][2]["position"], json({{"x", 560}, {"y", 40}}));
  ASSERT_EQ(canvas["edges"].size(), 2u);
  EXPECT_EQ(canvas["edges"][0], json({{"id", "trigger:hook->start"}, {"source", "trigger:hook"}, {"target", "start"}, {"kind", "trigger"}}));
  EXPECT_EQ(canvas["edges"][1]["id"], "start->out");

  // The proposal saves as is.
  auto saved = c.post("/api/flows", {{"name", "from-words"}, {"organismYaml", r.json["organismYaml"]},
                                     {"canvasState", r.json["canvasState"]}});
  EXPECT_EQ(saved.status, 201) << saved.body;
}

TEST_F(FlowGenerateApi, ItsCallsAreChargedToTheCallersOrganizationWithinItsSpendCap) {
  configure();
  Scripted priced = Scripted::text_reply(good_yaml(), 1000, 500);
  provider.script("main", {Scripted::text_reply(fenced(bad_yaml()), 1000, 500), priced});
  Client c = user("ada@example.com");
  ASSERT_EQ(generate(c, "Pass a ping through to the output").status, 200);
  // Both attempts are the organization's, under the generator's name and no flow.
  auto usage = c.get("/api/usage?groupBy=agent");
  ASSERT_EQ(usage.status, 200) << usage.body;
  ASSERT_EQ(usage.json["groups"].size(), 1u) << usage.body;
  EXPECT_EQ(usage.json["groups"][0]["key"], "flow-generator");
  EXPECT_EQ(usage.json["groups"][0]["calls"], 2);
  EXPECT_EQ(usage.json["groups"][0]["promptTokens"], 2000);
  Client other = user("bob@example.com");
  EXPECT_EQ(other.get("/api/usage").json["totals"]["calls"], 0);

  // test-model has no price, so only a zero cap is already reached: the next generation is
  // refused before any call.
  ASSERT_EQ(c.put("/api/usage/cap", {{"monthlyCapUsd", 0}}).status, 200);
  auto refused = generate(c, "Pass a ping through to the output");
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.code(), "spend_cap_reached");
  EXPECT_EQ(provider.calls("main"), 2);
}

TEST_F(FlowGenerateApi, InvalidThenRepairedOnTheSecondAttempt) {
  configure();
  provider.script("main", {Scripted::text_reply(fenced(bad_yaml())), Scripted::text_reply(good_yaml())});  // the 2nd unfenced
  Client c = user("ada@example.com");
  auto r = generate(c, "Pass a ping through to the output");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["attempts"], 2);
  EXPECT_EQ(r.json["valid"], true);
  ASSERT_EQ(provider.calls("main"), 2);
  // The same conversation, continued: its first answer, then the validator's messages.
  auto m = messages(1);
  ASSERT_EQ(m.size(), 4u) << m.dump();
  EXPECT_EQ(m[2]["role"], "assistant");
  EXPECT_NE(m[2]["content"].get<std::string>().find("handler: outptu"), std::string::npos);
  EXPECT_EQ(m[3]["role"], "user");
  const std::string error = first_error(bad_yaml());
  ASSERT_FALSE(error.empty());
  EXPECT_NE(m[3]["content"].get<std::string>().find(error), std::string::npos) << m[3]["content"] << "\nwanted: " << error;
  EXPECT_NE(m[3]["content"].get<std::string>().find("line "), std::string::npos);
}

TEST_F(FlowGenerateApi, InvalidThreeTimesIs422WithTheErrors) {
  configure();
  provider.script("main", {Scripted::text_reply(fenced(bad_yaml())), Scripted::text_reply(fenced(bad_yaml())),
                           Scripted::text_reply(fenced(bad_yaml())), Scripted::text_reply(fenced(good_yaml()))});
  Client c = user("ada@example.com");
  const auto before = flow_count(c);
  auto r = generate(c, "Pass a ping through to the output");
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.code(), "generation_invalid");
  EXPECT_EQ(provider.calls("main"), 3);  // never a 4th
  const auto& d = r.json["details"];
  EXPECT_EQ(d["attempts"], 3);
  EXPECT_NE(d["organismYaml"].get<std::string>().find("handler: outptu"), std::string::npos);
  ASSERT_FALSE(d["errors"].empty());
  EXPECT_GT(d["errors"][0]["line"].get<int>(), 0);
  EXPECT_GT(d["errors"][0]["column"].get<int>(), 0);
  EXPECT_EQ(d["errors"][0]["message"], first_error(bad_yaml()));
  EXPECT_EQ(flow_count(c), before);
}

TEST_F(FlowGenerateApi, AnAnswerWithoutYamlCountsAsAFailedAttempt) {
  configure();
  provider.script("main", {Scripted::text_reply("   "), Scripted::text_reply(fenced(good_yaml()))});
  Client c = user("ada@example.com");
  auto r = generate(c, "Anything");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["attempts"], 2);
  EXPECT_NE(messages(1).back()["content"].get<std::string>().find("no organism.yaml"), std::string::npos);
}

TEST_F(FlowGenerateApi, TheProvidersFailureIs502) {
  configure();
  provider.script("main", {Scripted::error(500), Scripted::error(500), Scripted::error(500), Scripted::error(500)});
  Client c = user("ada@example.com");
  auto r = generate(c, "Anything");
  ASSERT_EQ(r.status, 502) << r.body;
  EXPECT_EQ(r.code(), "llm_failed");
}

TEST_F(FlowGenerateApi, WithoutAnLlmConfigIs503) {
  Client c = user("ada@example.com");  // the App as SetUp started it: no --llm-config
  auto r = generate(c, "Pass a ping through to the output");
  ASSERT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.code(), "llm_not_configured");
  EXPECT_FALSE(r.json["message"].get<std::string>().empty());
  EXPECT_TRUE(r.json["details"].is_object());
}

TEST_F(FlowGenerateApi, ABadDescriptionIs400) {
  configure();
  Client c = user("ada@example.com");
  for (const json& body : {json::object(), json{{"description", ""}}, json{{"description", " \n\t "}},
                           json{{"description", 42}}, json{{"description", std::string(4001, 'a')}}}) {
    auto r = c.post("/api/flows/generate", body);
    EXPECT_EQ(r.status, 400) << body.dump().substr(0, 80) << " " << r.body;
    EXPECT_EQ(r.code(), "invalid_argument");
    EXPECT_EQ(r.json["details"]["field"], "description") << r.body;
  }
  EXPECT_EQ(provider.calls("main"), 0);
  // 4,000 characters of two bytes each are fine: the limit counts characters.
  provider.script("main", {Scripted::text_reply(fenced(good_yaml()))});
  std::string long_text;
  for (int i = 0; i < 4000; ++i) long_text += "\xc3\xa9";
  EXPECT_EQ(generate(c, long_text).status, 200);
}

TEST_F(FlowGenerateApi, AViewerIsRefused) {
  configure();
  Client owner = user("owner@example.com");
  Client viewer = user("viewer@example.com");
  auto inv = owner.post("/api/orgs/" + owner.personal_org_id + "/invitations", {{"email", "v@example.com"}, {"role", "viewer"}});
  ASSERT_EQ(inv.status, 201) << inv.body;
  ASSERT_EQ(viewer.post("/api/invitations/" + inv.json["token"].get<std::string>() + "/accept", json::object()).status, 200);
  viewer.org_id = owner.personal_org_id;
  auto r = generate(viewer, "Pass a ping through to the output");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(provider.calls("main"), 0);
}

TEST_F(FlowGenerateApi, NothingIsSaved) {
  configure();
  provider.script("main", {Scripted::text_reply(fenced(good_yaml()))});
  Client c = user("ada@example.com");
  create_flow(c, "existing");
  const auto before = flow_count(c);
  ASSERT_EQ(before, 1);
  ASSERT_EQ(generate(c, "Pass a ping through to the output").status, 200);
  EXPECT_EQ(flow_count(c), before);
}

// The model's answer comes later on a gateway worker: meanwhile the server's io threads
// answer other requests (one io thread here, so a blocked one would show).
TEST_F(FlowGenerateApi, WaitingForTheModelBlocksNoServerThread) {
  options.threads = 1;
  configure();
  provider.script("main", {Scripted::held(fenced(good_yaml()))});
  Client c = user("ada@example.com");
  auto pending = std::async(std::launch::async, [&] { return generate(c, "Pass a ping through to the output"); });
  for (int i = 0; i < 200 && provider.in_flight("main") == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(provider.in_flight("main"), 1);
  EXPECT_EQ(c.get("/api/flows").status, 200);
  EXPECT_EQ(c.get("/api/me").status, 200);
  provider.release_held();
  auto r = pending.get();
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(FlowGenerateApi, ABadLlmConfigStopsTheServerFromStarting) {
  const auto file = data_dir / "bad-llm.yaml";
  std::ofstream(file) << "llm:\n  default_model: m\n  backends:\n    - provider: nope\n";
  auto o = options;
  o.llm_config_file = file;
  stop();
  auto created = app::App::create(o);
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.error().message.find("llm.backends[0].provider"), std::string::npos) << created.error().message;
  EXPECT_NE(created.error().message.find(":4:"), std::string::npos) << created.error().message;

  std::ofstream(file, std::ios::trunc) << "llm:\n  backends:\n    - provider: openai-compatible\n      base_url: http://127.0.0.1:1/v1\n";
  created = app::App::create(o);
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.error().message.find("default_model"), std::string::npos) << created.error().message;

  std::ofstream(file, std::ios::trunc) << "organism: { name: x }\n";
  created = app::App::create(o);
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.error().message.find("unknown key 'organism'"), std::string::npos) << created.error().message;
}

// Pieces of the route, without a server.

TEST(FlowGenerate, ThePromptsExampleIsAValidFlow) {
  auto loaded = flow::load_organism(api::generation_example_yaml());
  for (const auto& d : loaded.diagnostics) ADD_FAILURE() << d.line << ":" << d.column << ": " << d.message;
  EXPECT_TRUE(loaded.ok());
  EXPECT_NE(api::generation_system_prompt().find(api::generation_example_yaml()), std::string::npos);
}

TEST(FlowGenerate, ExtractsTheYamlFromAnAnswer) {
  EXPECT_EQ(api::extract_yaml("a: 1\n"), "a: 1");
  EXPECT_EQ(api::extract_yaml("Sure!\n```yaml\na: 1\n```\nDone."), "a: 1");
  EXPECT_EQ(api::extract_yaml("```\na: 1\n```"), "a: 1");
  EXPECT_EQ(api::extract_yaml("```text\nnot it\n```\nand\n```YML\nb: 2\n```"), "b: 2");
  EXPECT_EQ(api::extract_yaml("```yaml\na: 1\nb: 2"), "a: 1\nb: 2");  // never closed
  EXPECT_EQ(api::extract_yaml("  \n"), "");
}

TEST(FlowGenerate, CanvasPutsEachNodeRightOfItsFurthestPredecessor) {
  auto loaded = flow::load_organism(api::generation_example_yaml());
  ASSERT_TRUE(loaded.ok());
  auto canvas = api::canvas_for(*loaded.organism);
  std::map<std::string, json> at;
  for (const auto& n : canvas["nodes"]) at[n["id"].get<std::string>()] = n;
  EXPECT_EQ(at["trigger:new-ticket"]["position"]["x"], 40);
  EXPECT_EQ(at["triage"]["position"]["x"], 300);
  EXPECT_EQ(at["escalate"]["position"]["x"], 560);
  EXPECT_EQ(at["assistant"]["position"]["x"], 560);
  EXPECT_EQ(at["assistant"]["position"]["y"], 180);  // second in its column
  EXPECT_EQ(at["assistant"]["type"], "llm");
  EXPECT_EQ(at["done"]["position"]["x"], 820);
  EXPECT_EQ(at["done"]["type"], "output");
}

}  // namespace
}  // namespace nextra::apitest
