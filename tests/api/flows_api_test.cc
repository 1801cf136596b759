// Flows and their versions over HTTP: create, list, read, save (optimistic concurrency),
// validation errors, delete, versions, diff, restore, publish, bad input, tier limits.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api_fixture.h"

namespace nextra::apitest {
namespace {

using nlohmann::json;

class FlowsApi : public ApiTest {};

// A flow YAML whose `start` listener names a peer that does not exist (line 11).
std::string yaml_with_unknown_peer() {
  auto y = valid_flow_yaml("broken");
  auto at = y.find("peers: [out]");
  y.replace(at, std::string("peers: [out]").size(), "peers: [nowhere]");
  return y;
}

Reply create(Client& c, const std::string& name, const std::optional<std::string>& yaml = std::nullopt) {
  json body = {{"name", name}};
  if (yaml) body["organismYaml"] = *yaml;
  return c.post("/api/flows", body);
}

std::string create_id(Client& c, const std::string& name, const std::optional<std::string>& yaml = std::nullopt) {
  auto r = create(c, name, yaml);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json.is_object() && r.json.contains("id") ? r.json["id"].get<std::string>() : std::string();
}

void expect_problems_have_positions(const Reply& r) {
  ASSERT_TRUE(r.json["details"]["problems"].is_array()) << r.body;
  ASSERT_FALSE(r.json["details"]["problems"].empty()) << r.body;
  for (const auto& p : r.json["details"]["problems"]) {
    EXPECT_GE(p["line"].get<int>(), 1) << p.dump();
    EXPECT_GE(p["column"].get<int>(), 1) << p.dump();
    EXPECT_FALSE(p["message"].get<std::string>().empty()) << p.dump();
  }
  EXPECT_GE(r.json["details"]["line"].get<int>(), 1) << r.body;
  EXPECT_GE(r.json["details"]["column"].get<int>(), 1) << r.body;
}

TEST_F(FlowsApi, CreateWithoutYamlStartsFromAValidTemplate) {
  Client c = user("ada@example.com");
  auto r = create(c, "hello");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto& f = r.json;
  EXPECT_EQ(f["name"], "hello");
  EXPECT_EQ(f["version"], 1);
  EXPECT_EQ(f["status"], "stopped");
  EXPECT_TRUE(f["liveVersion"].is_null());
  EXPECT_EQ(f["orgId"], c.personal_org_id);
  EXPECT_EQ(f["userId"], c.user_id);
  ASSERT_TRUE(f["organismYaml"].is_string());
  EXPECT_FALSE(f["organismYaml"].get<std::string>().empty());
  ASSERT_TRUE(f["canvasState"].is_object());
  ASSERT_TRUE(f["canvasState"]["nodes"].is_array());
  EXPECT_FALSE(f["canvasState"]["nodes"].empty());
  EXPECT_EQ(r.headers["location"], "/api/flows/" + f["id"].get<std::string>());

  auto v = c.post("/api/flows/validate", {{"organismYaml", f["organismYaml"]}});
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(v.json["valid"], true) << v.body;

  auto got = c.get("/api/flows/" + f["id"].get<std::string>());
  ASSERT_EQ(got.status, 200) << got.body;
  for (const char* k : {"id", "name", "organismYaml", "canvasState", "version", "status", "createdAt"}) {
    EXPECT_EQ(got.json[k], f[k]) << k;
  }
}

TEST_F(FlowsApi, CreateWithYamlAndReadItBack) {
  Client c = user("ada@example.com");
  const auto yaml = valid_flow_yaml("mine");
  json canvas = {{"nodes", json::array({{{"id", "start"}}})}, {"edges", json::array()}, {"extra", {{"k", 1}}}};
  auto r = c.post("/api/flows", {{"name", "mine"}, {"description", "greets"}, {"organismYaml", yaml}, {"canvasState", canvas}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["organismYaml"], yaml);
  auto got = c.get("/api/flows/" + r.json["id"].get<std::string>());
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json["organismYaml"], yaml);
  EXPECT_EQ(got.json["description"], "greets");
  EXPECT_EQ(got.json["canvasState"], canvas);
  EXPECT_TRUE(got.json["warnings"].is_array());
  EXPECT_EQ(c.get("/api/flows/does-not-exist").status, 404);
}

TEST_F(FlowsApi, ListIsPaginatedSummariesAndSearchFiltersByName) {
  Client c = user("ada@example.com");
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.insert(create_id(c, (i % 2 ? "alpha-" : "beta-") + std::to_string(i)));

  auto p1 = c.get("/api/flows?page=1&pageSize=2");
  ASSERT_EQ(p1.status, 200) << p1.body;
  for (const char* k : {"items", "total", "page", "pageSize", "hasMore"}) EXPECT_TRUE(p1.json.contains(k)) << k;
  EXPECT_EQ(p1.json["total"], 5);
  EXPECT_EQ(p1.json["page"], 1);
  EXPECT_EQ(p1.json["pageSize"], 2);
  EXPECT_EQ(p1.json["hasMore"], true);
  ASSERT_EQ(p1.json["items"].size(), 2u);
  for (const auto& item : p1.json["items"]) {
    EXPECT_FALSE(item.contains("organismYaml")) << item.dump();
    EXPECT_FALSE(item.contains("canvasState")) << item.dump();
    EXPECT_FALSE(item.contains("warnings")) << item.dump();
    EXPECT_TRUE(item.contains("id"));
    EXPECT_TRUE(item.contains("name"));
    EXPECT_TRUE(item.contains("version"));
  }
  std::set<std::string> seen;
  for (int page = 1; page <= 3; ++page) {
    auto p = c.get("/api/flows?page=" + std::to_string(page) + "&pageSize=2");
    ASSERT_EQ(p.status, 200);
    EXPECT_EQ(p.json["hasMore"], page < 3) << page;
    for (const auto& item : p.json["items"]) seen.insert(item["id"].get<std::string>());
  }
  EXPECT_EQ(seen, ids);
  auto beyond = c.get("/api/flows?page=4&pageSize=2");
  EXPECT_EQ(beyond.status, 200);
  EXPECT_TRUE(beyond.json["items"].empty());
  EXPECT_EQ(beyond.json["hasMore"], false);

  auto alpha = c.get("/api/flows?search=alpha");
  ASSERT_EQ(alpha.status, 200);
  EXPECT_EQ(alpha.json["total"], 2);
  for (const auto& item : alpha.json["items"]) {
    EXPECT_NE(item["name"].get<std::string>().find("alpha"), std::string::npos);
  }
  EXPECT_EQ(c.get("/api/flows?search=nothing-like-this").json["total"], 0);

  EXPECT_EQ(c.get("/api/flows?pageSize=0").status, 400);
  EXPECT_EQ(c.get("/api/flows?pageSize=101").status, 400);
  EXPECT_EQ(c.get("/api/flows?page=abc").status, 400);
}

TEST_F(FlowsApi, InvalidYamlIs422WithProblemPositionsOnCreate) {
  Client c = user("ada@example.com");
  auto r = create(c, "broken", yaml_with_unknown_peer());
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.code(), "schema_violation");
  expect_problems_have_positions(r);
  EXPECT_EQ(r.json["details"]["line"], 11) << r.body;
  bool mentions = false;
  for (const auto& p : r.json["details"]["problems"]) {
    if (p["message"].get<std::string>().find("nowhere") != std::string::npos) mentions = true;
  }
  EXPECT_TRUE(mentions) << r.body;

