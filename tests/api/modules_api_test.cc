// WASM modules over the API (issue #7): upload in the three forms, list, get, delete, the
// organization boundary, the checks that refuse a module before anything is kept, the
// tier's module limit, the editor's test run, and the whole road a code block takes:
// upload → a flow naming the module → webhook → the module's answer as the output.
#include <gtest/gtest.h>

#include <filesystem>

#include "api/module_build.h"
#include "auth/tokens.h"
#include "api_fixture.h"
#include "wasm/test_support.h"

namespace nextra::apitest {
namespace {

using api::parse_asc_diagnostics;
using nlohmann::json;

constexpr const char* kShoutWit = R"(package nextra:example@0.1.0;
interface shout {
  record text { text: string }
  handle: func(req: text) -> text;
}
)";

// A flow whose code block runs `module` on Text{text} and hands the answer to the output.
std::string code_flow_yaml(const std::string& module, const std::string& tier = "interpreter") {
  return R"(organism:
  name: code
payloads:
  Text:
    text: string
listeners:
  - name: shout
    payload_class: Text
    handler: wasm
    description: A code block
    peers: [done]
    wasm:
      tier: )" + tier + R"(
      module: )" + module + R"(
  - name: done
    payload_class: Text
    handler: output
    description: The answer
)";
}

std::string multipart(const std::string& boundary, const std::vector<std::pair<std::string, std::string>>& fields,
                      const std::string& file) {
  std::string body;
  for (const auto& [name, value] : fields) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
  }
  body += "--" + boundary +
          "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"shout.wasm\"\r\n"
          "Content-Type: application/wasm\r\n\r\n" +
          file + "\r\n--" + boundary + "--\r\n";
  return body;
}

class ModulesApi : public ApiTest {
 protected:
  Reply upload_json(Client& c, const std::string& name, const std::string& version, const std::string& bytes,
                    const std::string& wit = kShoutWit) {
    return c.post("/api/modules", {{"name", name}, {"version", version}, {"wit", wit}, {"wasmBase64", auth::base64_encode(bytes)}});
  }
  std::string shout() { return wasm::testing::module_bytes("shout"); }
};

TEST_F(ModulesApi, UploadedInEachFormListedAndDeleted) {
  Client c = user("ada@example.com");
  const std::string boundary = "----nextra-test-boundary";
  auto a = c.call("POST", "/api/modules", multipart(boundary, {{"version", "1.0.0"}, {"wit", kShoutWit}}, shout()), {},
                  "multipart/form-data; boundary=" + boundary);
  ASSERT_EQ(a.status, 201) << a.body;
  EXPECT_EQ(a.json["name"], "shout");  // from the file name
  EXPECT_EQ(a.json["sizeBytes"], static_cast<std::int64_t>(shout().size()));
  EXPECT_EQ(a.json["sha256"].get<std::string>().size(), 64u);
  auto exports = a.json["exports"];
  EXPECT_NE(std::find(exports.begin(), exports.end(), "handle"), exports.end()) << a.body;

  auto b = upload_json(c, "shout", "1.1.0", shout());
  ASSERT_EQ(b.status, 201) << b.body;
  // The WIT's records as payload classes, for the palette.
  EXPECT_EQ(b.json["payloadClasses"]["input"], json({{"name", "Text"}, {"fields", {{"text", "string"}}}})) << b.body;
  EXPECT_EQ(b.json["payloadClasses"]["output"]["name"], "Text");
  auto raw = c.call("POST", "/api/modules?name=raw&version=2", shout(), {}, "application/wasm");
  EXPECT_EQ(raw.status, 400) << raw.body;  // no WIT: refused
  EXPECT_EQ(raw.json["details"]["field"], "wit") << raw.body;

  auto list = c.get("/api/modules");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json["total"], 2);
  EXPECT_EQ(c.get("/api/modules/" + a.json["id"].get<std::string>()).json["version"], "1.0.0");

  // Identical bytes share one file, which goes with the last module that uses it.
  const auto file = data_dir / "modules" / (a.json["sha256"].get<std::string>() + ".wasm");
  EXPECT_TRUE(std::filesystem::exists(file));
  EXPECT_EQ(c.del("/api/modules/" + a.json["id"].get<std::string>()).status, 204);
  EXPECT_TRUE(std::filesystem::exists(file));
  EXPECT_EQ(c.del("/api/modules/" + b.json["id"].get<std::string>()).status, 204);
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_EQ(c.get("/api/modules").json["total"], 0);
}

