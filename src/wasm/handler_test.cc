// `handler: wasm` in a real pump: injection -> wasm listener -> output, `_to` peer checks,
// limits that become SystemErrors, and a hostile module that leaves other pumps (and the
// rest of its own pump) serving.

#include "wasm/handler.h"

#include <gtest/gtest.h>

#include "pump/pump_test_support.h"
#include "wasm/test_support.h"
#include "wasm/wabt_sandbox.h"

namespace nextra::wasm {
namespace {

using pump::testing::load_spec;
using pump::testing::output_xml;

constexpr const char* kFlow = R"(
organism:
  name: wasm-test
payloads:
  Text:
    text: string
listeners:
  - name: upper
    payload_class: Text
    handler: wasm
    description: Upper-cases the text in a module
    peers: [out]
    wasm: {module: shout, fuel: 1000000, timeout_ms: 5000}
  - name: out
    payload_class: Text
    handler: output
    description: The result
  - name: secret
    payload_class: Text
    handler: output
    description: Not a peer of upper
)";

// Builds and starts a pump over `yaml` with the wasm kind; modules come from tests/data/wasm.
struct WasmPump {
  std::shared_ptr<InstanceCache> cache = std::make_shared<InstanceCache>();
  std::shared_ptr<const flow::OrganismSpec> spec;
  std::unique_ptr<pump::Pump> pump;
  std::string error;

  explicit WasmPump(const std::string& yaml) {
    spec = load_spec(yaml);
    if (!spec) return;
    HandlerOptions o;
    o.sandbox = make_wabt_sandbox();
    o.modules = [](const std::string& name) -> Result<std::string> {
      if (name == "missing") return Error::make(ErrorCode::NotFound, "no module named 'missing'");
      return testing::module_bytes(name);
    };
    o.host_for = [](const std::string&, const std::string&) { return std::make_shared<testing::RecordingHost>(); };
    o.cache = cache;
    o.spec = spec.get();
    pump::PumpOptions options;
    options.handler_factories["wasm"] = make_handler_factory(std::move(o));
    flow::Diagnostics diags;
    auto p = pump::Pump::create(spec, std::move(options), nullptr, &diags);
    if (!p.ok()) {
      for (const auto& d : diags) error += d.message + "\n";
      return;
    }
    pump = std::move(p).value();
    pump->add_observer(cache.get());
    EXPECT_TRUE(pump->start().ok());
  }

