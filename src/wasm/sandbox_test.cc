// The wabt engine against good and hostile modules (tests/data/wasm): every limit ends the
// call with its own error, and the sandbox keeps working afterwards.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <thread>

#include "wasm/test_support.h"
#include "wasm/wabt_sandbox.h"

namespace nextra::wasm {
namespace {

using testing::module_bytes;
using testing::RecordingHost;

class SandboxTest : public ::testing::Test {
 protected:
  Result<std::shared_ptr<const CompiledModule>> compile(const std::string& name, Limits limits = {}) {
    return sandbox_->compile(module_bytes(name), limits);
  }

  // Compiles, instantiates and calls `handle` once.
  Result<CallOutput> run(const std::string& name, std::string_view input = "{}", Limits limits = {}) {
    auto m = compile(name, limits);
    if (!m.ok()) return m.take_error();
    auto inst = sandbox_->instantiate(*m, host_);
    if (!inst.ok()) return inst.take_error();
    return (*inst)->call_json("handle", input, limits, host_);
  }

  std::shared_ptr<const Sandbox> sandbox_ = make_wabt_sandbox();
  RecordingHost host_;
};

void expect_error(const Result<CallOutput>& r, ErrorCode code, const std::string& text) {
  ASSERT_FALSE(r.ok()) << "expected an error containing '" << text << "'";
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_NE(r.error().message.find(text), std::string::npos) << r.error().message;
}

TEST_F(SandboxTest, EchoUpperRoundTripAndLogs) {
  auto r = run("echo_upper", R"({"text":"hello"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->json, R"({"TEXT":"HELLO"})");
  EXPECT_GT(r->fuel_used, 0u);
  EXPECT_EQ(host_.logs(), std::vector<std::string>{R"({"text":"hello"})"});
}

TEST_F(SandboxTest, InstanceServesManyCalls) {
  auto m = compile("echo_upper");
  ASSERT_TRUE(m.ok()) << m.error().message;
  auto inst = sandbox_->instantiate(*m, host_);
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  for (int i = 0; i < 100; ++i) {
    auto r = (*inst)->call_json("handle", "{\"n\":" + std::to_string(i) + "}", Limits{}, host_);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->json, "{\"N\":" + std::to_string(i) + "}");
  }
}

TEST_F(SandboxTest, ModuleInfoListsImportsAndExports) {
  auto m = compile("echo_upper");
  ASSERT_TRUE(m.ok());
  const auto& info = (*m)->info();
  ASSERT_EQ(info.imports.size(), 1u);
  EXPECT_EQ(info.imports[0].module, "env");
  EXPECT_EQ(info.imports[0].name, "log");
  const auto* handle = info.find_export("handle");
  ASSERT_NE(handle, nullptr);
  EXPECT_EQ(handle->params, (std::vector<std::string>{"i32", "i32"}));
  EXPECT_EQ(handle->results, (std::vector<std::string>{"i64"}));
  // No maximum declared: clamped to the limit.
  EXPECT_EQ(info.memory_pages_max, Limits{}.memory_pages);
}

TEST_F(SandboxTest, InfiniteLoopRunsOutOfFuel) {
  Limits limits;
  limits.fuel = 1000000;
  expect_error(run("spin", "{}", limits), ErrorCode::ResourceExhausted, "out of fuel after 1000000 instructions");
}

TEST_F(SandboxTest, FuelIsDeterministic) {
  // The same module and input use the same fuel every time.
  auto a = run("echo_upper", R"({"text":"deterministic"})");
  auto b = run("echo_upper", R"({"text":"deterministic"})");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->fuel_used, b->fuel_used);
}

TEST_F(SandboxTest, InfiniteLoopHitsTheClockWhenFuelIsAmple) {
  Limits limits;
  limits.fuel = kMaxFuel;
  limits.timeout = std::chrono::milliseconds(50);
  expect_error(run("spin", "{}", limits), ErrorCode::DeadlineExceeded, "timed out after 50 ms");
}

TEST_F(SandboxTest, UnboundedRecursionHitsCallDepth) {
  Limits limits;
  limits.call_depth = 100;
  expect_error(run("recurse", "{}", limits), ErrorCode::ResourceExhausted, "call depth limit of 100 exceeded");
}

TEST_F(SandboxTest, MemoryGrowPastTheCapReturnsMinusOne) {
  auto r = run("grow");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->json, R"({"grow":-1})");
}

TEST_F(SandboxTest, TooManyPagesRejectedAtLoad) {
  auto m = compile("big_memory");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::ResourceExhausted);
  EXPECT_EQ(m.error().message, "memory declares 100 pages, above the limit of 16");
  Limits roomy;
  roomy.memory_pages = 200;
  EXPECT_TRUE(compile("big_memory", roomy).ok());
}

TEST_F(SandboxTest, OutOfBoundsPointersToHostFunctions) {
  expect_error(run("oob_log"), ErrorCode::InvalidArgument, "log: the message [65500, 65600) is outside the module's memory");
  expect_error(run("oob_kv_set"), ErrorCode::InvalidArgument, "kv_set: the value [4294967280, 4294967344) is outside");
  expect_error(run("oob_fetch"), ErrorCode::InvalidArgument, "http_fetch: the request [70000, 70010) is outside");
}

