#include "wasm/aot_sandbox.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "core/uuid.h"
#include "wasm/aot_translate.h"
#include "wasm/import_json.h"
#include "wasm/wabt_sandbox.h"

extern char** environ;

namespace nextra::wasm {
namespace {

constexpr const char* kRuntimeDir = "/usr/share/wabt/wasm2c";
constexpr std::size_t kMaxAbortText = 256;
constexpr std::uint32_t kMaxReentry = 8;

// wasm2c's trap codes (wasm-rt.h, 1.0.32).
enum Trap { kNone = 0, kOob = 1, kIntOverflow = 2, kDivByZero = 3, kInvalidConversion = 4, kUnreachable = 5,
            kCallIndirect = 6, kUncaughtException = 7, kExhaustion = 8 };

// The C side of a compiled module: the host's import callbacks and fixed-name entry points
// around wasm2c's per-module functions. Every entry returns a trap code (0 = none).
struct HostTable {
  int (*log)(void* ctx, std::uint32_t p, std::uint32_t l);
  int (*http_fetch)(void* ctx, std::uint32_t p, std::uint32_t l, std::uint64_t* out);
  int (*kv_get)(void* ctx, std::uint32_t p, std::uint32_t l, std::uint64_t* out);
  int (*kv_set)(void* ctx, std::uint32_t kp, std::uint32_t kl, std::uint32_t vp, std::uint32_t vl);
  int (*abort_)(void* ctx, std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d);
};

std::string shim_source(const ModuleInfo& info) {
  const bool imports = !info.imports.empty();
  const ExternInfo* free_fn = info.find_export("free");
  std::ostringstream s;
  s << R"(#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "guest.h"
#include "wasm-rt-impl.h"
typedef struct { int (*log)(void*, u32, u32); int (*http_fetch)(void*, u32, u32, u64*);
  int (*kv_get)(void*, u32, u32, u64*); int (*kv_set)(void*, u32, u32, u32, u32);
  int (*abort_)(void*, u32, u32, u32, u32); } nextra_host;
static nextra_host H;
struct Z_env_instance_t { void* ctx; };
typedef struct { Z_guest_instance_t inst; struct Z_env_instance_t env; } box_t;
/* A host callback's failure ends the call: the host keeps the error, the module traps. */
void Z_envZ_log(struct Z_env_instance_t* e, u32 p, u32 l) { if (H.log(e->ctx, p, l)) wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE); }
u64 Z_envZ_http_fetch(struct Z_env_instance_t* e, u32 p, u32 l) { u64 r = 0; if (H.http_fetch(e->ctx, p, l, &r)) wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE); return r; }
u64 Z_envZ_kv_get(struct Z_env_instance_t* e, u32 p, u32 l) { u64 r = 0; if (H.kv_get(e->ctx, p, l, &r)) wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE); return r; }
void Z_envZ_kv_set(struct Z_env_instance_t* e, u32 a, u32 b, u32 c, u32 d) { if (H.kv_set(e->ctx, a, b, c, d)) wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE); }
void Z_envZ_abort(struct Z_env_instance_t* e, u32 a, u32 b, u32 c, u32 d) { H.abort_(e->ctx, a, b, c, d); wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE); }
void nextra_init(const nextra_host* h) { H = *h; wasm_rt_init(); Z_guest_init_module(); }
/* Before dlclose: the runtime's function-type registry is heap memory of this object. */
void nextra_fini(void) { wasm_rt_free(); }
int nextra_new(void* ctx, s64 fuel, void** out) {
  box_t* b = (box_t*)calloc(1, sizeof(box_t));
  if (!b) return -1;
  b->env.ctx = ctx;
  *out = b;
  int t = wasm_rt_impl_try();
  if (t) return t;
)";
  s << (imports ? "  Z_guest_instantiate(&b->inst, &b->env);\n" : "  Z_guest_instantiate(&b->inst);\n");
  s << R"(  *Z_guestZ_nextrafuel(&b->inst) = (u64)fuel;
  return 0;
}
void nextra_delete(void* b) { Z_guest_free(&((box_t*)b)->inst); free(b); }
s64* nextra_fuel(void* b) { return (s64*)Z_guestZ_nextrafuel(&((box_t*)b)->inst); }
u8* nextra_memory(void* b, u64* size) { wasm_rt_memory_t* m = Z_guestZ_memory(&((box_t*)b)->inst); *size = m->size; return m->data; }
/* Top-level entries set the trap target; nested ones (from inside an import) must not. */
int nextra_alloc(void* b, u32 len, u32* out) { int t = wasm_rt_impl_try(); if (t) return t; *out = Z_guestZ_alloc(&((box_t*)b)->inst, len); return 0; }
/* alloc called from inside an import (to hand back a result): a trap in it must come back
   to the host's callback, not jump over the host's frames, so it gets its own trap target
   and the caller's is restored afterwards. */