  auto indent = create(c, "indent", "organism:\n  name: x\n listeners:\n    - name: a\n  bad\n");
  ASSERT_EQ(indent.status, 422) << indent.body;
  EXPECT_EQ(indent.code(), "schema_violation");
  expect_problems_have_positions(indent);

  // Nothing was created.
  EXPECT_EQ(c.get("/api/flows").json["total"], 0);
}

TEST_F(FlowsApi, RejectedSaveLeavesTheFlowUnchanged) {
  Client c = user("ada@example.com");
  const auto yaml = valid_flow_yaml("keep");
  const auto id = create_id(c, "keep", yaml);
  auto r = c.put("/api/flows/" + id, {{"version", 1}, {"organismYaml", yaml_with_unknown_peer()}, {"name", "renamed"}});
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.code(), "schema_violation");
  expect_problems_have_positions(r);
  auto got = c.get("/api/flows/" + id);
  EXPECT_EQ(got.json["version"], 1);
  EXPECT_EQ(got.json["organismYaml"], yaml);
  EXPECT_EQ(got.json["name"], "keep");
  EXPECT_EQ(c.get("/api/flows/" + id + "/versions").json["total"], 1);
}

TEST_F(FlowsApi, SaveNeedsAVersionAndAcceptsIfMatch) {
  Client c = user("ada@example.com");
  const auto id = create_id(c, "f", valid_flow_yaml("f"));
  auto missing = c.put("/api/flows/" + id, {{"name", "g"}});
  ASSERT_EQ(missing.status, 400) << missing.body;
  EXPECT_EQ(missing.code(), "invalid_argument");
  EXPECT_EQ(missing.json["details"]["field"], "version");

  auto via_header = c.call_json("PUT", "/api/flows/" + id, {{"name", "g"}}, {{"If-Match", "\"1\""}});
  ASSERT_EQ(via_header.status, 200) << via_header.body;
  EXPECT_EQ(via_header.json["version"], 2);
  EXPECT_EQ(via_header.json["name"], "g");
  auto weak = c.call_json("PUT", "/api/flows/" + id, {{"description", "d"}}, {{"If-Match", "W/\"2\""}});
  ASSERT_EQ(weak.status, 200) << weak.body;
  EXPECT_EQ(weak.json["version"], 3);
  EXPECT_EQ(weak.json["name"], "g");  // left-out fields keep their value

  auto put_missing = c.put("/api/flows/nope", {{"version", 1}, {"name", "x"}});
  EXPECT_EQ(put_missing.status, 404) << put_missing.body;
}