  pump::ExecutionResult run(const std::string& to, const std::string& xml) {
    return pump::testing::run(*pump, to, xml);
  }
};

std::string flow_with(const std::string& wasm_section, const std::string& peers = "[out]") {
  std::string yaml = kFlow;
  const std::string old_section = "{module: shout, fuel: 1000000, timeout_ms: 5000}";
  const std::string old_peers = "peers: [out]";
  yaml.replace(yaml.find(old_section), old_section.size(), wasm_section);
  yaml.replace(yaml.find(old_peers), old_peers.size(), "peers: " + peers);
  return yaml;
}

TEST(WasmHandler, InjectionThroughAModuleToTheOutput) {
  WasmPump p(kFlow);
  ASSERT_TRUE(p.pump) << p.error;
  auto r = p.run("upper", "<Text><Text>hello wasm</Text></Text>");
  ASSERT_EQ(r.status, pump::ExecutionStatus::Success) << r.error;
  EXPECT_EQ(output_xml(r), "<Text><Text>HELLO WASM</Text></Text>");
  // The execution is over: its instance is gone.
  EXPECT_EQ(p.cache->size(), 0u);
}

TEST(WasmHandler, ToAPeerForwardsThere) {
  WasmPump p(flow_with("{module: to_peer}", "[out, secret]"));
  ASSERT_TRUE(p.pump) << p.error;
  auto r = p.run("upper", "<Text><Text>x</Text></Text>");
  ASSERT_EQ(r.status, pump::ExecutionStatus::Success) << r.error;
  EXPECT_EQ(output_xml(r), "<Text><Text>hi</Text></Text>");
}

TEST(WasmHandler, ToANonPeerIsRefused) {
  WasmPump p(flow_with("{module: to_peer}"));
  ASSERT_TRUE(p.pump) << p.error;
  auto r = p.run("upper", "<Text><Text>x</Text></Text>");
  EXPECT_EQ(r.status, pump::ExecutionStatus::Error);
  EXPECT_NE(r.error.find("_to names 'secret', which is not a peer of 'upper' (peers: out)"), std::string::npos) << r.error;
}

TEST(WasmHandler, LimitHitBecomesTheListenersErrorAndThePumpKeepsServing) {
  WasmPump p(flow_with("{module: spin, fuel: 100000}"));
  ASSERT_TRUE(p.pump) << p.error;
  auto r = p.run("upper", "<Text><Text>x</Text></Text>");
  EXPECT_EQ(r.status, pump::ExecutionStatus::Error);
  EXPECT_NE(r.error.find("wasm module 'spin': out of fuel after 100000 instructions"), std::string::npos) << r.error;
  // The same pump still answers on another listener.
  auto ok = p.run("out", "<Text><Text>still here</Text></Text>");
  EXPECT_EQ(ok.status, pump::ExecutionStatus::Success) << ok.error;
}

TEST(WasmHandler, OutputThatIsNotTheTargetClassFails) {
  // grow answers {"grow":-1}: a key the target class Text does not have.
  WasmPump p(flow_with("{module: grow}"));
  ASSERT_TRUE(p.pump) << p.error;
  auto r = p.run("upper", "<Text><Text>x</Text></Text>");
  EXPECT_EQ(r.status, pump::ExecutionStatus::Error);
  EXPECT_NE(r.error.find("grow: is not a field of Text"), std::string::npos) << r.error;
}

TEST(WasmHandler, HostileModuleInOnePumpDoesNotStopAnother) {
  WasmPump hostile(flow_with("{module: spin, fuel: 200000000, timeout_ms: 30000}"));
  WasmPump good(kFlow);
  ASSERT_TRUE(hostile.pump && good.pump) << hostile.error << good.error;
  auto spinning = hostile.pump->inject("upper", pump::testing::payload(*hostile.pump, "<Text><Text>x</Text></Text>"));
  ASSERT_TRUE(spinning.ok());
  for (int i = 0; i < 5; ++i) {
    auto r = good.run("upper", "<Text><Text>ok " + std::to_string(i) + "</Text></Text>");
    ASSERT_EQ(r.status, pump::ExecutionStatus::Success) << r.error;
    EXPECT_EQ(output_xml(r), "<Text><Text>OK " + std::to_string(i) + "</Text></Text>");
  }
  auto end = (*spinning)->wait();
  EXPECT_EQ(end.status, pump::ExecutionStatus::Error);
  EXPECT_NE(end.error.find("out of fuel after 200000000 instructions"), std::string::npos) << end.error;
}

TEST(WasmHandler, PrivateFetchBecomesACleanSystemError) {
  WasmPump p(R"(
payloads:
  Req: { url: string }
listeners:
  - name: fetcher
    payload_class: Req
    handler: wasm
    description: Fetches the URL it is given
    wasm: {module: fetch}
)");
  ASSERT_TRUE(p.pump) << p.error;
  auto r = p.run("fetcher", "<Req><Url>http://10.0.0.1/</Url></Req>");
  EXPECT_EQ(r.status, pump::ExecutionStatus::Error);
  EXPECT_NE(r.error.find("wasm module 'fetch': http_fetch: the address of http://10.0.0.1/ is private"), std::string::npos)
      << r.error;
}

TEST(WasmHandler, BadSectionOrModuleStopsTheFlowFromStarting) {
  const std::pair<std::string, std::string> cases[] = {
      {"{module: missing}", "wasm module 'missing': no module named 'missing'"},
      {"{module: wasi}", "import 'wasi_snapshot_preview1.fd_write' is not allowed"},
      {"{module: big_memory}", "memory declares 100 pages, above the limit of 16"},
      {"{module: shout, fuel: 0}", "wasm.fuel: must be an integer between 1 and"},
      {"{module: shout, respond_with: Nope}", "unknown payload class 'Nope'"},
  };
  for (const auto& [section, message] : cases) {
    auto spec = load_spec(flow_with(section));
    ASSERT_TRUE(spec);
    HandlerOptions o;
    o.sandbox = make_wabt_sandbox();
    o.modules = [](const std::string& name) -> Result<std::string> {
      if (name == "missing") return Error::make(ErrorCode::NotFound, "no module named 'missing'");
      return testing::module_bytes(name);
    };
    o.spec = spec.get();
    auto factory = make_handler_factory(o);
    auto h = factory(spec->listeners[0], *spec->schema);
    ASSERT_FALSE(h.ok()) << section;
    EXPECT_NE(h.error().message.find(message), std::string::npos) << h.error().message;
  }
}

TEST(WasmHandler, InstancesLiveForTheirThread) {
  // Each execution's thread gets its instance, and the pump's completion reports drop it.
  WasmPump p(kFlow);
  ASSERT_TRUE(p.pump) << p.error;
  for (int i = 0; i < 3; ++i) {
    auto r = p.run("upper", "<Text><Text>n" + std::to_string(i) + "</Text></Text>");
    ASSERT_EQ(r.status, pump::ExecutionStatus::Success) << r.error;
  }
  EXPECT_EQ(p.cache->size(), 0u);
}

}  // namespace
}  // namespace nextra::wasm