int nextra_alloc_nested(void* b, u32 len, u32* out) {
  jmp_buf saved;
  memcpy(saved, wasm_rt_jmp_buf, sizeof(jmp_buf));
  u32 saved_depth = wasm_rt_saved_call_stack_depth;
  int t = wasm_rt_impl_try();
  if (t == 0) *out = Z_guestZ_alloc(&((box_t*)b)->inst, len);
  memcpy(wasm_rt_jmp_buf, saved, sizeof(jmp_buf));
  wasm_rt_saved_call_stack_depth = saved_depth;
  return t;
}
int nextra_handle(void* b, u32 p, u32 l, u64* out) { int t = wasm_rt_impl_try(); if (t) return t; *out = Z_guestZ_handle(&((box_t*)b)->inst, p, l); return 0; }
)";
  if (free_fn && free_fn->params.size() == 2) {
    s << "int nextra_free(void* b, u32 p, u32 l) { int t = wasm_rt_impl_try(); if (t) return t; "
         "Z_guestZ_free(&((box_t*)b)->inst, p, l); return 0; }\n";
  } else if (free_fn && free_fn->params.size() == 1) {
    s << "int nextra_free(void* b, u32 p, u32 l) { (void)l; int t = wasm_rt_impl_try(); if (t) return t; "
         "Z_guestZ_free(&((box_t*)b)->inst, p); return 0; }\n";
  }
  return s.str();
}

std::string sha256_hex(std::string_view a, std::string_view b) {
  unsigned char md[32];
  unsigned int n = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, a.data(), a.size());
  EVP_DigestUpdate(ctx, b.data(), b.size());
  EVP_DigestFinal_ex(ctx, md, &n);
  EVP_MD_CTX_free(ctx);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

std::filesystem::path on_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    auto c = std::filesystem::path(dir) / name;
    if (::access(c.c_str(), X_OK) == 0) return c;
  }
  return {};
}

// Runs the C compiler; its output goes to `log`. Killed after `timeout`.
Status run_cc(std::vector<std::string> args, const std::filesystem::path& log, std::chrono::seconds timeout) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log_path = log.string();
  pid_t pid = ::fork();
  if (pid < 0) return Error::make(ErrorCode::Unavailable, std::string("cannot start the C compiler: ") + std::strerror(errno));
  if (pid == 0) {
    int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::setpgid(0, 0);
    ::execve(argv[0], argv.data(), environ);
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) != pid) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return Error::make(ErrorCode::DeadlineExceeded, "compiling the module to native code took too long");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  std::ifstream in(log);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return Error::make(ErrorCode::Internal, "the C compiler failed: " + text.substr(0, 2000));
}

// One loaded shared object and its entry points. Calls are serialised: wasm2c's runtime keeps
// the trap target and call depth in globals of this object.
struct Native {
  void* handle = nullptr;
  void (*init)(const HostTable*) = nullptr;
  void (*fini)() = nullptr;
  int (*create)(void*, std::int64_t, void**) = nullptr;
  void (*destroy)(void*) = nullptr;
  std::int64_t* (*fuel)(void*) = nullptr;
  std::uint8_t* (*memory)(void*, std::uint64_t*) = nullptr;
  int (*alloc)(void*, std::uint32_t, std::uint32_t*) = nullptr;
  int (*alloc_nested)(void*, std::uint32_t, std::uint32_t*) = nullptr;
  int (*handle_fn)(void*, std::uint32_t, std::uint32_t, std::uint64_t*) = nullptr;
  int (*free_fn)(void*, std::uint32_t, std::uint32_t) = nullptr;  // may be null
  std::mutex mu;
  ~Native() {
    if (fini) fini();
    if (handle) ::dlclose(handle);
  }
};