TEST_F(SandboxTest, HugeOutputHitsTheOutputLimit) {
  expect_error(run("huge_output"), ErrorCode::ResourceExhausted,
               "output of 33554432 bytes exceeds the limit of 1048576");
  expect_error(run("oob_output"), ErrorCode::InvalidArgument, "handle's result [65000, 66000) is outside");
}

TEST_F(SandboxTest, InputLimit) {
  Limits limits;
  limits.input_bytes = 8;
  expect_error(run("echo", R"({"text":"too long"})", limits), ErrorCode::ResourceExhausted,
               "input of 19 bytes exceeds the limit of 8");
}

TEST_F(SandboxTest, ForbiddenImportsRejectedWithTheirName) {
  auto wasi = compile("wasi");
  ASSERT_FALSE(wasi.ok());
  EXPECT_EQ(wasi.error().code, ErrorCode::InvalidArgument);
  EXPECT_NE(wasi.error().message.find("import 'wasi_snapshot_preview1.fd_write' is not allowed"), std::string::npos)
      << wasi.error().message;
  auto unknown = compile("unknown_import");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("import 'env.system' is not allowed"), std::string::npos);
  auto memory = compile("memory_import");
  ASSERT_FALSE(memory.ok());
  EXPECT_NE(memory.error().message.find("import 'env.memory' is not allowed"), std::string::npos);
}

TEST_F(SandboxTest, ImportWithTheWrongSignatureRejected) {
  auto bytes = wat_to_wasm(R"((module (import "env" "log" (func (param i32))) (memory 1)))");
  ASSERT_TRUE(bytes.ok());
  auto m = sandbox_->compile(*bytes, Limits{});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, "import 'env.log' has the type (i32) -> (), expected (i32, i32) -> ()");
}

TEST_F(SandboxTest, PrivateFetchRefusalPropagates) {
  expect_error(run("fetch", R"({"url":"http://10.0.0.1/"})"), ErrorCode::PermissionDenied,
               "http_fetch: the address of http://10.0.0.1/ is private");
}

TEST_F(SandboxTest, FetchAnswerIsWrittenThroughAlloc) {
  auto r = run("fetch", R"({"url":"https://example.com/x","method":"POST","headers":{"a":"b"},"body":"q"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->json, R"({"body":"https://example.com/x","headers":{"content-type":"text/plain"},"status":200})");
}

TEST_F(SandboxTest, BadFetchRequestsNameTheField) {
  expect_error(run("fetch", R"({"method":"GET"})"), ErrorCode::InvalidArgument, "http_fetch: request.url must be a string");
  expect_error(run("fetch", R"({"url":"https://a/","method":"TRACE"})"), ErrorCode::InvalidArgument,
               "request.method 'TRACE' is not one of");
  expect_error(run("fetch", "not json"), ErrorCode::InvalidArgument, "http_fetch: the request must be a JSON object");
}

TEST_F(SandboxTest, FetchUnderTinyFuelEndsCleanly) {
  // Wherever the fuel runs out (the module, or the nested alloc of the answer, which draws
  // from the same budget), the call ends with a clean out-of-fuel error.
  Limits limits;
  limits.fuel = 30;
  expect_error(run("fetch", R"({"url":"https://example.com/"})", limits), ErrorCode::ResourceExhausted, "out of fuel");
}

TEST_F(SandboxTest, LogLinesAreCappedAndHostCallsLimited) {
  Limits limits;
  limits.log_lines = 10;
  limits.log_line_bytes = 4;
  limits.host_calls = 500;
  expect_error(run("chatty", R"({"k":1})", limits), ErrorCode::ResourceExhausted,
               "kv_get: more than 500 host calls in one call");
  const auto logs = host_.logs();
  ASSERT_EQ(logs.size(), 10u);
  EXPECT_EQ(logs[0], R"({"k")");
}

TEST_F(SandboxTest, HostToGuestNestingIsBounded) {
  auto r = run("reentrant");
  expect_error(r, ErrorCode::ResourceExhausted, "host calls nested");
  EXPECT_EQ(r.error().message, "kv_get: host calls nested more than 8 deep through alloc");
}

TEST_F(SandboxTest, TableWithoutMaximumIsClamped) {
  auto r = run("table");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->json, R"({"grow":-1})");
}

TEST_F(SandboxTest, InstancesRunInParallel) {
  auto m = compile("shout");
  ASSERT_TRUE(m.ok()) << m.error().message;
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto inst = sandbox_->instantiate(*m, host_);
      if (!inst.ok()) return;
      for (int i = 0; i < 50; ++i) {
        auto r = (*inst)->call_json("handle", "{\"t\":\"t" + std::to_string(t) + "\"}", Limits{}, host_);
        if (r.ok() && r->json == "{\"t\":\"T" + std::to_string(t) + "\"}") ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 200);
}

TEST_F(SandboxTest, KvRoundTripAndDisabledKv) {
  auto m = compile("kv");
  ASSERT_TRUE(m.ok()) << m.error().message;
  auto inst = sandbox_->instantiate(*m, host_);
  ASSERT_TRUE(inst.ok());
  auto first = (*inst)->call_json("handle", R"({"n":1})", Limits{}, host_);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->json, "{}");
  auto second = (*inst)->call_json("handle", R"({"n":2})", Limits{}, host_);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->json, R"({"n":1})");

  RecordingHost no_kv(false);
  auto inst2 = sandbox_->instantiate(*m, no_kv);
  ASSERT_TRUE(inst2.ok());
  auto r = (*inst2)->call_json("handle", "{}", Limits{}, no_kv);
  expect_error(r, ErrorCode::PermissionDenied, "kv_get: project memory is not enabled for this flow");
}

TEST_F(SandboxTest, AbortCarriesAssemblyScriptMessage) {
  expect_error(run("abort"), ErrorCode::InvalidArgument, "abort: the module aborted: bad! at a.ts:7:3");
}

TEST_F(SandboxTest, StartFunctionRunsUnderFuel) {
  Limits limits;
  limits.fuel = 100000;
  auto m = compile("start_spin", limits);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_TRUE((*m)->info().has_start);
  auto inst = sandbox_->instantiate(*m, host_);
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(inst.error().code, ErrorCode::ResourceExhausted);
  EXPECT_EQ(inst.error().message, "start function: out of fuel after 100000 instructions");
}

TEST_F(SandboxTest, FailedInstanceIsPoisonedAndOthersKeepWorking) {
  auto m = compile("spin");
  ASSERT_TRUE(m.ok());
  auto inst = sandbox_->instantiate(*m, host_);
  ASSERT_TRUE(inst.ok());
  Limits limits;
  limits.fuel = 10000;
  EXPECT_FALSE((*inst)->call_json("handle", "{}", limits, host_).ok());
  EXPECT_TRUE((*inst)->poisoned());
  EXPECT_FALSE((*inst)->call_json("handle", "{}", limits, host_).ok());
  auto good = run("echo");
  ASSERT_TRUE(good.ok()) << good.error().message;
}

TEST_F(SandboxTest, GarbageAndOversizedModulesRejected) {
  auto garbage = sandbox_->compile("not wasm at all", Limits{});
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(garbage.error().message.rfind("invalid module: ", 0), 0u) << garbage.error().message;
  Limits tiny;
  tiny.module_bytes = 16;
  auto big = compile("echo", tiny);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::ResourceExhausted);
}

TEST_F(SandboxTest, TooManyLocalsRejected) {
  std::string locals;
  for (int i = 0; i < 3000; ++i) locals += " i32";
  auto bytes = wat_to_wasm("(module (func (local" + locals + ")))");
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  auto m = sandbox_->compile(*bytes, Limits{});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, "function 0 declares 3000 locals, above the limit of 2048");
}

