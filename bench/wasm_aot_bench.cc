// Code blocks, the two tiers (issue #7): per-call overhead of the JSON ABI on a trivial module,
// a compute loop (an LCG, which the C compiler cannot fold away) in the interpreter, in the
// ahead-of-time tier with and without fuel counting, and as native C++ in the same run; and
// what compiling ahead of time and instantiating cost.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "core/uuid.h"
#include "wasm/aot_sandbox.h"
#include "wasm/host_services.h"
#include "wasm/wabt_sandbox.h"
#include "wasm/wat.h"

namespace {

using namespace nextra::wasm;

constexpr int kIterations = 1'000'000;

// alloc/free over a bump heap; `handle` either echoes (trivial) or first runs the LCG loop
// kIterations times and answers its value as {"x":N}.
std::string module_wat(bool compute) {
  std::string body = compute ? R"(
    (local $i i32) (local $x i64)
    (local.set $x (i64.const 12345))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.const 1000000)))
      (local.set $x (i64.add (i64.mul (local.get $x) (i64.const 6364136223846793005)) (i64.const 1442695040888963407)))
      (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 29))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (i64.store (i32.const 512) (local.get $x))
    (i64.or (i64.shl (i64.const 512) (i64.const 32)) (i64.const 8)))"
                             : R"(
    (i64.or (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32)) (i64.extend_i32_u (local.get $len))))";
  return std::string(R"((module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (func (export "alloc") (param $len i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (local.get $p) (local.get $len)))
    (local.get $p))
  (func (export "free") (param i32 i32) (global.set $heap (i32.const 1024)))
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64))") +
         body + "))";
}

std::uint64_t native_lcg() {
  std::uint64_t x = 12345;
  for (int i = 0; i < kIterations; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    x ^= x >> 29;
  }
  return x;
}

class NoHost final : public HostServices {
 public:
  void log(std::string_view) override {}
  nextra::Result<HttpResponse> http_fetch(const HttpRequest&, std::chrono::steady_clock::time_point) override {
    return nextra::Error::make(nextra::ErrorCode::PermissionDenied, "no network");
  }
  KvStore* kv() override { return nullptr; }
};

const std::filesystem::path& cache_dir() {
  static const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("nextra-aot-bench-" + nextra::new_uuid_v4());
  return dir;
}

std::shared_ptr<const Sandbox> tier(const std::string& name) {
  if (name == "interpreter") return make_wabt_sandbox();
  AotOptions o;
  o.cache_dir = cache_dir();
  o.meter = name != "aot-unmetered";
  return make_aot_sandbox(o);
}

struct Run {
  std::shared_ptr<const Sandbox> sandbox;
  std::unique_ptr<Instance> instance;
  NoHost host;
  Limits limits;
  Run(const std::string& tier_name, bool compute) : sandbox(tier(tier_name)) {
    limits.fuel = kMaxFuel;
    limits.timeout = std::chrono::seconds(60);
    auto bytes = wat_to_wasm(module_wat(compute));
    auto m = bytes.ok() ? sandbox->compile(*bytes, limits) : nextra::Result<std::shared_ptr<const CompiledModule>>(bytes.error());
    if (!m.ok()) {
      std::fprintf(stderr, "%s: %s\n", tier_name.c_str(), m.error().message.c_str());
      std::abort();
    }
    auto inst = sandbox->instantiate(*m, host);
    if (!inst.ok()) std::abort();
    instance = std::move(inst).value();
  }
};

void BM_TrivialCall(benchmark::State& state, const char* tier_name) {
  Run r(tier_name, false);
  for (auto _ : state) {
    auto out = r.instance->call_json("handle", R"({"text":"hello"})", r.limits, r.host);
    if (!out.ok()) state.SkipWithError(out.error().message.c_str());
  }
}
BENCHMARK_CAPTURE(BM_TrivialCall, interpreter, "interpreter");
BENCHMARK_CAPTURE(BM_TrivialCall, aot, "aot");

void BM_ComputeLoop(benchmark::State& state, const char* tier_name) {
  Run r(tier_name, true);
  for (auto _ : state) {
    auto out = r.instance->call_json("handle", "{}", r.limits, r.host);
    if (!out.ok()) state.SkipWithError(out.error().message.c_str());
  }
  state.SetItemsProcessed(state.iterations() * kIterations);
}
BENCHMARK_CAPTURE(BM_ComputeLoop, interpreter, "interpreter")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ComputeLoop, aot, "aot")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ComputeLoop, aot_unmetered, "aot-unmetered")->Unit(benchmark::kMillisecond);

void BM_ComputeLoop_Native(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(native_lcg());
  state.SetItemsProcessed(state.iterations() * kIterations);
}
BENCHMARK(BM_ComputeLoop_Native)->Unit(benchmark::kMillisecond);

// Compiling to native code (wasm2c + cc, not cached: a fresh directory each time).
void BM_AotCompile(benchmark::State& state) {
  auto bytes = wat_to_wasm(module_wat(true));
  for (auto _ : state) {
    AotOptions o;
    o.cache_dir = cache_dir() / nextra::new_uuid_v4();
    auto m = make_aot_sandbox(o)->compile(*bytes, Limits{});
    if (!m.ok()) state.SkipWithError(m.error().message.c_str());
  }
}
BENCHMARK(BM_AotCompile)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_Instantiate(benchmark::State& state, const char* tier_name) {
  auto sandbox = tier(tier_name);
  auto bytes = wat_to_wasm(module_wat(false));
  auto m = sandbox->compile(*bytes, Limits{});
  NoHost host;
  for (auto _ : state) {
    auto inst = sandbox->instantiate(*m, host);
    if (!inst.ok()) state.SkipWithError(inst.error().message.c_str());
  }
}
BENCHMARK_CAPTURE(BM_Instantiate, interpreter, "interpreter")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Instantiate, aot, "aot")->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::error_code ec;
  std::filesystem::remove_all(cache_dir(), ec);
  return 0;
}
