// The ahead-of-time tier (wasm2c + the C compiler) against the same good and hostile modules
// as the interpreter (tests/data/wasm): the same answers, each limit ends the call with its
// own error, and the tier keeps working afterwards.

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "core/uuid.h"
#include "wasm/aot_sandbox.h"
#include "wasm/test_support.h"
#include "wasm/wabt_sandbox.h"

namespace nextra::wasm {
namespace {

using testing::module_bytes;
using testing::RecordingHost;

class AotSandboxTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cache_ = new std::filesystem::path(std::filesystem::temp_directory_path() / ("nextra-aot-test-" + new_uuid_v4()));
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    std::filesystem::remove_all(*cache_, ec);
    delete cache_;
  }
  void SetUp() override {
    AotOptions o;
    o.cache_dir = *cache_;
    ASSERT_TRUE(aot_available(o)) << "the ahead-of-time tier needs cc and /usr/share/wabt/wasm2c (wabt)";
    sandbox_ = make_aot_sandbox(o);
  }

  Result<CallOutput> run(const std::string& name, std::string_view input = "{}", Limits limits = {}) {
    auto m = sandbox_->compile(module_bytes(name), limits);
    if (!m.ok()) return m.take_error();
    auto inst = sandbox_->instantiate(*m, host_);
    if (!inst.ok()) return inst.take_error();
    return (*inst)->call_json("handle", input, limits, host_);
  }

  static std::filesystem::path* cache_;
  std::shared_ptr<const Sandbox> sandbox_;
  RecordingHost host_;
};
std::filesystem::path* AotSandboxTest::cache_ = nullptr;

void expect_error(const Result<CallOutput>& r, ErrorCode code, const std::string& text) {
  ASSERT_FALSE(r.ok()) << "expected an error containing '" << text << "'";
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_NE(r.error().message.find(text), std::string::npos) << r.error().message;
}

TEST_F(AotSandboxTest, AnswersLikeTheInterpreter) {
  auto interp = make_wabt_sandbox();
  for (const auto& [name, input] : std::vector<std::pair<std::string, std::string>>{
           {"echo_upper", R"({"text":"hello"})"}, {"shout", R"({"text":"hi there"})"}, {"grow", "{}"},
           {"fetch", R"({"url":"https://example.com/x"})"}}) {
    auto aot = run(name, input);
    ASSERT_TRUE(aot.ok()) << name << ": " << aot.error().message;
    auto m = interp->compile(module_bytes(name), Limits{});
    ASSERT_TRUE(m.ok());
    RecordingHost host;
    auto inst = interp->instantiate(*m, host);
    ASSERT_TRUE(inst.ok());
    auto ref = (*inst)->call_json("handle", input, Limits{}, host);
    ASSERT_TRUE(ref.ok()) << ref.error().message;
    EXPECT_EQ(aot->json, ref->json) << name;
    EXPECT_GT(aot->fuel_used, 0u) << name;
  }
  EXPECT_EQ(host_.logs(), std::vector<std::string>{R"({"text":"hello"})"});
}

TEST_F(AotSandboxTest, InstanceServesManyCallsAndFuelIsDeterministic) {
  auto m = sandbox_->compile(module_bytes("echo_upper"), Limits{});
  ASSERT_TRUE(m.ok()) << m.error().message;
  auto inst = sandbox_->instantiate(*m, host_);
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  std::uint64_t fuel = 0;
  for (int i = 0; i < 100; ++i) {
    auto r = (*inst)->call_json("handle", R"({"n":"same"})", Limits{}, host_);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->json, R"({"N":"SAME"})");
    if (i == 0) fuel = r->fuel_used;
    EXPECT_EQ(r->fuel_used, fuel);
  }
}

TEST_F(AotSandboxTest, InfiniteLoopRunsOutOfFuel) {
  Limits limits;
  limits.fuel = 1000000;
  expect_error(run("spin", "{}", limits), ErrorCode::ResourceExhausted, "out of fuel after 1000000 instructions");
}

TEST_F(AotSandboxTest, UnboundedRecursionHitsCallDepth) {
  Limits limits;
  limits.call_depth = 100;
  expect_error(run("recurse", "{}", limits), ErrorCode::ResourceExhausted, "call depth limit of 100 exceeded");
}

TEST_F(AotSandboxTest, MemoryGrowthPastTheCapFailsAndBigModulesAreRefused) {
  auto r = run("grow");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->json, R"({"grow":-1})");
  auto big = sandbox_->compile(module_bytes("big_memory"), Limits{});
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message, "memory declares 100 pages, above the limit of 16");
}

