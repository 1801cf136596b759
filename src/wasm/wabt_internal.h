#pragma once
// Internal to the wabt engine: the only header that includes wabt. wabt 1.0.32's interp
// headers do not compile as C++20 (GCC 12), so every file including this one is built as
// C++17 (src/wasm/CMakeLists.txt, target nextra_wasm_wabt) and must not include
// C++20-only project headers (sandbox.h and host_services.h are kept C++17-clean for that).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "wabt/interp/interp.h"
#include "wasm/sandbox.h"

namespace nextra::wasm::wabt_engine {

namespace wi = ::wabt::interp;

// Instructions run between two checks of the clock and the value stack. About 85 µs of
// interpretation: the granularity of the timeout and of the reported fuel.
inline constexpr int kFuelChunk = 10000;
// Values on the interpreter's operand stack (16 bytes each): bounds what deep recursion with
// many locals can allocate.
inline constexpr std::size_t kMaxValueStack = 1u << 20;
// How deep host -> alloc -> host -> ... may nest. Each level is native stack (the
// interpreter recurses through the import), so it is kept far below what a thread has.
inline constexpr std::uint32_t kMaxReentry = 8;

// The budget of one call_json (or start function), shared by every nested run in it
// (a host import calling `alloc` draws from the same fuel).
struct CallBudget {
  const Limits* limits = nullptr;
  HostServices* host = nullptr;
  std::uint64_t fuel_left = 0;
  std::uint64_t fuel_used = 0;
  std::chrono::steady_clock::time_point deadline;
  std::uint32_t log_lines = 0;
  std::uint32_t host_calls = 0;
  std::uint32_t reentries = 0;  // host imports currently running the module's `alloc`
  // Set by a host import before it traps, so the caller reports the import's own error
  // (code and message) instead of wabt's generic trap text.
  std::optional<Error> error;
};

// Runs `func` on `thread` with `params`, charging `budget`, and stores its results. Returns
// the error that ended it: out of fuel, deadline, value stack, a trap, or budget.error.
Status run_metered(wi::Thread& thread, const wi::DefinedFunc& func, const wi::Values& params, wi::Values* results,
                   CallBudget& budget);

// A thread whose frame stack holds at most `call_depth` frames (wasm calls and host calls).
std::unique_ptr<wi::Thread> make_thread(wi::Store& store, std::uint32_t call_depth);

// The value type's name as in ExternInfo ("i32", "funcref", ...).
std::string type_name(wi::ValueType type);

// The host functions a module may import (module `env`), see docs/wasm.md "Imports".
enum class HostFn { Log, Abort, HttpFetch, KvGet, KvSet };
// The import's function, or nullopt when `module.name` is not one of ours.
std::optional<HostFn> find_host_fn(const std::string& module, const std::string& name);
wi::FuncType host_fn_type(HostFn fn);
// "(i32, i32) -> i64"
std::string signature_text(const wi::FuncType& type);

// What the host imports of one instance reach while a call runs.
struct CallState {
  CallBudget* budget = nullptr;           // set only while a call runs
  wi::Memory* memory = nullptr;           // memory 0, if the module has one
  const wi::DefinedFunc* alloc = nullptr; // the `alloc` export, if (i32) -> i32
};
wi::HostFunc::Ptr make_host_func(wi::Store& store, HostFn fn, CallState* state);

// A validated module: its decoded form with limits clamped and the start function removed
// (it is run under fuel after instantiation instead of unmetered inside Instantiate).
class WabtModule final : public CompiledModule {
 public:
  WabtModule(wi::ModuleDesc desc, ModuleInfo info, Limits limits, std::optional<wi::Index> start)
      : desc_(std::move(desc)), info_(std::move(info)), limits_(limits), start_(start) {}
  const ModuleInfo& info() const override { return info_; }
  const Limits& limits() const override { return limits_; }
  const wi::ModuleDesc& desc() const { return desc_; }
  std::optional<wi::Index> start() const { return start_; }

 private:
  wi::ModuleDesc desc_;
  ModuleInfo info_;
  Limits limits_;
  std::optional<wi::Index> start_;
};

Result<std::shared_ptr<const CompiledModule>> compile_module(std::string_view bytes, const Limits& limits);
Result<std::unique_ptr<Instance>> instantiate_module(std::shared_ptr<const WabtModule> module, HostServices& host);

}  // namespace nextra::wasm::wabt_engine
