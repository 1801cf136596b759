// The runtime over HTTP (issue #4): start/stop/status, manual inject, executions (list,
// filter, page, cancel, re-run), durability across a restart, live logs (JSON and SSE),
// tenant isolation and roles, deleting a running flow, triggers declared in the YAML.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api_fixture.h"
#include "runtime/runtime.h"

namespace nextra::apitest {
namespace {

using nlohmann::json;

class RuntimeApi : public ApiTest {
 protected:
  std::string webhook_path(Client& c, const std::string& flow_id, const std::string& name = "hook") {
    auto r = c.post("/api/flows/" + flow_id + "/triggers", {{"type", "webhook"}, {"name", name}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.value("webhookPath", std::string());
  }
  Reply hook(const std::string& path, const std::string& body) {
    Client anon = client();
    return anon.call("POST", path, body);
  }
  Reply inject(Client& c, const std::string& flow_id, const std::string& text, const std::string& query = "?wait=true") {
    return c.post("/api/triggers/" + flow_id + "/inject" + query, {{"target", "start"}, {"payload", {{"text", text}}}});
  }
  // The same session on the current port (after a restart).
  Client again(const Client& old) {
    Client c = client();
    c.session = old.session;
    c.csrf = old.csrf;
    c.user_id = old.user_id;
    c.personal_org_id = old.personal_org_id;
    return c;
  }
  void join(Client& owner, Client& who, const std::string& role) {
    auto inv = owner.post("/api/orgs/" + owner.personal_org_id + "/invitations", {{"email", "x@example.com"}, {"role", role}});
    ASSERT_EQ(inv.status, 201) << inv.body;
    auto acc = who.post("/api/invitations/" + inv.json["token"].get<std::string>() + "/accept", json::object());
    ASSERT_EQ(acc.status, 200) << acc.body;
    who.org_id = owner.personal_org_id;
  }
  // Opens an SSE stream on a raw connection with `c`'s session; returns the head's status.
  int open_stream(http::test_support::Client& raw, const Client& c, const std::string& target,
                  const std::string& extra = "") {
    std::string req = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\nCookie: nextra_session=" +
                      c.session + "\r\n" + extra + "\r\n";
    if (!raw.send(req)) return 0;
    auto head = raw.read_response();
    if (!head) return 0;
    EXPECT_EQ(head->headers["content-type"], "text/event-stream");
    return head->status;
  }
};

TEST_F(RuntimeApi, StartStopStatusTransitions) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  auto st = c.get("/api/flows/" + flow + "/status");
  ASSERT_EQ(st.status, 200) << st.body;
  EXPECT_EQ(st.json["status"], "stopped");
  EXPECT_EQ(c.get("/api/flows/" + flow).json["status"], "stopped");

  auto started = c.post("/api/flows/" + flow + "/start", json::object());
  ASSERT_EQ(started.status, 200) << started.body;
  EXPECT_EQ(started.json["status"], "running");
  EXPECT_EQ(started.json["version"], 1);
  EXPECT_FALSE(started.json["startedAt"].is_null());
  EXPECT_EQ(c.get("/api/flows/" + flow + "/status").json["status"], "running");
  EXPECT_EQ(c.get("/api/flows/" + flow).json["status"], "running");
  // Starting again is harmless.
  EXPECT_EQ(c.post("/api/flows/" + flow + "/start", json::object()).json["status"], "running");

  auto stopped = c.post("/api/flows/" + flow + "/stop", json::object());
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  EXPECT_EQ(stopped.json["status"], "stopped");
  EXPECT_EQ(stopped.json["stoppedByUser"], true);
  EXPECT_EQ(c.get("/api/flows/" + flow).json["status"], "stopped");
  // Stopping a stopped flow is harmless too.
  EXPECT_EQ(c.post("/api/flows/" + flow + "/stop", json::object()).status, 200);

  EXPECT_EQ(c.post("/api/flows/00000000-0000-4000-8000-000000000000/start", json::object()).status, 404);
  EXPECT_EQ(c.get("/api/flows/00000000-0000-4000-8000-000000000000/status").status, 404);
}

TEST_F(RuntimeApi, ManualInjectRunsEvenWhenStoppedByUser) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  ASSERT_EQ(c.post("/api/flows/" + flow + "/stop", json::object()).status, 200);
  auto r = inject(c, flow, "by hand");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["status"], "success");
  EXPECT_EQ(r.json["output"]["text"], "by hand");

