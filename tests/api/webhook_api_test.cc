// Webhook triggers over HTTP (issue #4): the public endpoint, its answers (sync JSON/XML,
// async 202), validation of the body, idempotency, HMAC signatures, token rotation, disabled
// triggers, user-stopped flows and flows that cannot start.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "api_fixture.h"
#include "auth/tokens.h"

namespace nextra::apitest {
namespace {

using nlohmann::json;

class WebhookApi : public ApiTest {
 protected:
  json create_webhook(Client& c, const std::string& flow_id, const std::string& name = "hook",
                      json config = json::object()) {
    auto r = c.post("/api/flows/" + flow_id + "/triggers", {{"type", "webhook"}, {"name", name}, {"config", config}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json;
  }
  // The public endpoint is called without any session.
  Reply hook(const std::string& path, const std::string& body, std::vector<std::pair<std::string, std::string>> headers = {},
             const std::string& content_type = "application/json") {
    Client anon = client();
    return anon.call("POST", path, body, std::move(headers), content_type);
  }
};

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char ch : bytes) {
    out += digits[ch >> 4];
    out += digits[ch & 15];
  }
  return out;
}

std::string now_seconds() {
  return std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

TEST_F(WebhookApi, CreateWebhookGivesTokenAndPath) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  auto t = create_webhook(c, flow);
  ASSERT_TRUE(t.contains("token")) << t.dump();
  EXPECT_GE(t["token"].get<std::string>().size(), 32u);
  EXPECT_EQ(t["webhookPath"], "/api/triggers/" + flow + "/webhook/" + t["token"].get<std::string>());
  EXPECT_EQ(t["type"], "webhook");
  EXPECT_EQ(t["config"]["source"], "api");
  // The token is shown once: listing does not reveal it.
  auto list = c.get("/api/flows/" + flow + "/triggers");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json["items"].size(), 1u);
  EXPECT_FALSE(list.json["items"][0].contains("token"));
}

TEST_F(WebhookApi, SyncJsonCallReturnsTheOutput) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  auto t = create_webhook(c, flow);
  auto r = hook(t["webhookPath"].get<std::string>() + "?wait=true", R"({"text":"hi there"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["status"], "success");
  EXPECT_EQ(r.json["outputType"], "Result");
  EXPECT_EQ(r.json["output"]["text"], "hi there");
  EXPECT_FALSE(r.json["executionId"].get<std::string>().empty());
  EXPECT_EQ(r.headers["x-execution-id"], r.json["executionId"]);
}

// The synchronous answer is written from the Output listener's payload in hand, but never
// when the output carries a secret's value: then it is the redacted record, as stored.
TEST_F(WebhookApi, SyncAnswerNeverCarriesASecretValue) {
  Client c = user("ada@example.com");
  ASSERT_EQ(c.put("/api/secrets/ECHO_TOKEN", {{"value", "tok-0123456789"}}).status, 201);
  std::string yaml = valid_flow_yaml("secretive");
  const std::string field = "text: \"{{ text }}\"";
  yaml.replace(yaml.find(field), field.size(), "text: \"{{ text }} ${secret:ECHO_TOKEN}\"");
  auto flow = create_flow(c, "secretive", yaml);
  auto path = create_webhook(c, flow, "hook", {{"target", "start"}})["webhookPath"].get<std::string>();
  auto r = hook(path + "?wait=true", R"({"text":"key:"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto text = r.json["output"]["text"].get<std::string>();
  EXPECT_EQ(text.rfind("key: [secret:", 0), 0u) << text;
  EXPECT_NE(text.find("ECHO_TOKEN]"), std::string::npos) << text;
  EXPECT_EQ(r.json["outputType"], "Ping");
  EXPECT_EQ(r.body.find("tok-0123456789"), std::string::npos) << r.body;
}

TEST_F(WebhookApi, AcceptXmlGivesRawXmlAndXmlBodyIsAccepted) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  auto path = create_webhook(c, flow)["webhookPath"].get<std::string>();
  auto r = hook(path + "?wait=true", R"({"text":"as xml"})", {{"Accept", "application/xml"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.headers["content-type"].find("xml"), std::string::npos);
  EXPECT_NE(r.body.find("<Result"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("as xml"), std::string::npos) << r.body;

  auto x = hook(path + "?wait=true", "<Request><Text>from xml</Text></Request>", {}, "application/xml");
  ASSERT_EQ(x.status, 200) << x.body;
  EXPECT_EQ(x.json["output"]["text"], "from xml");
  auto tx = hook(path + "?wait=true", "<Request><Text>text/xml</Text></Request>", {}, "text/xml; charset=utf-8");
  ASSERT_EQ(tx.status, 200) << tx.body;
  EXPECT_EQ(tx.json["output"]["text"], "text/xml");
  // XML is taken as is: element names follow the codec (<Text>), and others are refused.
  auto lower = hook(path, "<Request><text>x</text></Request>", {}, "application/xml");
  EXPECT_EQ(lower.status, 422) << lower.body;
}

TEST_F(WebhookApi, AsyncCallIs202AndTheExecutionFinishesWithSteps) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  auto path = create_webhook(c, flow)["webhookPath"].get<std::string>();
  auto r = hook(path, R"({"text":"later"})");
  ASSERT_EQ(r.status, 202) << r.body;
  const auto id = r.json["executionId"].get<std::string>();
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(r.headers["location"], "/api/executions/" + id);

  auto e = wait_final(c, id);
  ASSERT_EQ(e.status, 200) << e.body;
  EXPECT_EQ(e.json["status"], "success") << e.body;
  EXPECT_EQ(e.json["flowId"], flow);
  EXPECT_NE(e.json["output"].get<std::string>().find("later"), std::string::npos) << e.body;
  ASSERT_TRUE(e.json["steps"].is_array());
  ASSERT_GE(e.json["steps"].size(), 1u) << e.body;
  bool saw_result_to_output = false;
  for (const auto& s : e.json["steps"]) {
    EXPECT_TRUE(s.contains("from") && s.contains("to") && s.contains("payloadType")) << s.dump();
    if (s["to"] == "output" && s["payloadType"] == "Result") saw_result_to_output = true;
  }
  EXPECT_TRUE(saw_result_to_output) << e.json["steps"].dump();
}

TEST_F(WebhookApi, WrongTokenAndUnknownFlowAreTheSame404) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  auto t = create_webhook(c, flow);
  auto wrong_token = hook("/api/triggers/" + flow + "/webhook/not-the-token", R"({"text":"x"})");
  auto wrong_flow = hook("/api/triggers/00000000-0000-4000-8000-000000000000/webhook/" + t["token"].get<std::string>(),
                         R"({"text":"x"})");
  EXPECT_EQ(wrong_token.status, 404);
  EXPECT_EQ(wrong_flow.status, 404);
  // Identical bodies apart from the request id, so the endpoint reveals nothing.
  auto strip = [](json j) {
    if (j.is_object()) j.erase("requestId");
    return j.dump();
  };
  EXPECT_EQ(strip(wrong_token.json), strip(wrong_flow.json));
}

TEST_F(WebhookApi, BadBodiesAreRefused) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  auto path = create_webhook(c, flow)["webhookPath"].get<std::string>();

  auto plain = hook(path, "text=hi", {}, "text/plain");
  EXPECT_EQ(plain.status, 415) << plain.body;
  auto form = hook(path, "text=hi", {}, "application/x-www-form-urlencoded");
  EXPECT_EQ(form.status, 415) << form.body;

  std::string big = R"({"text":")" + std::string(1536 * 1024, 'a') + R"("})";
  auto large = hook(path, big);
  EXPECT_EQ(large.status, 413) << large.body.substr(0, 200);

  auto missing = hook(path, "{}");
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_NE(missing.body.find("text"), std::string::npos) << missing.body;

  auto wrong_type = hook(path, R"({"text": {"nested": true}})");
  EXPECT_EQ(wrong_type.status, 400) << wrong_type.body;
  EXPECT_EQ(wrong_type.json["details"]["field"], "text") << wrong_type.body;

  auto unknown = hook(path, R"({"text":"a","extra":1})");
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_NE(unknown.body.find("extra"), std::string::npos) << unknown.body;

  auto not_json = hook(path, "{not json");
  EXPECT_EQ(not_json.status, 400) << not_json.body;
  auto bad_xml = hook(path, "<Request><Text>unclosed</Request>", {}, "application/xml");
  EXPECT_EQ(bad_xml.status / 100, 4) << bad_xml.body;
  auto wrong_class = hook(path, "<Result><Text>x</Text></Result>", {}, "application/xml");
  EXPECT_EQ(wrong_class.status / 100, 4) << wrong_class.body;

  // None of these created an execution.
  auto list = c.get("/api/flows/" + flow + "/executions");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json["total"], 0) << list.body;
}