class AotModule final : public CompiledModule {
 public:
  AotModule(ModuleInfo info, Limits limits, std::shared_ptr<Native> native)
      : info_(std::move(info)), limits_(limits), native_(std::move(native)) {}
  const ModuleInfo& info() const override { return info_; }
  const Limits& limits() const override { return limits_; }
  const std::shared_ptr<Native>& native() const { return native_; }

 private:
  ModuleInfo info_;
  Limits limits_;
  std::shared_ptr<Native> native_;
};

// What the import callbacks need during one call.
struct CallContext {
  Native* native = nullptr;
  void* box = nullptr;
  HostServices* host = nullptr;
  const Limits* limits = nullptr;
  std::chrono::steady_clock::time_point deadline;
  std::uint32_t host_calls = 0;
  std::uint32_t log_lines = 0;
  std::uint32_t reentries = 0;
  std::optional<Error> error;  // why an import made the module trap
};

int fail(CallContext* c, Error e) {
  if (!c->error) c->error = std::move(e);
  return 1;
}

Result<std::string> read_memory(CallContext* c, std::uint32_t ptr, std::uint32_t len, const char* what,
                                std::size_t limit) {
  if (len > limit) {
    return Error::make(ErrorCode::ResourceExhausted,
                       std::string(what) + " of " + std::to_string(len) + " bytes exceeds the limit of " + std::to_string(limit));
  }
  std::uint64_t size = 0;
  std::uint8_t* data = c->native->memory(c->box, &size);
  if (std::uint64_t{ptr} > size || std::uint64_t{len} > size - ptr) {
    return Error::invalid(std::string(what) + " [" + std::to_string(ptr) + ", " + std::to_string(std::uint64_t{ptr} + len) +
                          ") is outside the module's memory (" + std::to_string(size) + " bytes)");
  }
  return std::string(reinterpret_cast<const char*>(data) + ptr, len);
}

Error trap_error(int code, CallContext& ctx, std::int64_t fuel_left, const Limits& limits);

// Copies `bytes` into memory the module's own alloc hands out: (ptr << 32) | len.
Result<std::uint64_t> write_memory(CallContext* c, const std::string& bytes) {
  if (bytes.empty()) return std::uint64_t{0};
  if (bytes.size() > c->limits->host_payload_bytes) {
    return Error::make(ErrorCode::ResourceExhausted, "result of " + std::to_string(bytes.size()) +
                                                         " bytes exceeds the limit of " + std::to_string(c->limits->host_payload_bytes));
  }
  if (c->reentries >= kMaxReentry) {
    return Error::make(ErrorCode::ResourceExhausted,
                       "host calls nested more than " + std::to_string(kMaxReentry) + " deep through alloc");
  }
  std::uint32_t ptr = 0;
  ++c->reentries;
  const int trap = c->native->alloc_nested(c->box, static_cast<std::uint32_t>(bytes.size()), &ptr);
  --c->reentries;
  if (trap != 0) {
    // An import nested inside that alloc may have failed already: its error (kept in the
    // context, which fail() never overwrites) is the one the call reports.
    return trap_error(trap, *c, *c->native->fuel(c->box), *c->limits);
  }
  std::uint64_t size = 0;
  std::uint8_t* data = c->native->memory(c->box, &size);
  if (std::uint64_t{ptr} > size || bytes.size() > size - ptr) {
    return Error::invalid("alloc returned " + std::to_string(ptr) + ", outside the module's memory");
  }
  std::memcpy(data + ptr, bytes.data(), bytes.size());
  return (std::uint64_t{ptr} << 32) | bytes.size();
}

Status count_host_call(CallContext* c) {
  if (++c->host_calls > c->limits->host_calls) {
    return Error::make(ErrorCode::ResourceExhausted,
                       "more than " + std::to_string(c->limits->host_calls) + " host calls in one call");
  }
  if (std::chrono::steady_clock::now() >= c->deadline) {
    return Error::make(ErrorCode::DeadlineExceeded, "the call ran longer than its timeout");
  }
  return {};
}

Error prefixed(const char* import, Error e) {
  e.message = std::string(import) + ": " + e.message;
  return e;
}

