// Project memory end to end (issue #5): a flow that enables `memory:` writes a key with
// tool:keyvalue in one execution and reads it in the next; the API lists, reads and deletes
// the keys (audited), another organization sees none of it, and deleting the flow clears it.
#include <gtest/gtest.h>

#include "api_fixture.h"

namespace nextra::apitest {
namespace {

using nlohmann::json;

// start → system.buffer → kv (tool:keyvalue) → report: the buffer hands the tool's answer
// to an output listener, so the execution's output carries it.
std::string memory_flow(const std::string& memory_section) {
  return R"(organism:
  name: memo
)" + memory_section + R"(payloads:
  Command:
    operation: string
    key: string
    value: string
listeners:
  - name: start
    payload_class: Command
    handler: transform
    description: Asks the memory tool through a buffer
    peers: [system.buffer, kv, report]
    transform:
      to: system.buffer
      payload: BufferStart
      fields:
        target: kv
        items: "<KeyValueRequest><Operation>{{ operation }}</Operation><Key>{{ key }}</Key><Value><Str>{{ value }}</Str></Value><Namespace><Str>notes</Str></Namespace><TtlSeconds/></KeyValueRequest>"
        collect: "true"
        return_to: report
  - name: kv
    payload_class: KeyValueRequest
    handler: "tool:keyvalue"
    description: The flow's project memory
  - name: report
    payload_class: BufferComplete
    handler: output
    description: The memory's answer
)";
}

const std::string kEnabled = "memory:\n  enabled: true\n  max_bytes: 4096\n";

class MemoryApi : public ApiTest {
 protected:
  // Runs one Command through the flow and answers the tool's KeyValueResponse XML.
  std::string run(Client& c, const std::string& flow, const std::string& op, const std::string& key,
                  const std::string& value = "") {
    auto r = c.post("/api/triggers/" + flow + "/inject?wait=true",
                    {{"target", "start"}, {"payload", {{"operation", op}, {"key", key}, {"value", value}}}});
    EXPECT_EQ(r.status, 200) << r.body;
    if (!r.json.is_object() || !r.json.contains("output")) return "";
    return r.json["output"].value("results", std::string());
  }
};

TEST_F(MemoryApi, ASecondExecutionReadsWhatTheFirstWrote) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "memo", memory_flow(kEnabled));
  auto set = run(c, flow, "set", "answer", "42");
  EXPECT_NE(set.find("<Error></Error>"), std::string::npos) << set;
  auto got = run(c, flow, "get", "answer");
  EXPECT_NE(got.find("<Value>42</Value>"), std::string::npos) << got;
  EXPECT_NE(got.find("<Found>true</Found>"), std::string::npos) << got;
  auto missing = run(c, flow, "get", "nothing");
  EXPECT_NE(missing.find("<Found>false</Found>"), std::string::npos) << missing;

  // The API shows the key with its namespace.
  auto list = c.get("/api/flows/" + flow + "/memory");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json["total"], 1);
  EXPECT_EQ(list.json["enabled"], true);
  EXPECT_EQ(list.json["maxBytes"], 4096);
  ASSERT_EQ(list.json["items"].size(), 1u);
  EXPECT_EQ(list.json["items"][0]["key"], "notes:answer");
  EXPECT_EQ(list.json["items"][0]["sizeBytes"], 12 + 2);
  EXPECT_EQ(list.json["usedBytes"], 14);
  EXPECT_TRUE(list.json["items"][0]["expiresAt"].is_null());
  auto one = c.get("/api/flows/" + flow + "/memory/notes%3Aanswer");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.json["value"], "42");
  EXPECT_EQ(one.json["key"], "notes:answer");
}

TEST_F(MemoryApi, WithoutTheMemorySectionTheToolSaysHowToEnableIt) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "memo", memory_flow(""));
  auto set = run(c, flow, "set", "answer", "42");
  EXPECT_NE(set.find("project memory is not enabled for this flow"), std::string::npos) << set;
  auto list = c.get("/api/flows/" + flow + "/memory");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json["total"], 0);
  EXPECT_EQ(list.json["enabled"], false);
}