TEST_F(FlowsApi, StaleSaveIs409WithTheCurrentFlowAndNothingIsLost) {
  Client c = user("ada@example.com");
  const auto id = create_id(c, "f", valid_flow_yaml("f"));
  const auto winner_yaml = valid_flow_yaml("winner");
  auto first = c.put("/api/flows/" + id, {{"version", 1}, {"organismYaml", winner_yaml}, {"message", "first"}});
  ASSERT_EQ(first.status, 200) << first.body;
  auto stale = c.put("/api/flows/" + id, {{"version", 1}, {"organismYaml", valid_flow_yaml("loser")}, {"message", "second"}});
  ASSERT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(stale.code(), "conflict");
  EXPECT_EQ(stale.json["details"]["currentVersion"], 2);
  ASSERT_TRUE(stale.json["details"]["current"].is_object()) << stale.body;
  EXPECT_EQ(stale.json["details"]["current"]["id"], id);
  EXPECT_EQ(stale.json["details"]["current"]["version"], 2);
  EXPECT_EQ(stale.json["details"]["current"]["organismYaml"], winner_yaml);

  auto versions = c.get("/api/flows/" + id + "/versions");
  ASSERT_EQ(versions.status, 200);
  ASSERT_EQ(versions.json["total"], 2);
  EXPECT_EQ(versions.json["items"][0]["version"], 2);
  EXPECT_EQ(versions.json["items"][0]["message"], "first");
  EXPECT_EQ(versions.json["items"][1]["version"], 1);
  EXPECT_EQ(c.get("/api/flows/" + id).json["organismYaml"], winner_yaml);

  // Saving again with currentVersion works.
  auto retry = c.put("/api/flows/" + id, {{"version", 2}, {"organismYaml", valid_flow_yaml("loser")}});
  EXPECT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(retry.json["version"], 3);
}

