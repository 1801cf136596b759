// LLM usage end to end (issue #5): an agent flow's model calls, made to a provider speaking
// the OpenAI API on loopback, are recorded with their tokens and cost; the execution detail
// shows them on the step that caused them; GET /api/usage sums them per flow, model and
// day; the organization's monthly spend cap stops further calls once reached.
#include <gtest/gtest.h>

#include "api_fixture.h"
#include "llm/scripted_provider.h"

namespace nextra::apitest {
namespace {

using nlohmann::json;
using llm::testing::Reply;

std::string agent_yaml(const std::string& base_url, const std::string& top_level = "") {
  return poet_agent_yaml(base_url, "gpt-4o", top_level);
}

// gpt-4o is priced at $2.50 / $10 per million prompt / completion tokens (data/llm_prices.json).
Reply priced_reply(const std::string& text) {
  Reply r = Reply::text_reply(text);
  r.prompt_tokens = 1000;
  r.completion_tokens = 500;
  return r;
}
constexpr double kCallUsd = 0.0075;

class UsageApi : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    ASSERT_NE(provider_.port(), 0);
    options.outbound_allowlist = {"127.0.0.1"};
    start();
    owner_ = user("ada@example.com");
    flow_ = create_flow(owner_, "poet", agent_yaml(provider_.base_url("main", llm::WireFormat::OpenAi)));
    auto t = owner_.post("/api/flows/" + flow_ + "/triggers", {{"type", "webhook"}, {"name", "hook"}});
    ASSERT_EQ(t.status, 201) << t.body;
    hook_ = t.json["webhookPath"].get<std::string>();
  }
  apitest::Reply run(const std::string& city) {
    return client().call("POST", hook_ + "?wait=true", json{{"city", city}}.dump());
  }

  llm::testing::ScriptedProviderServer provider_;
  Client owner_{0};
  std::string flow_;
  std::string hook_;
};

TEST_F(UsageApi, AnExecutionShowsItsCallsTokensAndCostOnTheAgentsStep) {
  provider_.script("main", {priced_reply("Oslo, white and still")});
  auto r = run("Oslo");
  ASSERT_EQ(r.status, 200) << r.body;
  auto e = owner_.get("/api/executions/" + r.json["executionId"].get<std::string>());
  ASSERT_EQ(e.status, 200) << e.body;
  const json& usage = e.json["usage"];
  EXPECT_EQ(usage["llmCalls"], 1);
  EXPECT_EQ(usage["promptTokens"], 1000);
  EXPECT_EQ(usage["completionTokens"], 500);
  EXPECT_DOUBLE_EQ(usage["costUsd"].get<double>(), kCallUsd);
  ASSERT_EQ(usage["calls"].size(), 1u) << e.body;
  const json& call = usage["calls"][0];
  EXPECT_EQ(call["agent"], "poet");
  EXPECT_EQ(call["model"], "gpt-4o");
  EXPECT_EQ(call["backend"], "main");
  EXPECT_EQ(call["ok"], true);
  // The call belongs to the step that delivered the question to the agent.
  ASSERT_FALSE(call["step"].is_null()) << e.body;
  const json& step = e.json["steps"][call["step"].get<std::size_t>()];
  EXPECT_EQ(step["to"], "poet");
  EXPECT_EQ(step["usage"]["llmCalls"], 1);
  EXPECT_DOUBLE_EQ(step["usage"]["costUsd"].get<double>(), kCallUsd);
  // The output's step caused no call.
  for (const auto& st : e.json["steps"]) {
    if (st["to"] == "done") {
      EXPECT_EQ(st["usage"]["llmCalls"], 0);
    }
  }
}

TEST_F(UsageApi, UsageIsSummedPerFlowModelAndDayAndScopedToTheOrganization) {
  provider_.script("main", {priced_reply("one"), priced_reply("two")});
  ASSERT_EQ(run("Oslo").status, 200);
  ASSERT_EQ(run("Bergen").status, 200);

  auto all = owner_.get("/api/usage");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.json["totals"]["calls"], 2);
  EXPECT_EQ(all.json["totals"]["totalTokens"], 3000);
  EXPECT_DOUBLE_EQ(all.json["totals"]["costUsd"].get<double>(), 2 * kCallUsd);
  EXPECT_TRUE(all.json["groups"].empty());
  EXPECT_DOUBLE_EQ(all.json["currentMonth"]["costUsd"].get<double>(), 2 * kCallUsd);
  EXPECT_TRUE(all.json["currentMonth"]["capUsd"].is_null());

  auto by_flow = owner_.get("/api/usage?groupBy=flow");
  ASSERT_EQ(by_flow.status, 200) << by_flow.body;
  ASSERT_EQ(by_flow.json["groups"].size(), 1u);
  EXPECT_EQ(by_flow.json["groups"][0]["key"], flow_);
  EXPECT_EQ(by_flow.json["groups"][0]["calls"], 2);
  auto by_model = owner_.get("/api/usage?groupBy=model&flowId=" + flow_);
  ASSERT_EQ(by_model.status, 200);
  EXPECT_EQ(by_model.json["groups"][0]["key"], "gpt-4o");
  auto by_day = owner_.get("/api/usage?groupBy=day");
  ASSERT_EQ(by_day.status, 200);
  ASSERT_EQ(by_day.json["groups"].size(), 1u);
  EXPECT_EQ(by_day.json["groups"][0]["key"].get<std::string>().size(), 10u);  // YYYY-MM-DD

  // Another month has none; another organization sees none.
  EXPECT_EQ(owner_.get("/api/usage?month=2020-01").json["totals"]["calls"], 0);
  Client other = user("bob@example.com");
  auto theirs = other.get("/api/usage?groupBy=flow");
  ASSERT_EQ(theirs.status, 200);
  EXPECT_EQ(theirs.json["totals"]["calls"], 0);
  EXPECT_TRUE(theirs.json["groups"].empty());
}