  auto async = inject(c, flow, "later", "");
  ASSERT_EQ(async.status, 202) << async.body;
  auto e = wait_final(c, async.json["executionId"].get<std::string>());
  EXPECT_EQ(e.json["status"], "success") << e.body;
  EXPECT_TRUE(e.json["triggerId"].is_null());

  auto bad_target = c.post("/api/triggers/" + flow + "/inject", {{"target", "nowhere"}, {"payload", {{"text", "x"}}}});
  EXPECT_EQ(bad_target.status / 100, 4) << bad_target.body;
  auto bad_payload = c.post("/api/triggers/" + flow + "/inject", {{"target", "start"}, {"payload", "text"}});
  EXPECT_EQ(bad_payload.status, 400) << bad_payload.body;
  EXPECT_EQ(bad_payload.json["details"]["field"], "payload");
}

TEST_F(RuntimeApi, ExecutionsListFiltersAndPaginates) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto r = inject(c, flow, "n" + std::to_string(i));
    ASSERT_EQ(r.status, 200) << r.body;
    ids.insert(r.json["executionId"].get<std::string>());
  }
  auto all = c.get("/api/flows/" + flow + "/executions");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.json["total"], 5);

  std::set<std::string> paged;
  for (int page = 1; page <= 3; ++page) {
    auto p = c.get("/api/flows/" + flow + "/executions?pageSize=2&page=" + std::to_string(page));
    ASSERT_EQ(p.status, 200) << p.body;
    EXPECT_EQ(p.json["items"].size(), page < 3 ? 2u : 1u);
    EXPECT_EQ(p.json["hasMore"], page < 3);
    for (const auto& it : p.json["items"]) paged.insert(it["id"].get<std::string>());
  }
  EXPECT_EQ(paged, ids);

  EXPECT_EQ(c.get("/api/flows/" + flow + "/executions?status=success").json["total"], 5);
  EXPECT_EQ(c.get("/api/flows/" + flow + "/executions?status=error").json["total"], 0);
  auto bad = c.get("/api/flows/" + flow + "/executions?status=bogus");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json["details"]["field"], "status");
}

TEST_F(RuntimeApi, CancelFinishedIs409AndRerunMakesANewExecution) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  auto r = inject(c, flow, "again and again");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto id = r.json["executionId"].get<std::string>();

  auto cancel = c.post("/api/executions/" + id + "/cancel", json::object());
  EXPECT_EQ(cancel.status, 409) << cancel.body;
  EXPECT_EQ(c.get("/api/executions/" + id).json["status"], "success");

  auto rerun = c.post("/api/executions/" + id + "/rerun?wait=true", json::object());
  ASSERT_EQ(rerun.status, 200) << rerun.body;
  const auto id2 = rerun.json["executionId"].get<std::string>();
  EXPECT_NE(id2, id);
  EXPECT_EQ(rerun.json["output"]["text"], "again and again");
  auto first = c.get("/api/executions/" + id);
  auto second = c.get("/api/executions/" + id2);
  EXPECT_EQ(second.json["input"], first.json["input"]);
  EXPECT_EQ(c.get("/api/flows/" + flow + "/executions").json["total"], 2);

  EXPECT_EQ(c.post("/api/executions/00000000-0000-4000-8000-000000000000/cancel", json::object()).status, 404);
  EXPECT_EQ(c.post("/api/executions/00000000-0000-4000-8000-000000000000/rerun", json::object()).status, 404);
}