TEST_F(WebhookApi, IdempotencyKeyReplaysTheSameExecution) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  auto path = create_webhook(c, flow)["webhookPath"].get<std::string>();
  auto first = hook(path, R"({"text":"once"})", {{"Idempotency-Key", "order-42"}});
  ASSERT_EQ(first.status, 202) << first.body;
  EXPECT_EQ(first.headers.count("idempotent-replayed"), 0u);
  auto second = hook(path, R"({"text":"once"})", {{"Idempotency-Key", "order-42"}});
  ASSERT_EQ(second.status, 202) << second.body;
  EXPECT_EQ(second.json["executionId"], first.json["executionId"]);
  EXPECT_EQ(second.headers["idempotent-replayed"], "true");
  // And a synchronous replay answers with the same execution's result.
  auto third = hook(path + "?wait=true", R"({"text":"once"})", {{"Idempotency-Key", "order-42"}});
  ASSERT_EQ(third.status, 200) << third.body;
  EXPECT_EQ(third.json["executionId"], first.json["executionId"]);
  EXPECT_EQ(third.headers["idempotent-replayed"], "true");

  wait_final(c, first.json["executionId"].get<std::string>());
  auto list = c.get("/api/flows/" + flow + "/executions");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json["total"], 1) << list.body;
}