int host_log(void* ctx, std::uint32_t p, std::uint32_t l) {
  auto* c = static_cast<CallContext*>(ctx);
  if (++c->log_lines > c->limits->log_lines) return 0;  // dropped, like the interpreter
  auto text = read_memory(c, p, l, "the message", std::numeric_limits<std::uint32_t>::max());
  if (!text.ok()) return fail(c, prefixed("log", text.take_error()));
  if (text->size() > c->limits->log_line_bytes) text->resize(c->limits->log_line_bytes);
  c->host->log(*text);
  return 0;
}

int host_http_fetch(void* ctx, std::uint32_t p, std::uint32_t l, std::uint64_t* out) {
  auto* c = static_cast<CallContext*>(ctx);
  if (auto st = count_host_call(c); !st.ok()) return fail(c, prefixed("http_fetch", st.take_error()));
  auto text = read_memory(c, p, l, "the request", c->limits->host_payload_bytes);
  if (!text.ok()) return fail(c, prefixed("http_fetch", text.take_error()));
  auto req = parse_request(*text);
  if (!req.ok()) return fail(c, prefixed("http_fetch", req.take_error()));
  auto res = c->host->http_fetch(*req, c->deadline);
  if (!res.ok()) return fail(c, prefixed("http_fetch", res.take_error()));
  auto packed = write_memory(c, response_json(*res));
  if (!packed.ok()) return fail(c, prefixed("http_fetch", packed.take_error()));
  *out = *packed;
  return 0;
}

int host_kv_get(void* ctx, std::uint32_t p, std::uint32_t l, std::uint64_t* out) {
  auto* c = static_cast<CallContext*>(ctx);
  if (auto st = count_host_call(c); !st.ok()) return fail(c, prefixed("kv_get", st.take_error()));
  KvStore* kv = c->host->kv();
  if (!kv) return fail(c, Error::make(ErrorCode::PermissionDenied, "kv_get: project memory is not enabled for this flow"));
  auto key = read_memory(c, p, l, "the key", c->limits->host_payload_bytes);
  if (!key.ok()) return fail(c, prefixed("kv_get", key.take_error()));
  auto value = kv->get(*key);
  if (!value.ok()) return fail(c, prefixed("kv_get", value.take_error()));
  if (!*value) {
    *out = static_cast<std::uint64_t>(-1);
    return 0;
  }
  auto packed = write_memory(c, **value);
  if (!packed.ok()) return fail(c, prefixed("kv_get", packed.take_error()));
  *out = *packed;
  return 0;
}

int host_kv_set(void* ctx, std::uint32_t kp, std::uint32_t kl, std::uint32_t vp, std::uint32_t vl) {
  auto* c = static_cast<CallContext*>(ctx);
  if (auto st = count_host_call(c); !st.ok()) return fail(c, prefixed("kv_set", st.take_error()));
  KvStore* kv = c->host->kv();
  if (!kv) return fail(c, Error::make(ErrorCode::PermissionDenied, "kv_set: project memory is not enabled for this flow"));
  auto key = read_memory(c, kp, kl, "the key", c->limits->host_payload_bytes);
  if (!key.ok()) return fail(c, prefixed("kv_set", key.take_error()));
  auto value = read_memory(c, vp, vl, "the value", c->limits->host_payload_bytes);
  if (!value.ok()) return fail(c, prefixed("kv_set", value.take_error()));
  if (auto st = kv->set(*key, *value); !st.ok()) return fail(c, prefixed("kv_set", st.take_error()));
  return 0;
}

// AssemblyScript strings: UTF-16, byte length in the 4 bytes before the pointer.
std::string as_string(CallContext* c, std::uint32_t ptr) {
  if (ptr < 4) return {};
  auto len_bytes = read_memory(c, ptr - 4, 4, "string", 4);
  if (!len_bytes.ok()) return {};
  std::uint32_t len = 0;
  std::memcpy(&len, len_bytes->data(), 4);
  auto bytes = read_memory(c, ptr, std::min<std::uint32_t>(len, kMaxAbortText * 2), "string", kMaxAbortText * 2);
  if (!bytes.ok()) return {};
  std::string out;
  for (std::size_t i = 0; i + 1 < bytes->size(); i += 2) {
    const auto ch = static_cast<unsigned char>((*bytes)[i]);
    out += ((*bytes)[i + 1] == 0 && ch >= 0x20 && ch < 0x7f) ? static_cast<char>(ch) : '?';
  }
  return out;
}