TEST_F(RuntimeApi, AcceptedExecutionsSurviveARestart) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  const auto path = webhook_path(c, flow);
  for (int n : {1, 20}) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      auto r = hook(path, json{{"text", "r" + std::to_string(i)}}.dump());
      ASSERT_EQ(r.status, 202) << r.body;
      ids.push_back(r.json["executionId"].get<std::string>());
    }
    stop();
    start();
    c = again(c);  // the restarted App listens on a new ephemeral port
    for (const auto& id : ids) {
      auto e = wait_final(c, id);
      EXPECT_EQ(e.json["status"], "success") << e.body;
    }
    // Exactly one record per accepted trigger.
    auto list = c.get("/api/flows/" + flow + "/executions?pageSize=100");
    std::set<std::string> listed;
    for (const auto& it : list.json["items"]) listed.insert(it["id"].get<std::string>());
    for (const auto& id : ids) EXPECT_EQ(listed.count(id), 1u) << id;
  }
  auto list = c.get("/api/flows/" + flow + "/executions?pageSize=100");
  EXPECT_EQ(list.json["total"], 21) << list.body;
  const auto path_after = path;  // the webhook still works after the restarts
  EXPECT_EQ(hook(path_after + "?wait=true", R"({"text":"after"})").status, 200);
}

TEST_F(RuntimeApi, LogsAsJsonPages) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  auto r = inject(c, flow, "logged");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto exec = r.json["executionId"].get<std::string>();
  // execution.finished is published right after the record is written: poll for it.
  Reply logs;
  bool finished = false;
  for (int i = 0; i < 100 && !finished; ++i) {
    logs = c.get("/api/flows/" + flow + "/logs");
    ASSERT_EQ(logs.status, 200) << logs.body;
    for (const auto& ev : logs.json["items"]) finished = finished || ev["type"] == "execution.finished";
    if (!finished) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::set<std::string> types;
  std::int64_t last_id = 0;
  for (const auto& ev : logs.json["items"]) {
    types.insert(ev["type"].get<std::string>());
    EXPECT_GT(ev["id"].get<std::int64_t>(), last_id) << logs.body;
    last_id = ev["id"].get<std::int64_t>();
    if (ev["type"] == "step" || ev["type"] == "execution.finished") {
      EXPECT_EQ(ev["executionId"], exec);
    }
  }
  for (const char* t : {"flow.state", "execution.started", "step", "execution.finished"}) {
    EXPECT_EQ(types.count(t), 1u) << t << " missing in " << logs.body;
  }
  EXPECT_EQ(logs.json["nextAfter"], last_id);

  const auto first_id = logs.json["items"][0]["id"].get<std::int64_t>();
  auto after = c.get("/api/flows/" + flow + "/logs?after=" + std::to_string(first_id));
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(after.json["items"].size(), logs.json["items"].size() - 1);
  EXPECT_GT(after.json["items"][0]["id"].get<std::int64_t>(), first_id);
  auto limited = c.get("/api/flows/" + flow + "/logs?limit=2");
  EXPECT_EQ(limited.json["items"].size(), 2u);
  auto none = c.get("/api/flows/" + flow + "/logs?after=" + std::to_string(last_id));
  EXPECT_TRUE(none.json["items"].empty());
  EXPECT_EQ(none.json["nextAfter"], last_id);
}

TEST_F(RuntimeApi, LogsAsServerSentEventsShowSteps) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  const auto path = webhook_path(c, flow);
  http::test_support::Client raw(port_);
  ASSERT_EQ(open_stream(raw, c, "/api/flows/" + flow + "/logs"), 200);
  auto r = hook(path, R"({"text":"streamed"})");
  ASSERT_EQ(r.status, 202) << r.body;
  std::string seen;
  bool step = false;
  for (int i = 0; i < 50 && !step; ++i) {
    auto chunk = raw.read_chunk();
    ASSERT_TRUE(chunk) << "stream ended; saw: " << seen;
    seen += *chunk;
    step = seen.find("event: step\n") != std::string::npos;
  }
  EXPECT_TRUE(step) << seen;
  EXPECT_NE(seen.find("streamed"), std::string::npos) << seen;
}