TEST_F(SandboxTest, LimitsAreChecked) {
  Limits l;
  l.memory_pages = 5000;
  auto st = check_limits(l);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().field, "memory_pages");
  EXPECT_EQ(st.error().message, "memory_pages must be between 1 and 1024, got 5000");
  l = Limits{};
  l.fuel = 0;
  EXPECT_FALSE(check_limits(l).ok());
}

TEST_F(SandboxTest, WatErrorsNameTheLine) {
  auto bytes = wat_to_wasm("(module\n (func (bogus)))");
  ASSERT_FALSE(bytes.ok());
  EXPECT_NE(bytes.error().message.find("2:"), std::string::npos) << bytes.error().message;
}

// A real AssemblyScript module (tests/data/wasm/as_upper.ts, built with asc --runtime stub):
// its start function runs under fuel, env.abort carries the assertion's text and position.
// Runs when NEXTRA_AS_WASM names the built .wasm (asc is not a build dependency).
TEST_F(SandboxTest, AssemblyScriptModule) {
  const char* path = std::getenv("NEXTRA_AS_WASM");
  if (!path) GTEST_SKIP() << "set NEXTRA_AS_WASM to the as_upper.wasm built from tests/data/wasm/as_upper.ts";
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto m = sandbox_->compile(bytes, Limits{});
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_TRUE((*m)->info().has_start);
  auto inst = sandbox_->instantiate(*m, host_);
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  auto r = (*inst)->call_json("handle", R"({"text":"héllo"})", Limits{}, host_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->json, R"({"TEXT":"HÉLLO"})");
  EXPECT_EQ(host_.logs().back(), R"({"text":"héllo"})");
  auto inst2 = sandbox_->instantiate(*m, host_);
  ASSERT_TRUE(inst2.ok());
  auto big = (*inst2)->call_json("handle", std::string(1200, 'x'), Limits{}, host_);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message, "abort: the module aborted: input too long at as_upper.ts:11:3");
}

}  // namespace
}  // namespace nextra::wasm
