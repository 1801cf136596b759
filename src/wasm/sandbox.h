#pragma once
// The WebAssembly sandbox seam: compile a module from its bytes under load limits, instantiate
// it, and call its JSON ABI (`alloc` / `handle` / optional `free`, docs/wasm.md) under
// per-call limits. The interpreter engine is make_wabt_sandbox() (wabt_sandbox.h); an
// ahead-of-time engine (wasm2c) can implement the same three interfaces. Nothing here names
// an engine. It is also kept valid C++17, because the wabt engine's C++17 files include it.
//
// Thread-safety: a Sandbox and a CompiledModule are immutable after creation and may be used
// from any number of threads. An Instance is NOT thread-safe: one call at a time (the
// InstanceCache serialises calls for the pump).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "wasm/host_services.h"

namespace nextra::wasm {

// Hard ceilings nobody can configure past (docs/wasm.md, "Limits").
inline constexpr std::size_t kMaxModuleBytes = 16u << 20;
inline constexpr std::uint32_t kMaxMemoryPages = 1024;  // 64 MiB
inline constexpr std::uint32_t kMaxCallDepth = 1000;    // below wabt's own frame stack (1638)
inline constexpr std::uint32_t kMaxLocalsPerFunction = 2048;
inline constexpr std::uint32_t kMaxTableElements = 100000;
inline constexpr std::uint64_t kMaxFuel = 10'000'000'000ull;
inline constexpr std::chrono::milliseconds kMaxTimeout{60000};
inline constexpr std::size_t kMaxIoBytes = 16u << 20;

// Limits of one module: the load-time ones are checked by Sandbox::compile, the rest apply
// to each call (and to the start function at instantiation).
struct Limits {
  // Load time.
  std::size_t module_bytes = 4u << 20;   // larger modules are rejected
  std::uint32_t memory_pages = 16;       // 64 KiB pages; a module declaring more is rejected,
                                         // one without a maximum gets this maximum
  std::uint32_t table_elements = 10000;  // same rule for tables
  // Per call.
  std::uint64_t fuel = 10'000'000;             // instructions; see docs/wasm.md "Fuel"
  std::chrono::milliseconds timeout{1000};     // wall clock, including host calls
  std::uint32_t call_depth = 256;              // nested wasm calls
  std::size_t input_bytes = 1u << 20;          // JSON handed to `handle`
  std::size_t output_bytes = 1u << 20;         // JSON `handle` may return
  std::size_t log_line_bytes = 4096;           // longer log lines are cut
  std::uint32_t log_lines = 100;               // further lines in one call are dropped
  std::uint32_t host_calls = 1000;             // http_fetch + kv_get + kv_set per call
  std::size_t host_payload_bytes = 1u << 20;   // one request/key/value a module passes out
};

// InvalidArgument naming the field when a limit is zero or above its ceiling.
Status check_limits(const Limits& limits);

enum class ExternKind { Func, Table, Memory, Global, Tag };

// One export or import of a module, engine-neutral. Value types are "i32", "i64", "f32",
// "f64", "v128", "funcref", "externref".
struct ExternInfo {
  std::string module;  // imports only
  std::string name;
  ExternKind kind = ExternKind::Func;
  std::vector<std::string> params;   // functions only
  std::vector<std::string> results;  // functions only
};

struct ModuleInfo {
  std::vector<ExternInfo> imports;
  std::vector<ExternInfo> exports;
  std::uint32_t memory_pages_initial = 0;
  std::uint32_t memory_pages_max = 0;  // after clamping to Limits::memory_pages
  bool has_start = false;              // run under the call limits at instantiation
  const ExternInfo* find_export(std::string_view name) const;
};

// A validated module, ready to instantiate many times.
class CompiledModule {
 public:
  virtual ~CompiledModule() = default;
  virtual const ModuleInfo& info() const = 0;
  // The limits it was compiled with (per-call ones are the default for its instances).
  virtual const Limits& limits() const = 0;
};

// What one JSON call did.
struct CallOutput {
  std::string json;             // the bytes `handle` returned (not parsed here)
  std::uint64_t fuel_used = 0;  // instructions charged, rounded up to the engine's chunk
  std::chrono::microseconds elapsed{0};
};

// One instance of a module: its own memory and globals.
class Instance {
 public:
  virtual ~Instance() = default;

  // Runs the JSON ABI: `alloc(len)`, copies `input` in, `handle(ptr, len) -> i64`, reads
  // `ptr<<32|len` back, calls `free` (when exported) on the input and the output. All of it
  // shares one budget from `limits`. `function` is the export to call ("handle" normally).
  // Errors, each with a message naming the limit or the offending pointer:
  //   ResourceExhausted  out of fuel, call depth, memory, output/input size, host-call count
  //   DeadlineExceeded   the wall-clock timeout passed
  //   InvalidArgument    the module trapped, broke the ABI (bad pointer, missing export),
  //                      or passed a host function a pointer outside its memory
  //   any code           a host service's error (PermissionDenied for a refused fetch)
  // After any error the instance is poisoned (its memory may be half-written): drop it.
  virtual Result<CallOutput> call_json(std::string_view function, std::string_view input, const Limits& limits,
                                       HostServices& host) = 0;
  virtual bool poisoned() const = 0;
};

class Sandbox {
 public:
  virtual ~Sandbox() = default;
  virtual std::string_view engine_name() const = 0;

  // Decodes and validates `bytes`, then checks them against `limits`: only the imports of
  // docs/wasm.md (module `env`: log, http_fetch, kv_get, kv_set, abort, exact signatures),
  // memory and tables within their caps (no maximum = clamped), no memory imports.
  // InvalidArgument with the reason ("import 'wasi_snapshot_preview1.fd_write' is not
  // allowed"), ResourceExhausted when a declared size exceeds a limit.
  virtual Result<std::shared_ptr<const CompiledModule>> compile(std::string_view bytes, const Limits& limits) const = 0;

  // A fresh instance. A start function runs here under `module->limits()`; its failure is
  // returned like a call's.
  virtual Result<std::unique_ptr<Instance>> instantiate(std::shared_ptr<const CompiledModule> module,
                                                        HostServices& host) const = 0;
};

}  // namespace nextra::wasm