TEST_F(ModulesApi, BadModulesAreRefusedBeforeAnythingIsKept) {
  Client c = user("ada@example.com");
  auto junk = upload_json(c, "junk", "1", "not wasm at all");
  EXPECT_EQ(junk.status, 400) << junk.body;
  EXPECT_EQ(junk.code(), "invalid_module");
  EXPECT_EQ(junk.json["details"]["field"], "module");
  auto big = upload_json(c, "big", "1", wasm::testing::module_bytes("big_memory"));
  EXPECT_EQ(big.status, 400) << big.body;
  EXPECT_NE(big.json["message"].get<std::string>().find("memory"), std::string::npos) << big.body;
  auto wasi = upload_json(c, "wasi", "1", wasm::testing::module_bytes("wasi"));
  EXPECT_EQ(wasi.status, 400) << wasi.body;
  EXPECT_NE(wasi.json["message"].get<std::string>().find("not allowed"), std::string::npos) << wasi.body;
  auto bad_wit = upload_json(c, "shout", "1", shout(), "interface x { handle: func(a: nope) -> nope; }");
  EXPECT_EQ(bad_wit.status, 400) << bad_wit.body;
  EXPECT_EQ(bad_wit.json["details"]["field"], "wit");
  auto bad_name = upload_json(c, "../etc/passwd", "1", shout());
  EXPECT_EQ(bad_name.status, 400);
  EXPECT_EQ(bad_name.json["details"]["field"], "name");
  ASSERT_EQ(upload_json(c, "shout", "1", shout()).status, 201);
  auto again = upload_json(c, "shout", "1", shout());
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(c.get("/api/modules").json["total"], 1);
}

TEST_F(ModulesApi, AnotherOrganizationsModuleIsNotFoundAnywhere) {
  Client ada = user("ada@example.com");
  Client bob = user("bob@example.com");
  auto m = upload_json(ada, "secret-sauce", "1", shout());
  ASSERT_EQ(m.status, 201);
  const std::string id = m.json["id"];
  EXPECT_EQ(bob.get("/api/modules/" + id).status, 404);
  EXPECT_EQ(bob.del("/api/modules/" + id).status, 404);
  EXPECT_EQ(bob.post("/api/modules/" + id + "/run", {{"payload", {{"text", "x"}}}}).status, 404);
  EXPECT_EQ(bob.get("/api/modules").json["total"], 0);
  // Nor can bob's flow run it by name.
  auto flow = create_flow(bob, "steal", code_flow_yaml("secret-sauce"));
  auto start = bob.post("/api/flows/" + flow + "/start", json::object());
  EXPECT_EQ(start.status, 422) << start.body;
  EXPECT_NE(start.body.find("secret-sauce"), std::string::npos);
}

