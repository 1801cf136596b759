// The handler kinds that reach the outside world, wired by the app (issues #5 and #7): a
// webhook runs a flow whose HTTP node calls a local server that the administrator
// allowlisted; without the allowlist the same call is blocked as a private address; a code
// block naming a module the organization does not have stops the flow from starting.
#include <gtest/gtest.h>

#include "api_fixture.h"
#include "http/server.h"
#include "llm/scripted_provider.h"

namespace nextra::apitest {
namespace {

using nlohmann::json;

std::string flow_yaml(std::uint16_t port) {
  return R"(organism:
  name: weather
payloads:
  CityQuery:
    city: string
  Weather:
    status: int
    summary: string
listeners:
  - name: weather
    payload_class: CityQuery
    handler: http
    description: Calls the weather API
    peers: [done]
    http:
      url: "http://127.0.0.1:)" + std::to_string(port) + R"(/weather/{{ city }}"
      payload: Weather
  - name: done
    payload_class: Weather
    handler: output
    description: The answer
)";
}

class OutsideWorldApi : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    http::Router r;
    r.get("/weather/{city}", [](const http::Request& req) {
      return http::Response::json(200, {{"summary", "cold in " + *req.path_param("city")}});
    });
    server_ = std::make_unique<http::Server>(http::ServerOptions{}, std::move(r));
    auto port = server_->start();
    ASSERT_TRUE(port.ok()) << port.error().message;
    weather_port_ = *port;
  }
  void TearDown() override {
    ApiTest::TearDown();
    server_.reset();
  }
  Reply run_flow(const std::string& yaml) {
    Client c = user("ada@example.com");
    auto flow = create_flow(c, "outside", yaml);
    auto t = c.post("/api/flows/" + flow + "/triggers", {{"type", "webhook"}, {"name", "hook"}});
    EXPECT_EQ(t.status, 201) << t.body;
    return client().call("POST", t.json["webhookPath"].get<std::string>() + "?wait=true", R"({"city":"Oslo"})");
  }
  std::unique_ptr<http::Server> server_;
  std::uint16_t weather_port_ = 0;
};

TEST_F(OutsideWorldApi, HttpNodeReachesAnAllowlistedServer) {
  options.outbound_allowlist = {"127.0.0.1"};
  start();
  auto r = run_flow(flow_yaml(weather_port_));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["output"]["summary"], "cold in Oslo");
  EXPECT_EQ(r.json["output"]["status"], 200);
}

// An agent flow end to end: webhook → agent → the flow's gateway → a provider speaking the
// OpenAI API on loopback → the agent's final text to the output, its text streamed as
// `token` events of the execution in the flow's logs.
TEST_F(OutsideWorldApi, AgentFlowAnswersAWebhookAndStreamsItsText) {
  llm::testing::ScriptedProviderServer provider;
  ASSERT_NE(provider.port(), 0);
  provider.script("main", {llm::testing::Reply::text_reply("The quick fox")});
  options.outbound_allowlist = {"127.0.0.1"};
  start();
  const std::string yaml = poet_agent_yaml(provider.base_url("main", llm::WireFormat::OpenAi));
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "poet", yaml);
  auto t = c.post("/api/flows/" + flow + "/triggers", {{"type", "webhook"}, {"name", "hook"}});
  ASSERT_EQ(t.status, 201) << t.body;
  auto r = client().call("POST", t.json["webhookPath"].get<std::string>() + "?wait=true", R"({"city":"Oslo"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["output"]["text"], "The quick fox");
  ASSERT_EQ(provider.calls("main"), 1);
  EXPECT_NE(provider.received("main")[0].body.dump().find("Oslo"), std::string::npos);
  auto logs = c.get("/api/flows/" + flow + "/logs");
  ASSERT_EQ(logs.status, 200) << logs.body;
  std::string streamed;
  for (const auto& ev : logs.json["items"]) {
    if (ev["type"] == "token") streamed += ev.dump();
  }
  EXPECT_NE(streamed.find("quick"), std::string::npos) << logs.body;
}

TEST_F(OutsideWorldApi, HttpNodeToAPrivateAddressIsBlockedByDefault) {
  auto r = run_flow(flow_yaml(weather_port_));
  ASSERT_EQ(r.status, 502) << r.body;
  EXPECT_EQ(r.json["details"]["status"], "error");
  EXPECT_NE(r.json["details"]["error"].get<std::string>().find("127.0.0.1"), std::string::npos) << r.body;
}

TEST_F(OutsideWorldApi, CodeBlockWithAnUnknownModuleDoesNotStart) {
  Client c = user("ada@example.com");
  const std::string yaml = R"(organism:
  name: code
payloads:
  Text:
    text: string
listeners:
  - name: shout
    payload_class: Text
    handler: wasm
    description: Upper-cases the text
    peers: [done]
    wasm:
      module: no-such-module
  - name: done
    payload_class: Text
    handler: output
    description: The answer
)";
  auto flow = create_flow(c, "code", yaml);
  auto r = c.post("/api/flows/" + flow + "/start", json::object());
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("no-such-module"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace nextra::apitest