TEST_F(RuntimeApi, ExecutionEventsOfAFinishedExecutionEnd) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  auto r = inject(c, flow, "done");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto id = r.json["executionId"].get<std::string>();
  wait_final(c, id);
  http::test_support::Client raw(port_);
  ASSERT_EQ(open_stream(raw, c, "/api/executions/" + id + "/events"), 200);
  std::string seen;
  bool ended = false;
  for (int i = 0; i < 50; ++i) {
    auto chunk = raw.read_chunk();
    ASSERT_TRUE(chunk) << "no clean end; saw: " << seen;
    if (chunk->empty()) {
      ended = true;
      break;
    }
    seen += *chunk;
  }
  EXPECT_TRUE(ended);
  EXPECT_NE(seen.find("event: execution.finished\n"), std::string::npos) << seen;
  EXPECT_NE(seen.find("\"status\":\"success\""), std::string::npos) << seen;

  EXPECT_EQ(c.get("/api/executions/00000000-0000-4000-8000-000000000000/events").status, 404);
}

TEST_F(RuntimeApi, AnotherOrganizationSeesNothing) {
  Client a = user("alice@example.com");
  Client b = user("bob@example.com");
  auto flow = create_flow(a, "private");
  auto r = inject(a, flow, "secret");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto exec = r.json["executionId"].get<std::string>();
  auto t = a.post("/api/flows/" + flow + "/triggers", {{"type", "webhook"}, {"name", "hook"}});
  ASSERT_EQ(t.status, 201);
  const auto trig = t.json["id"].get<std::string>();

  auto expect_404 = [](const Reply& rep, const char* what) { EXPECT_EQ(rep.status, 404) << what << ": " << rep.body; };
  expect_404(b.get("/api/flows/" + flow + "/triggers"), "list triggers");
  expect_404(b.get("/api/flows/" + flow + "/triggers/" + trig), "get trigger");
  expect_404(b.post("/api/flows/" + flow + "/triggers", {{"type", "webhook"}, {"name", "mine"}}), "create trigger");
  expect_404(b.patch("/api/flows/" + flow + "/triggers/" + trig, {{"enabled", false}}), "patch trigger");
  expect_404(b.post("/api/flows/" + flow + "/triggers/" + trig + "/rotate", json::object()), "rotate");
  expect_404(b.del("/api/flows/" + flow + "/triggers/" + trig), "delete trigger");
  expect_404(b.get("/api/flows/" + flow + "/executions"), "executions");
  expect_404(b.get("/api/executions/" + exec), "execution");
  expect_404(b.get("/api/executions/" + exec + "/events"), "execution events");
  expect_404(b.post("/api/executions/" + exec + "/cancel", json::object()), "cancel");
  expect_404(b.post("/api/executions/" + exec + "/rerun", json::object()), "rerun");
  expect_404(b.get("/api/flows/" + flow + "/logs"), "logs");
  expect_404(b.get("/api/flows/" + flow + "/status"), "status");
  expect_404(b.post("/api/flows/" + flow + "/start", json::object()), "start");
  expect_404(b.post("/api/flows/" + flow + "/stop", json::object()), "stop");
  expect_404(inject(b, flow, "x"), "inject");
  // And nothing of A's changed.
  EXPECT_EQ(a.get("/api/flows/" + flow + "/executions").json["total"], 1);
  EXPECT_EQ(a.get("/api/flows/" + flow + "/triggers").json["items"].size(), 1u);
}

TEST_F(RuntimeApi, ViewerReadsButCannotRun) {
  Client owner = user("owner@example.com");
  Client viewer = user("viewer@example.com");
  join(owner, viewer, "viewer");
  auto flow = create_flow(owner, "shared");
  auto r = inject(owner, flow, "x");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto exec = r.json["executionId"].get<std::string>();

  EXPECT_EQ(viewer.get("/api/flows/" + flow + "/executions").status, 200);
  EXPECT_EQ(viewer.get("/api/executions/" + exec).status, 200);
  EXPECT_EQ(viewer.get("/api/flows/" + flow + "/status").status, 200);
  EXPECT_EQ(viewer.get("/api/flows/" + flow + "/logs").status, 200);
  EXPECT_EQ(viewer.get("/api/flows/" + flow + "/triggers").status, 200);
  EXPECT_EQ(viewer.post("/api/flows/" + flow + "/start", json::object()).status, 403);
  EXPECT_EQ(viewer.post("/api/flows/" + flow + "/stop", json::object()).status, 403);
  EXPECT_EQ(inject(viewer, flow, "x").status, 403);
  EXPECT_EQ(viewer.post("/api/executions/" + exec + "/rerun", json::object()).status, 403);
  EXPECT_EQ(viewer.post("/api/flows/" + flow + "/triggers", {{"type", "webhook"}, {"name", "v"}}).status, 403);
  EXPECT_EQ(owner.get("/api/flows/" + flow + "/executions").json["total"], 1);
}