TEST_F(UsageApi, TheMonthlySpendCapStopsTheNextModelCall) {
  provider_.script("main", {priced_reply("first"), priced_reply("never sent")});
  auto cap = owner_.put("/api/usage/cap", {{"monthlyCapUsd", 0.005}});
  ASSERT_EQ(cap.status, 200) << cap.body;
  EXPECT_DOUBLE_EQ(cap.json["capUsd"].get<double>(), 0.005);
  EXPECT_EQ(cap.json["capReached"], false);

  ASSERT_EQ(run("Oslo").status, 200);  // under the cap when it started; it overshoots
  auto refused = run("Bergen");
  EXPECT_EQ(refused.status, 502) << refused.body;
  EXPECT_NE(refused.body.find("spend cap"), std::string::npos) << refused.body;
  EXPECT_EQ(provider_.calls("main"), 1);
  EXPECT_EQ(owner_.get("/api/usage").json["currentMonth"]["capReached"], true);

  // A higher cap lets calls through again; null removes it.
  ASSERT_EQ(owner_.put("/api/usage/cap", {{"monthlyCapUsd", 1}}).status, 200);
  EXPECT_EQ(run("Tromsø").status, 200);
  // The dashboard's card (GET /api/me) shows the month's spend against the cap.
  auto me = owner_.get("/api/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_DOUBLE_EQ(me.json["usage"]["llmCostUsd"].get<double>(), 2 * kCallUsd);
  EXPECT_DOUBLE_EQ(me.json["usage"]["llmCapUsd"].get<double>(), 1.0);
  auto none = owner_.put("/api/usage/cap", {{"monthlyCapUsd", nullptr}});
  ASSERT_EQ(none.status, 200);
  EXPECT_TRUE(none.json["capUsd"].is_null());
}

TEST_F(UsageApi, AnExecutionNearItsTokenBudgetSaysSoInItsEvents) {
  const std::string flow =
      create_flow(owner_, "thrifty", agent_yaml(provider_.base_url("main", llm::WireFormat::OpenAi),
                                                "max_tokens_per_thread: 2000\n"));
  auto t = owner_.post("/api/flows/" + flow + "/triggers", {{"type", "webhook"}, {"name", "hook"}});
  ASSERT_EQ(t.status, 201) << t.body;
  Reply big = Reply::text_reply("a long poem", 1100, 500);  // 1,600 of 2,000 tokens: 80 %
  provider_.script("main", {big});
  auto r = client().call("POST", t.json["webhookPath"].get<std::string>() + "?wait=true", json{{"city", "Oslo"}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  auto logs = owner_.get("/api/flows/" + flow + "/logs");
  ASSERT_EQ(logs.status, 200) << logs.body;
  std::vector<json> warnings;
  for (const auto& ev : logs.json["items"]) {
    if (ev["type"] == "llm.budget") warnings.push_back(ev);
  }
  ASSERT_EQ(warnings.size(), 1u) << logs.body;
  const std::string data = warnings[0].dump();
  EXPECT_NE(data.find("75"), std::string::npos) << data;
  EXPECT_NE(data.find(r.json["executionId"].get<std::string>()), std::string::npos) << data;
}

TEST_F(UsageApi, OnlyAdminsSetTheCapAndBadInputIsRefused) {
  Client val = user("val@example.com");
  auto inv = owner_.post("/api/orgs/" + owner_.personal_org_id + "/invitations",
                         {{"email", "val@example.com"}, {"role", "member"}});
  ASSERT_EQ(inv.status, 201) << inv.body;
  ASSERT_EQ(val.post("/api/invitations/" + inv.json["token"].get<std::string>() + "/accept", json::object()).status, 200);
  val.org_id = owner_.personal_org_id;
  EXPECT_EQ(val.get("/api/usage").status, 200);
  EXPECT_EQ(val.put("/api/usage/cap", {{"monthlyCapUsd", 5}}).status, 403);

  for (const json& bad : {json{{"monthlyCapUsd", -1}}, json{{"monthlyCapUsd", "10"}}, json::object()}) {
    auto r = owner_.put("/api/usage/cap", bad);
    EXPECT_EQ(r.status, 400) << bad.dump();
    EXPECT_EQ(r.json["details"]["field"], "monthlyCapUsd") << r.body;
  }
  for (const std::string q : {"month=2026-13", "from=2026-12-01", "from=2026-12-05&to=2026-12-01",
                              "from=2026-02-31&to=2026-03-01", "groupBy=colour", "month=2026-12&from=2026-12-01&to=2026-12-02",
                              "from=2025-01-01&to=2026-12-31"}) {
    auto r = owner_.get("/api/usage?" + q);
    EXPECT_EQ(r.status, 400) << q << " " << r.body;
    EXPECT_FALSE(r.json["details"]["field"].get<std::string>().empty()) << q;
  }
  EXPECT_EQ(owner_.get("/api/usage?from=2026-12-01&to=2026-12-06").status, 200);
}

}  // namespace
}  // namespace nextra::apitest