TEST_F(WebhookApi, SignedWebhooks) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  const std::string secret = "whsec-very-secret-value";
  ASSERT_EQ(c.put("/api/secrets/HOOK_SECRET", {{"value", secret}}).status, 201);
  auto t = create_webhook(c, flow, "signed", {{"signatureSecret", "HOOK_SECRET"}});
  const auto path = t["webhookPath"].get<std::string>();
  const std::string body = R"({"text":"signed"})";
  auto sign = [&](const std::string& ts, const std::string& b, const std::string& key) {
    return "v1=" + hex(auth::hmac_sha256(key, ts + "." + b));
  };

  const auto ts = now_seconds();
  auto ok = hook(path + "?wait=true", body, {{"X-Nextra-Timestamp", ts}, {"X-Nextra-Signature", sign(ts, body, secret)}});
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json["output"]["text"], "signed");

  auto bad = hook(path, body, {{"X-Nextra-Timestamp", ts}, {"X-Nextra-Signature", sign(ts, body, "wrong key")}});
  EXPECT_EQ(bad.status, 401) << bad.body;
  auto tampered = hook(path, R"({"text":"tampered"})",
                       {{"X-Nextra-Timestamp", ts}, {"X-Nextra-Signature", sign(ts, body, secret)}});
  EXPECT_EQ(tampered.status, 401) << tampered.body;

  const auto stale = std::to_string(std::stoll(ts) - 301);
  auto old = hook(path, body, {{"X-Nextra-Timestamp", stale}, {"X-Nextra-Signature", sign(stale, body, secret)}});
  EXPECT_EQ(old.status, 401) << old.body;

  EXPECT_EQ(hook(path, body).status, 401);
  EXPECT_EQ(hook(path, body, {{"X-Nextra-Timestamp", ts}}).status, 401);
  EXPECT_EQ(hook(path, body, {{"X-Nextra-Signature", sign(ts, body, secret)}}).status, 401);

  // Only the signed call ran.
  auto list = c.get("/api/flows/" + flow + "/executions");
  EXPECT_EQ(list.json["total"], 1) << list.body;
}

