// The wasm sandbox (src/wasm): per-call overhead of the JSON ABI on a trivial module, the cost
// of fuel counting on a compute loop against wabt's own unmetered Func::Call, compile and
// instantiation times. Built as C++17 because the baseline talks to wabt directly.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

#include "wabt/binary-reader.h"
#include "wabt/interp/binary-reader-interp.h"
#include "wabt/interp/interp.h"
#include "wasm/wabt_sandbox.h"
#include "wasm/wat.h"

namespace {

using namespace nextra::wasm;

// A bump allocator, an echo `handle`, and a counting loop of n iterations (about 9
// instructions each) reachable both as `spin(n)` and through `handle`.
constexpr const char* kModule = R"(
(module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (func (export "alloc") (param $len i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (local.get $p) (local.get $len)))
    (local.get $p))
  (func (export "free") (param i32 i32) (global.set $heap (i32.const 1024)))
  (func $spin (export "spin") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (i32.xor (local.get $i) (i32.const 7))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc))
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64)
    (i64.or (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32)) (i64.extend_i32_u (local.get $len))))
  (func (export "loop") (param $ptr i32) (param $len i32) (result i64)
    (drop (call $spin (i32.const 100000)))
    (i64.or (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32)) (i64.extend_i32_u (local.get $len)))))
)";

const std::string& module_bytes() {
  static const std::string bytes = [] {
    auto b = wat_to_wasm(kModule);
    if (!b.ok()) {
      std::fprintf(stderr, "bench module: %s\n", b.error().message.c_str());
      std::abort();
    }
    return std::move(b).value();
  }();
  return bytes;
}

struct Fixture {
  std::shared_ptr<const Sandbox> sandbox = make_wabt_sandbox();
  NoHostServices host;
  std::shared_ptr<const CompiledModule> module;
  std::unique_ptr<Instance> instance;
  Limits limits;
  Fixture() {
    limits.fuel = kMaxFuel;
    limits.timeout = kMaxTimeout;
    module = std::move(sandbox->compile(module_bytes(), limits)).value();
    instance = std::move(sandbox->instantiate(module, host)).value();
  }
};

void BM_CallTrivial(benchmark::State& state) {
  Fixture f;
  const std::string input = R"({"text":"hello"})";
  for (auto _ : state) {
    auto r = f.instance->call_json("handle", input, f.limits, f.host);
    if (!r.ok()) state.SkipWithError(r.error().message.c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_CallTrivial);

// 100,000 loop iterations through the metered JSON call.
void BM_LoopMetered(benchmark::State& state) {
  Fixture f;
  for (auto _ : state) {
    auto r = f.instance->call_json("loop", "{}", f.limits, f.host);
    if (!r.ok()) state.SkipWithError(r.error().message.c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * 100000);
}
BENCHMARK(BM_LoopMetered)->Unit(benchmark::kMicrosecond);

// The same 100,000 iterations with wabt's own Func::Call (no fuel, no clock checks).
void BM_LoopUnmeteredWabt(benchmark::State& state) {
  namespace wi = wabt::interp;
  const auto& bytes = module_bytes();
  wabt::Errors errors;
  wi::ModuleDesc desc;
  const wabt::Features features;
  if (wabt::Failed(wi::ReadBinaryInterp("bench", bytes.data(), bytes.size(),
                                        wabt::ReadBinaryOptions(features, nullptr, false, true, true), &errors, &desc))) {
    state.SkipWithError("read");
    return;
  }
  wi::Store store;
  auto mod = wi::Module::New(store, desc);
  wi::Trap::Ptr trap;
  auto inst = wi::Instance::Instantiate(store, mod.ref(), {}, &trap);
  wi::Func::Ptr spin;
  for (std::size_t i = 0; i < mod->export_types().size(); ++i) {
    if (mod->export_types()[i].name == "spin") spin = store.UnsafeGet<wi::Func>(inst->exports()[i]);
  }
  for (auto _ : state) {
    wi::Values results;
    if (wabt::Failed(spin->Call(store, {wi::Value::Make(std::uint32_t{100000})}, results, &trap))) state.SkipWithError("trap");
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(state.iterations() * 100000);
}
BENCHMARK(BM_LoopUnmeteredWabt)->Unit(benchmark::kMicrosecond);

void BM_Compile(benchmark::State& state) {
  Fixture f;
  for (auto _ : state) {
    auto m = f.sandbox->compile(module_bytes(), f.limits);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_Compile)->Unit(benchmark::kMicrosecond);

void BM_Instantiate(benchmark::State& state) {
  Fixture f;
  for (auto _ : state) {
    auto inst = f.sandbox->instantiate(f.module, f.host);
    benchmark::DoNotOptimize(inst);
  }
}
BENCHMARK(BM_Instantiate)->Unit(benchmark::kMicrosecond);

// A fresh instance per message: what a call costs when the thread has no cached instance.
void BM_InstantiateAndCall(benchmark::State& state) {
  Fixture f;
  for (auto _ : state) {
    auto inst = f.sandbox->instantiate(f.module, f.host);
    auto r = (*inst)->call_json("handle", R"({"text":"hello"})", f.limits, f.host);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_InstantiateAndCall)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