int host_abort(void* ctx, std::uint32_t msg, std::uint32_t file, std::uint32_t line, std::uint32_t col) {
  auto* c = static_cast<CallContext*>(ctx);
  return fail(c, Error::invalid("the module aborted: " + as_string(c, msg) + " at " + as_string(c, file) + ":" +
                                std::to_string(line) + ":" + std::to_string(col)));
}

const HostTable kHostTable = {host_log, host_http_fetch, host_kv_get, host_kv_set, host_abort};

// A trap code (and what an import said) as the interpreter would report it.
Error trap_error(int code, CallContext& ctx, std::int64_t fuel_left, const Limits& limits) {
  if (ctx.error) return *ctx.error;
  if (code == kUnreachable && fuel_left < 0 && limits.fuel > 0) {
    return Error::make(ErrorCode::ResourceExhausted, "out of fuel after " + std::to_string(limits.fuel) + " instructions");
  }
  switch (code) {
    case kExhaustion:
      return Error::make(ErrorCode::ResourceExhausted, "call depth limit of " + std::to_string(limits.call_depth) + " exceeded");
    case kOob: return Error::invalid("the module trapped: out of bounds memory access");
    case kIntOverflow: return Error::invalid("the module trapped: integer overflow");
    case kDivByZero: return Error::invalid("the module trapped: integer divide by zero");
    case kInvalidConversion: return Error::invalid("the module trapped: invalid conversion to integer");
    case kUnreachable: return Error::invalid("the module trapped: unreachable executed");
    case kCallIndirect: return Error::invalid("the module trapped: indirect call signature mismatch");
    default: return Error::invalid("the module trapped (code " + std::to_string(code) + ")");
  }
}

class AotInstance final : public Instance {
 public:
  AotInstance(std::shared_ptr<Native> native, void* box, CallContext* ctx)
      : native_(std::move(native)), box_(box), ctx_(ctx) {}
  ~AotInstance() override {
    std::lock_guard lock(native_->mu);
    native_->destroy(box_);
    delete ctx_;
  }

  Result<CallOutput> call_json(std::string_view function, std::string_view input, const Limits& limits,
                               HostServices& host) override {
    if (poisoned_) return Error::invalid("the instance is unusable after an earlier failure");
    if (function != "handle") return Error::invalid("the ahead-of-time tier calls `handle` only");
    if (input.size() > limits.input_bytes) {
      return Error::make(ErrorCode::ResourceExhausted, "input of " + std::to_string(input.size()) +
                                                           " bytes exceeds the limit of " + std::to_string(limits.input_bytes));
    }
    std::lock_guard lock(native_->mu);
    const auto start = std::chrono::steady_clock::now();
    *ctx_ = CallContext{native_.get(), box_, &host, &limits, start + limits.timeout};
    std::int64_t* fuel = native_->fuel(box_);
    *fuel = static_cast<std::int64_t>(limits.fuel);
    auto result = run(input, limits, *fuel);
    CallOutput out;
    if (result.ok()) {
      out.json = std::move(result).value();
      out.fuel_used = limits.fuel - static_cast<std::uint64_t>(std::max<std::int64_t>(*fuel, 0));
      out.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
      if (std::chrono::steady_clock::now() > ctx_->deadline) {
        poisoned_ = true;
        return Error::make(ErrorCode::DeadlineExceeded, "timed out after " + std::to_string(limits.timeout.count()) + " ms");
      }
      return out;
    }
    poisoned_ = true;
    return result.take_error();
  }
  bool poisoned() const override { return poisoned_; }