TEST_F(WebhookApi, RotateReplacesTheToken) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  auto t = create_webhook(c, flow);
  const auto old_path = t["webhookPath"].get<std::string>();
  auto rotated = c.post("/api/flows/" + flow + "/triggers/" + t["id"].get<std::string>() + "/rotate", json::object());
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const auto new_path = rotated.json["webhookPath"].get<std::string>();
  EXPECT_NE(new_path, old_path);
  EXPECT_EQ(hook(old_path, R"({"text":"x"})").status, 404);
  auto r = hook(new_path + "?wait=true", R"({"text":"rotated"})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["output"]["text"], "rotated");
}

TEST_F(WebhookApi, DisabledTriggerIs404) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  auto t = create_webhook(c, flow);
  const auto path = t["webhookPath"].get<std::string>();
  auto off = c.patch("/api/flows/" + flow + "/triggers/" + t["id"].get<std::string>(), {{"enabled", false}});
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.json["enabled"], false);
  EXPECT_EQ(hook(path, R"({"text":"x"})").status, 404);
  auto on = c.patch("/api/flows/" + flow + "/triggers/" + t["id"].get<std::string>(), {{"enabled", true}});
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_EQ(hook(path + "?wait=true", R"({"text":"x"})").status, 200);
}

TEST_F(WebhookApi, UserStoppedFlowRefusesWebhooksUntilStarted) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  const auto path = create_webhook(c, flow)["webhookPath"].get<std::string>();
  ASSERT_EQ(c.post("/api/flows/" + flow + "/stop", json::object()).status, 200);
  auto refused = hook(path, R"({"text":"x"})");
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.code(), "flow_stopped");
  ASSERT_EQ(c.post("/api/flows/" + flow + "/start", json::object()).status, 200);
  auto r = hook(path + "?wait=true", R"({"text":"again"})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["output"]["text"], "again");
}

// Regression: the user's stop was kept only in memory, so a restart re-opened the flow to
// webhooks and schedules.
TEST_F(WebhookApi, UserStopOutlivesARestart) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  const auto path = create_webhook(c, flow)["webhookPath"].get<std::string>();
  ASSERT_EQ(c.post("/api/flows/" + flow + "/stop", json::object()).status, 200);
  start();  // same data directory, new process state
  c = client();
  ASSERT_EQ(c.login("ada@example.com").status, 200);
  auto refused = hook(path, R"({"text":"x"})");
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.code(), "flow_stopped");
  auto status = c.get("/api/flows/" + flow + "/status");
  EXPECT_EQ(status.json["stoppedByUser"], true) << status.body;
  ASSERT_EQ(c.post("/api/flows/" + flow + "/start", json::object()).status, 200);
  EXPECT_EQ(hook(path + "?wait=true", R"({"text":"y"})").status, 200);
}