TEST_F(RuntimeApi, DeletingARunningFlowStopsItAndItsWebhook) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "doomed");
  const auto path = webhook_path(c, flow);
  ASSERT_EQ(hook(path + "?wait=true", R"({"text":"x"})").status, 200);
  EXPECT_EQ(c.get("/api/flows/" + flow + "/status").json["status"], "running");
  ASSERT_EQ(c.del("/api/flows/" + flow).status, 204);
  EXPECT_EQ(hook(path, R"({"text":"x"})").status, 404);
  EXPECT_EQ(c.get("/api/flows/" + flow + "/status").status, 404);
  EXPECT_EQ(c.get("/api/flows/" + flow + "/logs").status, 404);
  EXPECT_EQ(app_->runtime()->peek(c.personal_org_id, flow).state, runtime::FlowState::Stopped);
}

// A running flow picks up a saved version (no live version published: triggers run the
// latest), instead of converting with the new YAML and running the old pump.
TEST_F(RuntimeApi, SavingARunningFlowRunsTheNewVersion) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "evolving");
  const auto path = webhook_path(c, flow);
  auto v1 = hook(path + "?wait=true", R"({"text":"one"})");
  ASSERT_EQ(v1.status, 200) << v1.body;
  EXPECT_EQ(c.get("/api/flows/" + flow + "/status").json["version"], 1);

  std::string yaml =
      "organism:\n  name: evolving\n"
      "payloads:\n  Request:\n    message: string\n  Result:\n    text: string\n"
      "listeners:\n"
      "  - name: start\n    payload_class: Request\n    handler: transform\n    description: in\n"
      "    peers: [output]\n    transform:\n      payload: Result\n      fields:\n        text: \"v2 {{ message }}\"\n"
      "  - name: output\n    payload_class: Result\n    handler: output\n    description: out\n";
  auto saved = c.put("/api/flows/" + flow, {{"version", 1}, {"organismYaml", yaml}});
  ASSERT_EQ(saved.status, 200) << saved.body;
  auto v2 = hook(path + "?wait=true", R"({"message":"two"})");
  ASSERT_EQ(v2.status, 200) << v2.body;
  EXPECT_EQ(v2.json["output"]["text"], "v2 two");
  EXPECT_EQ(c.get("/api/flows/" + flow + "/status").json["version"], 2);
  auto e = c.get("/api/executions/" + v2.json["executionId"].get<std::string>());
  EXPECT_EQ(e.json["flowVersion"], 2) << e.body;
  auto manual = inject(c, flow, "ignored");  // the old field is now unknown
  EXPECT_EQ(manual.status, 400) << manual.body;
}

std::string yaml_with_triggers(const std::string& triggers) {
  return "organism:\n  name: triggered\n"
         "payloads:\n  Request:\n    text: string\n  Result:\n    text: string\n"
         "listeners:\n"
         "  - name: start\n    payload_class: Request\n    handler: transform\n    description: in\n"
         "    peers: [output]\n    transform:\n      payload: Result\n      fields:\n        text: \"{{ text }}\"\n"
         "  - name: output\n    payload_class: Result\n    handler: output\n    description: out\n" +
         triggers;
}