 private:
  Result<std::string> run(std::string_view input, const Limits& limits, std::int64_t& fuel) {
    std::uint32_t ptr = 0;
    if (int t = native_->alloc(box_, static_cast<std::uint32_t>(input.size()), &ptr)) return trap_error(t, *ctx_, fuel, limits);
    std::uint64_t size = 0;
    std::uint8_t* data = native_->memory(box_, &size);
    if (std::uint64_t{ptr} > size || input.size() > size - ptr) {
      return Error::invalid("alloc returned " + std::to_string(ptr) + ", outside the module's memory");
    }
    std::memcpy(data + ptr, input.data(), input.size());
    std::uint64_t packed = 0;
    if (int t = native_->handle_fn(box_, ptr, static_cast<std::uint32_t>(input.size()), &packed)) {
      return trap_error(t, *ctx_, fuel, limits);
    }
    const auto out_ptr = static_cast<std::uint32_t>(packed >> 32);
    const auto out_len = static_cast<std::uint32_t>(packed & 0xffffffffu);
    if (out_len > limits.output_bytes) {
      return Error::make(ErrorCode::ResourceExhausted, "output of " + std::to_string(out_len) +
                                                           " bytes exceeds the limit of " + std::to_string(limits.output_bytes));
    }
    data = native_->memory(box_, &size);  // memory.grow may have moved it
    if (std::uint64_t{out_ptr} > size || std::uint64_t{out_len} > size - out_ptr) {
      return Error::invalid("handle's result [" + std::to_string(out_ptr) + ", " + std::to_string(std::uint64_t{out_ptr} + out_len) +
                            ") is outside the module's memory (" + std::to_string(size) + " bytes)");
    }
    std::string json(reinterpret_cast<const char*>(data) + out_ptr, out_len);
    if (native_->free_fn) {
      (void)native_->free_fn(box_, ptr, static_cast<std::uint32_t>(input.size()));
      (void)native_->free_fn(box_, out_ptr, out_len);
    }
    return json;
  }

  std::shared_ptr<Native> native_;
  void* box_;
  CallContext* ctx_;  // owned; its address is the module's import context
  bool poisoned_ = false;
};

class AotSandbox final : public Sandbox {
 public:
  explicit AotSandbox(AotOptions o) : options_(std::move(o)), checker_(make_wabt_sandbox()) {}
  std::string_view engine_name() const override { return "wasm2c"; }

  Result<std::shared_ptr<const CompiledModule>> compile(std::string_view bytes, const Limits& limits) const override {
    NEXTRA_ASSIGN_OR_RETURN(auto checked, checker_->compile(bytes, limits));
    const ModuleInfo info = checked->info();
    if (!info.find_export("handle") || !info.find_export("alloc") || !info.find_export("memory")) {
      return Error::invalid("the ahead-of-time tier needs the exports handle, alloc and memory");
    }
    const std::string settings = "p" + std::to_string(limits.memory_pages) + "d" + std::to_string(limits.call_depth) +
                                 (options_.meter ? "m" : "u") + "v2";
    const std::string key = sha256_hex(bytes, settings);
    std::lock_guard lock(build_mu_);
    if (auto it = loaded_.find(key); it != loaded_.end()) {
      if (auto native = it->second.lock()) return std::shared_ptr<const CompiledModule>(std::make_shared<AotModule>(info, limits, native));
    }
    const auto so = options_.cache_dir / (key + ".so");
    std::error_code ec;
    if (!std::filesystem::exists(so, ec)) NEXTRA_TRY(build(bytes, limits, info, so));
    NEXTRA_ASSIGN_OR_RETURN(auto native, load(so));
    loaded_[key] = native;
    return std::shared_ptr<const CompiledModule>(std::make_shared<AotModule>(info, limits, native));
  }

  Result<std::unique_ptr<Instance>> instantiate(std::shared_ptr<const CompiledModule> module,
                                                HostServices& host) const override {
    auto aot = std::dynamic_pointer_cast<const AotModule>(module);
    if (!aot) return Error::invalid("not a module of the ahead-of-time tier");
    const auto& native = aot->native();
    auto* ctx = new CallContext{native.get(), nullptr, &host, &aot->limits(),
                                std::chrono::steady_clock::now() + aot->limits().timeout};
    void* box = nullptr;
    std::lock_guard lock(native->mu);
    int t = native->create(ctx, static_cast<std::int64_t>(aot->limits().fuel), &box);
    if (t != 0) {
      std::int64_t fuel_left = box ? *native->fuel(box) : 0;
      Error e = t < 0 ? Error::make(ErrorCode::ResourceExhausted, "out of memory instantiating the module")
                      : trap_error(t, *ctx, fuel_left, aot->limits());
      if (box) native->destroy(box);
      delete ctx;
      return e;
    }
    return std::unique_ptr<Instance>(std::make_unique<AotInstance>(native, box, ctx));
  }