TEST_F(MemoryApi, DeletingKeysIsAuditedAndAbsentKeysAre404) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "memo", memory_flow(kEnabled));
  run(c, flow, "set", "a", "1");
  run(c, flow, "set", "b", "2");
  run(c, flow, "set", "c", "3");

  auto del = c.del("/api/flows/" + flow + "/memory/notes%3Aa");
  EXPECT_EQ(del.status, 204) << del.body;
  auto again = c.del("/api/flows/" + flow + "/memory/notes%3Aa");
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.code(), "not_found");
  EXPECT_EQ(c.get("/api/flows/" + flow + "/memory/notes%3Aa").status, 404);

  auto paged = c.get("/api/flows/" + flow + "/memory?page=2&pageSize=1");
  ASSERT_EQ(paged.status, 200);
  EXPECT_EQ(paged.json["total"], 2);
  EXPECT_EQ(paged.json["items"][0]["key"], "notes:c");
  EXPECT_EQ(c.get("/api/flows/" + flow + "/memory?pageSize=0").status, 400);

  auto clear = c.del("/api/flows/" + flow + "/memory");
  ASSERT_EQ(clear.status, 200) << clear.body;
  EXPECT_EQ(clear.json["deleted"], 2);
  EXPECT_EQ(c.get("/api/flows/" + flow + "/memory").json["total"], 0);

  auto audit = c.get("/api/audit");
  ASSERT_EQ(audit.status, 200) << audit.body;
  bool deleted = false, cleared = false;
  for (const auto& e : audit.json["items"]) {
    deleted |= e["action"] == "flow.memory.delete" && e["targetId"] == flow;
    cleared |= e["action"] == "flow.memory.clear" && e["targetId"] == flow;
  }
  EXPECT_TRUE(deleted) << audit.body;
  EXPECT_TRUE(cleared) << audit.body;
}

TEST_F(MemoryApi, AnotherOrganizationSeesNothing) {
  Client ada = user("ada@example.com");
  auto flow = create_flow(ada, "memo", memory_flow(kEnabled));
  run(ada, flow, "set", "secret", "\"s3cr3t\"");
  Client eve = user("eve@example.com");
  EXPECT_EQ(eve.get("/api/flows/" + flow + "/memory").status, 404);
  EXPECT_EQ(eve.get("/api/flows/" + flow + "/memory/notes%3Asecret").status, 404);
  EXPECT_EQ(eve.del("/api/flows/" + flow + "/memory/notes%3Asecret").status, 404);
  EXPECT_EQ(eve.del("/api/flows/" + flow + "/memory").status, 404);
  // Eve's own flow with the same key names reads its own (empty) memory.
  auto hers = create_flow(eve, "memo", memory_flow(kEnabled));
  auto got = run(eve, hers, "get", "secret");
  EXPECT_NE(got.find("<Found>false</Found>"), std::string::npos) << got;
  auto still = ada.get("/api/flows/" + flow + "/memory/notes%3Asecret");
  ASSERT_EQ(still.status, 200);
  EXPECT_EQ(still.json["value"], "\"s3cr3t\"");
}

TEST_F(MemoryApi, DeletingTheFlowClearsItsMemory) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "memo", memory_flow(kEnabled));
  run(c, flow, "set", "k", "1");
  ASSERT_EQ(c.del("/api/flows/" + flow).status, 204);
  EXPECT_EQ(c.get("/api/flows/" + flow + "/memory").status, 404);
  EXPECT_EQ(c.get("/api/flows/" + flow + "/memory/notes%3Ak").status, 404);
}

TEST_F(MemoryApi, ABadMemorySectionIsRejectedWithItsPosition) {
  Client c = user("ada@example.com");
  auto r = c.post("/api/flows", {{"name", "bad"}, {"organismYaml", memory_flow("memory:\n  enabled: true\n  max_bytes: 5\n")}});
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.json["details"]["field"], "memory.max_bytes");
  EXPECT_EQ(r.json["details"]["line"], 5);
}

}  // namespace
}  // namespace nextra::apitest