TEST_F(FlowsApi, ConcurrentSavesOfTheSameVersionLetExactlyOneWin) {
  Client c = user("ada@example.com");
  const auto id = create_id(c, "race", valid_flow_yaml("race"));
  constexpr int kThreads = 8;
  std::atomic<int> ok{0}, conflict{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Client mine = c;
      auto r = mine.put("/api/flows/" + id, {{"version", 1}, {"organismYaml", valid_flow_yaml("writer-" + std::to_string(i))}});
      if (r.status == 200) ++ok;
      else if (r.status == 409) ++conflict;
      else ++other;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflict.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  auto versions = c.get("/api/flows/" + id + "/versions");
  ASSERT_EQ(versions.status, 200);
  EXPECT_EQ(versions.json["total"], 2);
  ASSERT_EQ(versions.json["items"].size(), 2u);
  EXPECT_EQ(versions.json["items"][0]["version"], 2);
  EXPECT_EQ(versions.json["items"][1]["version"], 1);
  EXPECT_EQ(c.get("/api/flows/" + id).json["version"], 2);
}

TEST_F(FlowsApi, VersionsDiffRestoreAndPublish) {
  Client c = user("ada@example.com");
  const auto v1 = valid_flow_yaml("one");
  const auto v2 = valid_flow_yaml("two");
  const auto id = create_id(c, "f", v1);
  ASSERT_EQ(c.put("/api/flows/" + id, {{"version", 1}, {"organismYaml", v2}, {"message", "rename"}}).status, 200);

  auto list = c.get("/api/flows/" + id + "/versions");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json["items"].size(), 2u);
  EXPECT_EQ(list.json["items"][0]["version"], 2);
  EXPECT_EQ(list.json["items"][1]["version"], 1);
  for (const auto& v : list.json["items"]) {
    EXPECT_EQ(v["live"], false);
    EXPECT_EQ(v["flowId"], id);
    EXPECT_EQ(v["authorId"], c.user_id);
    EXPECT_FALSE(v.contains("organismYaml"));
  }

  auto one = c.get("/api/flows/" + id + "/versions/1");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.json["organismYaml"], v1);
  EXPECT_EQ(one.json["version"], 1);
  EXPECT_EQ(c.get("/api/flows/" + id + "/versions/999").status, 404);
  EXPECT_EQ(c.get("/api/flows/" + id + "/versions/0").status, 400);

  auto diff = c.get("/api/flows/" + id + "/diff?from=1&to=2");
  ASSERT_EQ(diff.status, 200) << diff.body;
  EXPECT_EQ(diff.json["from"], 1);
  EXPECT_EQ(diff.json["to"], 2);
  EXPECT_EQ(diff.json["added"], 1);
  EXPECT_EQ(diff.json["removed"], 1);
  const auto unified = diff.json["unified"].get<std::string>();
  EXPECT_NE(unified.find("@@"), std::string::npos) << unified;
  EXPECT_NE(unified.find("-  name: one"), std::string::npos) << unified;
  EXPECT_NE(unified.find("+  name: two"), std::string::npos) << unified;
  ASSERT_FALSE(diff.json["hunks"].empty());
  auto defaults = c.get("/api/flows/" + id + "/diff");
  ASSERT_EQ(defaults.status, 200);
  EXPECT_EQ(defaults.json["from"], 1);
  EXPECT_EQ(defaults.json["to"], 2);
  EXPECT_EQ(c.get("/api/flows/" + id + "/diff?from=1&to=99").status, 404);
  EXPECT_EQ(c.get("/api/flows/" + id + "/diff?from=x").status, 400);

  auto stale_restore = c.post("/api/flows/" + id + "/versions/1/restore", {{"version", 1}});
  EXPECT_EQ(stale_restore.status, 409) << stale_restore.body;
  EXPECT_EQ(stale_restore.json["details"]["currentVersion"], 2);
  auto restored = c.post("/api/flows/" + id + "/versions/1/restore", {{"version", 2}});
  ASSERT_EQ(restored.status, 200) << restored.body;
  EXPECT_EQ(restored.json["version"], 3);
  EXPECT_EQ(restored.json["organismYaml"], v1);
  auto v3 = c.get("/api/flows/" + id + "/versions/3");
  EXPECT_EQ(v3.json["organismYaml"], v1);
  EXPECT_EQ(v3.json["message"], "Restored version 1");
  EXPECT_EQ(c.post("/api/flows/" + id + "/versions/999/restore", json::object()).status, 404);

  auto published = c.post("/api/flows/" + id + "/versions/2/publish", json::object());
  ASSERT_EQ(published.status, 200) << published.body;
  EXPECT_EQ(published.json["liveVersion"], 2);
  EXPECT_EQ(c.get("/api/flows/" + id).json["liveVersion"], 2);
  auto after = c.get("/api/flows/" + id + "/versions");
  ASSERT_EQ(after.json["items"].size(), 3u);
  for (const auto& v : after.json["items"]) EXPECT_EQ(v["live"], v["version"] == 2) << v.dump();
  EXPECT_EQ(c.post("/api/flows/" + id + "/versions/999/publish", json::object()).status, 404);

  // `from` defaults to the version before `to`, not before the latest.
  auto to_only = c.get("/api/flows/" + id + "/diff?to=2");
  ASSERT_EQ(to_only.status, 200) << to_only.body;
  EXPECT_EQ(to_only.json["from"], 1);
  EXPECT_EQ(to_only.json["to"], 2);
  EXPECT_EQ(to_only.json["added"], 1);
  auto latest = c.get("/api/flows/" + id + "/diff");
  EXPECT_EQ(latest.json["from"], 2);
  EXPECT_EQ(latest.json["to"], 3);

  auto paged = c.get("/api/flows/" + id + "/versions?pageSize=1&page=2");
  ASSERT_EQ(paged.status, 200);
  EXPECT_EQ(paged.json["total"], 3);
  EXPECT_EQ(paged.json["hasMore"], true);
  ASSERT_EQ(paged.json["items"].size(), 1u);
  EXPECT_EQ(paged.json["items"][0]["version"], 2);
}