TEST_F(ModulesApi, TestRunShowsOutputFuelAndLimits) {
  Client c = user("ada@example.com");
  auto m = upload_json(c, "shout", "1", shout());
  ASSERT_EQ(m.status, 201);
  const std::string run = "/api/modules/" + m.json["id"].get<std::string>() + "/run";
  auto r = c.post(run, {{"payload", {{"text", "hello"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["output"]["text"], "HELLO");
  EXPECT_GT(r.json["fuelUsed"].get<std::int64_t>(), 0);
  EXPECT_GE(r.json["elapsedMicros"].get<std::int64_t>(), 0);

  auto spin = upload_json(c, "spin", "1", wasm::testing::module_bytes("spin"));
  ASSERT_EQ(spin.status, 201) << spin.body;
  auto out_of_fuel = c.post("/api/modules/" + spin.json["id"].get<std::string>() + "/run",
                            {{"payload", {{"text", "x"}}}, {"fuel", 100000}});
  EXPECT_EQ(out_of_fuel.status, 422) << out_of_fuel.body;
  EXPECT_EQ(out_of_fuel.code(), "limit_exceeded") << out_of_fuel.body;
  EXPECT_EQ(c.post(run, {{"payload", "not an object"}}).status, 400);
  EXPECT_EQ(c.post(run, {{"payload", json::object()}, {"fuel", 0}}).status, 400);
}

TEST_F(ModulesApi, ModulesCountAgainstTheTierInSaasMode) {
  options.saas = true;
  start();
  Client c = user("ada@example.com");  // a new organization is on the free plan: no modules
  auto r = upload_json(c, "shout", "1", shout());
  EXPECT_EQ(r.status, 402) << r.body;
  EXPECT_EQ(r.code(), "tier_limit");
  EXPECT_EQ(r.json["details"]["resource"], "modules");
}

// The road a code block takes, over HTTP only: upload, a flow naming the module, a webhook,
// and the module's answer as the flow's output.
TEST_F(ModulesApi, UploadedModuleRunsInAFlowFromAWebhook) {
  Client c = user("ada@example.com");
  ASSERT_EQ(upload_json(c, "shout", "1.0.0", shout()).status, 201);
  auto flow = create_flow(c, "code", code_flow_yaml("shout"));
  auto t = c.post("/api/flows/" + flow + "/triggers", {{"type", "webhook"}, {"name", "hook"}});
  ASSERT_EQ(t.status, 201) << t.body;
  auto r = client().call("POST", t.json["webhookPath"].get<std::string>() + "?wait=true", R"({"text":"hello wasm"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["output"]["text"], "HELLO WASM");
}

constexpr const char* kShoutSource = R"(import { alloc, readInput, writeOutput, getString, stringify, log } from "nextra";
export { alloc };

export function handle(ptr: usize, len: i32): i64 {
  const input = readInput(ptr, len);
  log("shouting");
  return writeOutput(`{"text":${stringify(getString(input, "text").toUpperCase() + "!")}}`);
}
)";

TEST_F(ModulesApi, BuildReportsTheCompilersErrorsAtTheirLineAndColumn) {
  Client c = user("ada@example.com");
  const std::string broken = "import { alloc } from \"nextra\";\nexport { alloc };\n"
                             "export function handle(ptr: usize, len: i32): i64 {\n  return notDefined;\n}\n";
  auto r = c.post("/api/modules/build", {{"source", broken}});
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.code(), "build_failed");
  EXPECT_EQ(r.json["ok"], false);
  ASSERT_GE(r.json["diagnostics"].size(), 1u) << r.body;
  const auto& d = r.json["diagnostics"][0];
  EXPECT_EQ(d["file"], "index.ts");
  EXPECT_EQ(d["line"], 4);
  EXPECT_EQ(d["column"], 10);
  EXPECT_EQ(d["severity"], "error");
  EXPECT_NE(d["message"].get<std::string>().find("notDefined"), std::string::npos) << r.body;
  EXPECT_EQ(c.post("/api/modules/build", json::object()).status, 400);  // no source
}

// The same road with the code block compiled ahead of time (wasm2c + cc).
TEST_F(ModulesApi, AheadOfTimeTierRunsTheModuleInAFlow) {
  Client c = user("ada@example.com");
  ASSERT_EQ(upload_json(c, "shout", "1.0.0", shout()).status, 201);
  auto flow = create_flow(c, "code", code_flow_yaml("shout", "aot"));
  auto t = c.post("/api/flows/" + flow + "/triggers", {{"type", "webhook"}, {"name", "hook"}});
  ASSERT_EQ(t.status, 201) << t.body;
  auto r = client().call("POST", t.json["webhookPath"].get<std::string>() + "?wait=true", R"({"text":"native"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["output"]["text"], "NATIVE");
  // Compiled once and kept beside the modules.
  bool cached = false;
  for (const auto& e : std::filesystem::directory_iterator(data_dir / "modules" / "aot")) {
    cached = cached || e.path().extension() == ".so";
  }
  EXPECT_TRUE(cached);
}

// AssemblyScript source → build → upload → a flow with a code block → webhook → output.
TEST_F(ModulesApi, AssemblyScriptSourceBuiltUploadedAndRunByAWebhook) {
  Client c = user("ada@example.com");
  auto built = c.post("/api/modules/build", {{"source", kShoutSource}});
  ASSERT_EQ(built.status, 200) << built.body;
  EXPECT_EQ(built.json["ok"], true);
  auto exports = built.json["exports"];
  EXPECT_NE(std::find(exports.begin(), exports.end(), "handle"), exports.end()) << built.body;
  auto up = c.post("/api/modules", {{"name", "as-shout"},
                                    {"version", "1.0.0"},
                                    {"wit", kShoutWit},
                                    {"wasmBase64", built.json["wasmBase64"]},
                                    {"source", kShoutSource}});
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(up.json["hasSource"], true);
  EXPECT_EQ(c.get("/api/modules/" + up.json["id"].get<std::string>()).json["source"], kShoutSource);

  // The source alone is built and stored too; a source that does not compile stores nothing.
  auto from_source = c.post("/api/modules", {{"name", "as-shout"}, {"version", "1.0.1"}, {"wit", kShoutWit}, {"source", kShoutSource}});
  ASSERT_EQ(from_source.status, 201) << from_source.body;
  EXPECT_EQ(from_source.json["hasSource"], true);
  auto broken = c.post("/api/modules", {{"name", "as-broken"}, {"wit", kShoutWit}, {"source", "export function handle(): i64 { return nope; }"}});
  EXPECT_EQ(broken.status, 422) << broken.body;
  EXPECT_EQ(broken.code(), "build_failed");
  EXPECT_EQ(c.get("/api/modules").json["total"], 2);

  auto test_run = c.post("/api/modules/" + up.json["id"].get<std::string>() + "/run", {{"payload", {{"text", "hi"}}}});
  ASSERT_EQ(test_run.status, 200) << test_run.body;
  EXPECT_EQ(test_run.json["output"]["text"], "HI!");
  EXPECT_EQ(test_run.json["logs"], json::array({"shouting"}));

  auto flow = create_flow(c, "as-code", code_flow_yaml("as-shout"));
  auto t = c.post("/api/flows/" + flow + "/triggers", {{"type", "webhook"}, {"name", "hook"}});
  ASSERT_EQ(t.status, 201) << t.body;
  auto r = client().call("POST", t.json["webhookPath"].get<std::string>() + "?wait=true", R"({"text":"hello"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["output"]["text"], "HELLO!");
}

TEST(AscDiagnostics, ParsedFromTheCompilersOutput) {
  const std::string out =
      "ERROR TS2322: Type '~lib/string/String' is not assignable to type 'i32'.\n"
      "   :\n 2 │ let x: i32 = \"str\";\n   │              ~~~~~\n   └─ in bad.ts(2,16)\n\n"
      "WARNING AS235: Only variables, functions and enums become WebAssembly module exports.\n"
      "   :\n 7 │ export class A {}\n   └─ in bad.ts(7,1)\n\nFAILURE 1 compile error(s)\n";
  auto d = parse_asc_diagnostics(out);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].file, "bad.ts");
  EXPECT_EQ(d[0].line, 2);
  EXPECT_EQ(d[0].column, 16);
  EXPECT_EQ(d[0].severity, "error");
  EXPECT_EQ(d[0].message, "TS2322: Type '~lib/string/String' is not assignable to type 'i32'.");
  EXPECT_EQ(d[1].severity, "warning");
  EXPECT_EQ(d[1].line, 7);
}

}  // namespace
}  // namespace nextra::apitest