TEST_F(AotSandboxTest, OutOfBoundsPointersToHostFunctions) {
  expect_error(run("oob_log"), ErrorCode::InvalidArgument, "log: the message [65500, 65600) is outside the module's memory");
  expect_error(run("oob_kv_set"), ErrorCode::InvalidArgument, "kv_set: the value [4294967280, 4294967344) is outside");
  expect_error(run("oob_fetch"), ErrorCode::InvalidArgument, "http_fetch: the request [70000, 70010) is outside");
}

TEST_F(AotSandboxTest, HugeOutputsAndBadResultsAreRefused) {
  expect_error(run("huge_output"), ErrorCode::ResourceExhausted, "output of 33554432 bytes exceeds the limit of 1048576");
  expect_error(run("oob_output"), ErrorCode::InvalidArgument, "handle's result [65000, 66000) is outside");
}

TEST_F(AotSandboxTest, ImportsThatDoNotExistAreRefused) {
  for (const char* name : {"wasi", "unknown_import", "memory_import"}) {
    auto m = sandbox_->compile(module_bytes(name), Limits{});
    ASSERT_FALSE(m.ok()) << name;
    EXPECT_NE(m.error().message.find("is not allowed"), std::string::npos) << m.error().message;
  }
}

TEST_F(AotSandboxTest, FetchToAPrivateAddressIsRefused) {
  expect_error(run("fetch", R"({"url":"http://10.0.0.1/"})"), ErrorCode::PermissionDenied,
               "http_fetch: the address of http://10.0.0.1/ is private");
}

TEST_F(AotSandboxTest, HostCallsAndNestingAreBounded) {
  Limits limits;
  limits.log_lines = 10;
  limits.host_calls = 500;
  expect_error(run("chatty", R"({"k":1})", limits), ErrorCode::ResourceExhausted, "kv_get: more than 500 host calls in one call");
  EXPECT_EQ(host_.logs().size(), 10u);
  auto r = run("reentrant");
  expect_error(r, ErrorCode::ResourceExhausted, "host calls nested");
  EXPECT_EQ(r.error().message, "kv_get: host calls nested more than 8 deep through alloc");
  Limits tiny;
  tiny.fuel = 30;
  expect_error(run("fetch", R"({"url":"https://example.com/"})", tiny), ErrorCode::ResourceExhausted, "out of fuel");
}

TEST_F(AotSandboxTest, KvAndAbort) {
  auto first = run("kv", R"({"v":1})");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->json, "{}");
  auto second = run("kv", R"({"v":2})");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->json, R"({"v":1})");
  RecordingHost no_kv(false);
  auto m = sandbox_->compile(module_bytes("kv"), Limits{});
  auto inst = sandbox_->instantiate(*m, no_kv);
  ASSERT_TRUE(inst.ok());
  auto refused = (*inst)->call_json("handle", "{}", Limits{}, no_kv);
  expect_error(refused, ErrorCode::PermissionDenied, "project memory is not enabled");
  expect_error(run("abort"), ErrorCode::InvalidArgument, "the module aborted");
}

TEST_F(AotSandboxTest, AFailedInstanceIsPoisonedAndOthersKeepWorking) {
  Limits limits;
  limits.fuel = 100000;
  auto m = sandbox_->compile(module_bytes("spin"), limits);
  ASSERT_TRUE(m.ok());
  auto inst = sandbox_->instantiate(*m, host_);
  ASSERT_TRUE(inst.ok());
  EXPECT_FALSE((*inst)->call_json("handle", "{}", limits, host_).ok());
  EXPECT_TRUE((*inst)->poisoned());
  auto fine = run("echo_upper", R"({"a":"b"})");
  ASSERT_TRUE(fine.ok()) << fine.error().message;
  EXPECT_EQ(fine->json, R"({"A":"B"})");
}

// One module's calls are serialised (wasm2c's trap target is a global of its object), so
// many threads calling it at once all get right answers.
TEST_F(AotSandboxTest, ConcurrentCallsFromManyThreads) {
  auto m = sandbox_->compile(module_bytes("echo_upper"), Limits{});
  ASSERT_TRUE(m.ok());
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      RecordingHost host;
      auto inst = sandbox_->instantiate(*m, host);
      if (!inst.ok()) return;
      for (int i = 0; i < 200; ++i) {
        const std::string n = std::to_string(t * 1000 + i);
        auto r = (*inst)->call_json("handle", "{\"n\":\"" + n + "\"}", Limits{}, host);
        if (r.ok() && r->json == "{\"N\":\"" + n + "\"}") ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 800);
  // A spinning module on another thread does not stop this one.
  Limits limits;
  limits.fuel = 50'000'000;
  std::thread spinner([&] { (void)run("spin", "{}", limits); });
  auto r = run("echo_upper", R"({"x":"y"})");
  spinner.join();
  ASSERT_TRUE(r.ok()) << r.error().message;
}

}  // namespace
}  // namespace nextra::wasm