TEST_F(FlowsApi, DeleteRemovesTheFlow) {
  Client c = user("ada@example.com");
  const auto keep = create_id(c, "keep");
  const auto gone = create_id(c, "gone");
  auto d = c.del("/api/flows/" + gone);
  EXPECT_EQ(d.status, 204) << d.body;
  EXPECT_EQ(c.get("/api/flows/" + gone).status, 404);
  EXPECT_EQ(c.get("/api/flows/" + gone + "/versions").status, 404);
  auto list = c.get("/api/flows");
  ASSERT_EQ(list.json["total"], 1);
  EXPECT_EQ(list.json["items"][0]["id"], keep);
  EXPECT_EQ(c.del("/api/flows/" + gone).status, 404);
}

TEST_F(FlowsApi, WrongTypesAndMalformedBodiesAre400) {
  Client c = user("ada@example.com");
  auto name_number = c.post("/api/flows", {{"name", 42}});
  EXPECT_EQ(name_number.status, 400);
  EXPECT_EQ(name_number.json["details"]["field"], "name");
  auto no_name = c.post("/api/flows", json::object());
  EXPECT_EQ(no_name.status, 400);
  EXPECT_EQ(no_name.json["details"]["field"], "name");
  auto canvas_string = c.post("/api/flows", {{"name", "x"}, {"canvasState", "{\"nodes\":[]}"}});
  EXPECT_EQ(canvas_string.status, 400);
  EXPECT_EQ(canvas_string.json["details"]["field"], "canvasState");
  auto yaml_number = c.post("/api/flows", {{"name", "x"}, {"organismYaml", 7}});
  EXPECT_EQ(yaml_number.status, 400);
  EXPECT_EQ(yaml_number.json["details"]["field"], "organismYaml");

  auto malformed = c.call("POST", "/api/flows", "{\n  \"name\": \"x\",\n  \"description\": }\n");
  ASSERT_EQ(malformed.status, 400) << malformed.body;
  EXPECT_EQ(malformed.code(), "invalid_argument");
  EXPECT_EQ(malformed.json["details"]["line"], 3);
  EXPECT_GE(malformed.json["details"]["column"].get<int>(), 1);

  const auto id = create_id(c, "f");
  auto version_string = c.put("/api/flows/" + id, {{"version", "1"}});
  EXPECT_EQ(version_string.status, 400);
  EXPECT_EQ(version_string.json["details"]["field"], "version");
  auto put_canvas = c.put("/api/flows/" + id, {{"version", 1}, {"canvasState", json::array()}});
  EXPECT_EQ(put_canvas.status, 400);
  EXPECT_EQ(put_canvas.json["details"]["field"], "canvasState");

  // organismYaml over 1 MiB in a body under the 2 MiB limit: a field error, not 413.
  auto big_yaml = c.post("/api/flows", {{"name", "big"}, {"organismYaml", std::string((1 << 20) + 1000, 'a')}});
  EXPECT_EQ(big_yaml.status, 400) << big_yaml.body.substr(0, 300);
  EXPECT_EQ(big_yaml.json["details"]["field"], "organismYaml");
  auto huge = c.post("/api/flows", {{"name", "huge"}, {"organismYaml", std::string(3 << 20, 'a')}});
  EXPECT_EQ(huge.status, 413) << huge.body.substr(0, 300);
  EXPECT_EQ(c.get("/api/flows").json["total"], 1);
}