// Scale-to-zero: an idle flow stops by itself, and the next webhook starts it again while
// its message waits.
TEST_F(WebhookApi, IdleFlowStopsAndAWebhookWakesIt) {
  options.idle_timeout = std::chrono::milliseconds(200);
  options.maintenance_interval = std::chrono::milliseconds(50);
  start();
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  const auto path = create_webhook(c, flow)["webhookPath"].get<std::string>();
  ASSERT_EQ(hook(path + "?wait=true", R"({"text":"first"})").status, 200);
  Reply status;
  for (int i = 0; i < 200; ++i) {  // bounded: up to 10 s
    status = c.get("/api/flows/" + flow + "/status");
    if (status.json.value("idle", false)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status.json["status"], "stopped") << status.body;
  EXPECT_EQ(status.json["idle"], true);
  EXPECT_EQ(status.json["stoppedByUser"], false);
  auto woken = hook(path + "?wait=true", R"({"text":"again"})");
  EXPECT_EQ(woken.status, 200) << woken.body;
  EXPECT_EQ(woken.json["output"]["text"], "again");
  EXPECT_EQ(c.get("/api/flows/" + flow + "/status").json["status"], "running");
}

TEST_F(WebhookApi, FlowWithAnUnrunnableHandlerGivesAClearError) {
  Client c = user("ada@example.com");
  // `llm` is a known handler kind that validates, but this listener has no model configured.
  std::string yaml =
      "organism:\n  name: thinker\n"
      "payloads:\n  Request:\n    text: string\n"
      "listeners:\n"
      "  - name: start\n    payload_class: Request\n    handler: llm\n    description: thinks\n";
  auto created = c.post("/api/flows", {{"name", "thinker"}, {"organismYaml", yaml}});
  ASSERT_EQ(created.status, 201) << created.body;  // saves, with a warning
  const auto flow = created.json["id"].get<std::string>();
  const auto path = create_webhook(c, flow)["webhookPath"].get<std::string>();
  auto started = c.post("/api/flows/" + flow + "/start", json::object());
  EXPECT_EQ(started.status / 100, 4) << started.body;
  EXPECT_NE(started.json.value("message", std::string()).find("llm"), std::string::npos) << started.body;
  auto st = c.get("/api/flows/" + flow + "/status");
  ASSERT_EQ(st.status, 200) << st.body;
  EXPECT_EQ(st.json["status"], "error");
  EXPECT_FALSE(st.json["errorMessage"].is_null()) << st.body;
  auto f = c.get("/api/flows/" + flow);
  EXPECT_EQ(f.json["status"], "error") << f.body;
  // A webhook gets the same clear error, and nothing is left queued.
  auto r = hook(path, R"({"text":"x"})");
  EXPECT_EQ(r.status / 100, 4) << r.body;
  EXPECT_NE(r.body.find("llm"), std::string::npos) << r.body;
  EXPECT_EQ(c.get("/api/flows/" + flow + "/executions").json["total"], 0);
}

TEST_F(WebhookApi, ConcurrentCallsWithOneIdempotencyKeyMakeOneExecution) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  const auto path = create_webhook(c, flow)["webhookPath"].get<std::string>();
  constexpr int kThreads = 8;
  std::vector<std::string> ids(kThreads), plain(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto keyed = hook(path, R"({"text":"k"})", {{"Idempotency-Key", "same"}});
      if (keyed.status == 202) ids[i] = keyed.json["executionId"].get<std::string>();
      auto other = hook(path + "?wait=true", R"({"text":"p"})");
      if (other.status == 200) plain[i] = other.json["executionId"].get<std::string>();
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_EQ(ids[i], ids[0]);
    EXPECT_FALSE(ids[i].empty());
    EXPECT_FALSE(plain[i].empty());
  }
  wait_final(c, ids[0]);
  EXPECT_EQ(c.get("/api/flows/" + flow + "/executions").json["total"], kThreads + 1);
}

// Retention runs in the background: beyond a flow's newest `retention_keep` finished
// executions the older ones go, in several chunks when the backlog is larger than one (100),
// and the newest stay.
TEST_F(WebhookApi, FinishedExecutionsBeyondTheRetentionArePrunedInTheBackground) {
  options.retention_keep = 5;
  options.maintenance_interval = std::chrono::milliseconds(50);
  start();
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  const auto path = create_webhook(c, flow)["webhookPath"].get<std::string>();
  std::vector<std::string> ids;
  for (int i = 0; i < 230; ++i) {
    auto r = hook(path + "?wait=true", R"({"text":"x"})");
    ASSERT_EQ(r.status, 200) << r.body;
    ids.push_back(r.json["executionId"].get<std::string>());
  }
  Reply list;
  for (int i = 0; i < 400; ++i) {  // bounded: up to 20 s
    list = c.get("/api/flows/" + flow + "/executions?pageSize=50");
    if (list.json["total"] == 5) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(list.json["total"], 5) << list.body;
  std::vector<std::string> kept;
  for (const auto& e : list.json["items"]) kept.push_back(e["id"].get<std::string>());
  std::sort(kept.begin(), kept.end());
  std::vector<std::string> newest(ids.end() - 5, ids.end());
  std::sort(newest.begin(), newest.end());
  EXPECT_EQ(kept, newest);
  EXPECT_EQ(c.get("/api/executions/" + ids.front()).status, 404);
}

}  // namespace
}  // namespace nextra::apitest