TEST_F(RuntimeApi, TriggersDeclaredInYamlFollowTheYaml) {
  Client c = user("ada@example.com");
  const std::string both =
      "triggers:\n"
      "  - { name: nightly, type: schedule, target: start, cron: \"0 2 * * *\", timezone: Europe/Berlin }\n"
      "  - { name: inbound, type: webhook, target: start }\n";
  auto flow = create_flow(c, "triggered", yaml_with_triggers(both));
  auto list = c.get("/api/flows/" + flow + "/triggers");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json["items"].size(), 2u) << list.body;
  for (const auto& t : list.json["items"]) {
    EXPECT_EQ(t["config"]["source"], "yaml") << t.dump();
    if (t["name"] == "nightly") {
      EXPECT_EQ(t["type"], "schedule");
      EXPECT_EQ(t["config"]["cron"], "0 2 * * *");
      EXPECT_EQ(t["config"]["timezone"], "Europe/Berlin");
    } else {
      EXPECT_EQ(t["name"], "inbound");
      EXPECT_EQ(t["type"], "webhook");
    }
  }
  // An API trigger next to them.
  auto api = c.post("/api/flows/" + flow + "/triggers", {{"type", "webhook"}, {"name", "by-api"}});
  ASSERT_EQ(api.status, 201) << api.body;

  // Drop the webhook from the YAML: it goes, the API trigger stays.
  const std::string one =
      "triggers:\n"
      "  - { name: nightly, type: schedule, target: start, cron: \"30 3 * * *\" }\n";
  auto saved = c.put("/api/flows/" + flow, {{"version", 1}, {"organismYaml", yaml_with_triggers(one)}});
  ASSERT_EQ(saved.status, 200) << saved.body;
  list = c.get("/api/flows/" + flow + "/triggers");
  std::set<std::string> names;
  for (const auto& t : list.json["items"]) {
    names.insert(t["name"].get<std::string>());
    if (t["name"] == "nightly") {
      EXPECT_EQ(t["config"]["cron"], "30 3 * * *");
    }
  }
  EXPECT_EQ(names, (std::set<std::string>{"nightly", "by-api"})) << list.body;

  // No triggers at all: only the API one is left.
  saved = c.put("/api/flows/" + flow, {{"version", 2}, {"organismYaml", yaml_with_triggers("")}});
  ASSERT_EQ(saved.status, 200) << saved.body;
  list = c.get("/api/flows/" + flow + "/triggers");
  ASSERT_EQ(list.json["items"].size(), 1u) << list.body;
  EXPECT_EQ(list.json["items"][0]["name"], "by-api");
  EXPECT_EQ(list.json["items"][0]["config"]["source"], "api");
}

// The dashboard's usage card: executions this month and flows, counted by the server, with
// the plan's limits (a self-hosted instance: unlimited, not enforced).
TEST_F(RuntimeApi, MeReportsThisMonthsUsageAgainstThePlan) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "hello");
  ASSERT_EQ(inject(c, flow, "one").status, 200);
  // Both asynchronous runs must have ended before the count of succeeded ones is read: the
  // second may still be running when the third has ended (seen under a loaded ctest -j2).
  wait_final(c, inject(c, flow, "two", "").json["executionId"].get<std::string>());
  wait_final(c, inject(c, flow, "three", "").json["executionId"].get<std::string>());
  auto me = c.get("/api/me");
  ASSERT_EQ(me.status, 200) << me.body;
  const auto& usage = me.json["usage"];
  EXPECT_EQ(usage["executions"], 3) << me.body;
  EXPECT_EQ(usage["flows"], 1);
  EXPECT_TRUE(usage["executionsLimit"].is_null());
  EXPECT_TRUE(usage["flowsLimit"].is_null());
  EXPECT_EQ(usage["limitsEnforced"], false);
  EXPECT_EQ(usage["month"].get<std::string>().size(), 7u);
  ASSERT_EQ(usage["daily"].size(), 1u) << me.body;  // all of today's
  EXPECT_EQ(usage["daily"][0]["succeeded"], 3);
  EXPECT_EQ(usage["daily"][0]["day"].get<std::string>().substr(0, 7), usage["month"]);
}

}  // namespace
}  // namespace nextra::apitest