TEST_F(FlowsApi, SqlInjectionStringsAreStoredVerbatim) {
  Client c = user("ada@example.com");
  const auto other = create_id(c, "innocent");
  const std::string evil_name = "x'); DROP TABLE flows; --";
  const std::string evil_desc = "\" OR 1=1; DELETE FROM flows WHERE '1'='1";
  json canvas = {{"nodes", json::array({{{"id", "'; DROP TABLE flow_versions; --"}}})}, {"note", "%' OR '%'='"}};
  auto r = c.post("/api/flows", {{"name", evil_name}, {"description", evil_desc}, {"canvasState", canvas}});
  ASSERT_EQ(r.status, 201) << r.body;
  const auto id = r.json["id"].get<std::string>();
  auto got = c.get("/api/flows/" + id);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json["name"], evil_name);
  EXPECT_EQ(got.json["description"], evil_desc);
  EXPECT_EQ(got.json["canvasState"], canvas);

  for (const char* q : {"%25%27%20OR%20%271%27%3D%271", "%27%3B%20DROP%20TABLE%20flows%3B%20--", "%25", "_"}) {
    auto s = c.get(std::string("/api/flows?search=") + q);
    EXPECT_EQ(s.status, 200) << q;
    EXPECT_EQ(s.json["total"], 0) << q << " " << s.body;
  }
  auto exact = c.get("/api/flows?search=DROP%20TABLE");
  ASSERT_EQ(exact.status, 200);
  ASSERT_EQ(exact.json["total"], 1) << exact.body;
  EXPECT_EQ(exact.json["items"][0]["id"], id);

  EXPECT_EQ(c.get("/api/flows").json["total"], 2);
  EXPECT_EQ(c.get("/api/flows/" + other).status, 200);
  auto v = c.get("/api/flows/" + other + "/versions");
  EXPECT_EQ(v.json["total"], 1);
}

// A flow whose `llm:` section the gateway would refuse is not saved: the problem is shown at
// its line, like any other.
TEST_F(FlowsApi, AnLlmSectionTheGatewayWouldRefuseIsAProblem) {
  Client c = user("ada@example.com");
  auto y = valid_flow_yaml() + "llm:\n  strategy: sometimes\n";
  auto v = c.post("/api/flows/validate", {{"organismYaml", y}});
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(v.json["valid"], false) << v.body;
  ASSERT_FALSE(v.json["problems"].empty());
  EXPECT_NE(v.json["problems"][0]["message"].get<std::string>().find("sometimes"), std::string::npos) << v.body;
  EXPECT_GT(v.json["problems"][0]["line"].get<int>(), 1);
  auto created = c.post("/api/flows", {{"name", "agents"}, {"organismYaml", y}});
  EXPECT_EQ(created.status, 422) << created.body;
}