 private:
  Status build(std::string_view bytes, const Limits& limits, const ModuleInfo& info,
               const std::filesystem::path& so) const {
    NEXTRA_ASSIGN_OR_RETURN(auto source, translate_to_c(bytes, limits.memory_pages, options_.meter));
    std::error_code ec;
    std::filesystem::create_directories(options_.cache_dir, ec);
    const auto dir = options_.cache_dir / ("build-" + new_uuid_v4());
    std::filesystem::create_directories(dir, ec);
    if (ec) return Error::make(ErrorCode::Unavailable, "cannot create " + dir.string() + ": " + ec.message());
    std::ofstream(dir / "guest.c") << source.c;
    std::ofstream(dir / "guest.h") << source.h;
    std::ofstream(dir / "shim.c") << shim_source(info);
    const auto cc = on_path(options_.cc);
    if (cc.empty()) return Error::make(ErrorCode::Unavailable, "no C compiler (" + options_.cc + ") on PATH");
    const auto tmp_so = dir / "module.so";
    Status st = run_cc({cc.string(), "-O2", "-fPIC", "-shared", "-w", "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0",
                        "-DWASM_RT_MAX_CALL_STACK_DEPTH=" + std::to_string(limits.call_depth), "-I" + dir.string(),
                        std::string("-I") + kRuntimeDir, (dir / "guest.c").string(), (dir / "shim.c").string(),
                        std::string(kRuntimeDir) + "/wasm-rt-impl.c", "-o", tmp_so.string(), "-lm"},
                       dir / "cc.log", options_.compile_timeout);
    if (st.ok()) std::filesystem::rename(tmp_so, so, ec);  // atomic: readers never see half a file
    std::filesystem::remove_all(dir, ec);
    return st;
  }

  static Result<std::shared_ptr<Native>> load(const std::filesystem::path& so) {
    auto n = std::make_shared<Native>();
    n->handle = ::dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!n->handle) return Error::make(ErrorCode::Internal, std::string("cannot load the compiled module: ") + ::dlerror());
    auto sym = [&](const char* name) { return ::dlsym(n->handle, name); };
    n->init = reinterpret_cast<decltype(n->init)>(sym("nextra_init"));
    n->fini = reinterpret_cast<decltype(n->fini)>(sym("nextra_fini"));
    n->create = reinterpret_cast<decltype(n->create)>(sym("nextra_new"));
    n->destroy = reinterpret_cast<decltype(n->destroy)>(sym("nextra_delete"));
    n->fuel = reinterpret_cast<decltype(n->fuel)>(sym("nextra_fuel"));
    n->memory = reinterpret_cast<decltype(n->memory)>(sym("nextra_memory"));
    n->alloc = reinterpret_cast<decltype(n->alloc)>(sym("nextra_alloc"));
    n->alloc_nested = reinterpret_cast<decltype(n->alloc_nested)>(sym("nextra_alloc_nested"));
    n->handle_fn = reinterpret_cast<decltype(n->handle_fn)>(sym("nextra_handle"));
    n->free_fn = reinterpret_cast<decltype(n->free_fn)>(sym("nextra_free"));
    if (!n->init || !n->fini || !n->create || !n->destroy || !n->fuel || !n->memory || !n->alloc || !n->alloc_nested || !n->handle_fn) {
      return Error::make(ErrorCode::Internal, "the compiled module lacks its entry points");
    }
    n->init(&kHostTable);
    return n;
  }

  AotOptions options_;
  std::shared_ptr<const Sandbox> checker_;
  mutable std::mutex build_mu_;
  mutable std::map<std::string, std::weak_ptr<Native>> loaded_;
};

}  // namespace

bool aot_available(const AotOptions& options) {
  std::error_code ec;
  return !on_path(options.cc).empty() && std::filesystem::exists(std::string(kRuntimeDir) + "/wasm-rt-impl.c", ec);
}

std::shared_ptr<const Sandbox> make_aot_sandbox(AotOptions options) {
  return std::make_shared<AotSandbox>(std::move(options));
}

}  // namespace nextra::wasm