TEST_F(FlowsApi, ValidateChecksWithoutSaving) {
  Client c = user("ada@example.com");
  auto bad = c.post("/api/flows/validate", {{"organismYaml", yaml_with_unknown_peer()}});
  ASSERT_EQ(bad.status, 200) << bad.body;
  EXPECT_EQ(bad.json["valid"], false);
  ASSERT_FALSE(bad.json["problems"].empty());
  EXPECT_EQ(bad.json["problems"][0]["severity"], "error");
  EXPECT_GE(bad.json["problems"][0]["line"].get<int>(), 1);

  auto good = c.post("/api/flows/validate", {{"organismYaml", valid_flow_yaml()}});
  ASSERT_EQ(good.status, 200);
  EXPECT_EQ(good.json["valid"], true);
  EXPECT_TRUE(good.json["problems"].empty()) << good.body;

  auto y = valid_flow_yaml();
  y.replace(y.find("passes it on"), std::string("passes it on").size(), "uses ${secret:MISSING}");
  auto warn = c.post("/api/flows/validate", {{"organismYaml", y}});
  ASSERT_EQ(warn.status, 200) << warn.body;
  EXPECT_EQ(warn.json["valid"], true) << warn.body;
  bool found = false;
  for (const auto& p : warn.json["problems"]) {
    if (p["severity"] == "warning" && p["message"].get<std::string>().find("MISSING") != std::string::npos) found = true;
  }
  EXPECT_TRUE(found) << warn.body;
  // A save with a warning succeeds and reports it.
  auto saved = c.post("/api/flows", {{"name", "warned"}, {"organismYaml", y}});
  ASSERT_EQ(saved.status, 201) << saved.body;
  EXPECT_FALSE(saved.json["warnings"].empty());

  EXPECT_EQ(c.post("/api/flows/validate", json::object()).status, 400);
  EXPECT_EQ(c.get("/api/flows").json["total"], 1);
}

TEST_F(FlowsApi, SaasFreePlanAllowsOneFlow) {
  options.saas = true;
  start();
  Client c = user("saas@example.com");
  auto first = create(c, "one");
  ASSERT_EQ(first.status, 201) << first.body;
  auto second = create(c, "two");
  ASSERT_EQ(second.status, 402) << second.body;
  EXPECT_EQ(second.code(), "tier_limit");
  EXPECT_EQ(second.json["details"]["limit"], 1);
  EXPECT_EQ(second.json["details"]["plan"], "free");
  EXPECT_EQ(c.get("/api/flows").json["total"], 1);
  // Deleting makes room again.
  EXPECT_EQ(c.del("/api/flows/" + first.json["id"].get<std::string>()).status, 204);
  EXPECT_EQ(create(c, "three").status, 201);
}

TEST_F(FlowsApi, SaasFreePlanLimitHoldsUnderConcurrentCreates) {
  options.saas = true;
  start();
  Client c = user("race@example.com");
  constexpr int kThreads = 8;
  std::atomic<int> created{0}, limited{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Client mine = c;
      auto r = create(mine, "f" + std::to_string(i));
      if (r.status == 201) ++created;
      else if (r.status == 402) ++limited;
      else ++other;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(limited.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(c.get("/api/flows").json["total"], 1);
}

TEST_F(FlowsApi, SelfHostedHasNoFlowLimit) {
  Client c = user("self@example.com");
  for (int i = 0; i < 12; ++i) EXPECT_EQ(create(c, "f" + std::to_string(i)).status, 201) << i;
  EXPECT_EQ(c.get("/api/flows").json["total"], 12);
}

}  // namespace
}  // namespace nextra::apitest
