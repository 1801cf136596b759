// The host functions (module `env`) of the wabt engine. Every pointer and length a module
// passes is checked against its memory before a byte is read; results go back into module
// memory through the module's own `alloc`, run under the same budget as the call. An import
// that fails records the error in the budget and traps, which ends the call with that error.

#include <algorithm>
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

#include "wasm/import_json.h"
#include "wasm/wabt_internal.h"

namespace nextra::wasm::wabt_engine {
namespace {

using wabt::Type;

constexpr std::size_t kMaxKvKeyBytes = 512;
constexpr std::size_t kMaxAbortText = 256;

const char* fn_name(HostFn fn) {
  switch (fn) {
    case HostFn::Log: return "log";
    case HostFn::Abort: return "abort";
    case HostFn::HttpFetch: return "http_fetch";
    case HostFn::KvGet: return "kv_get";
    case HostFn::KvSet: return "kv_set";
  }
  return "?";
}

// One running import: its arguments, the instance's call state and how to fail.
class ImportCall {
 public:
  ImportCall(HostFn fn, CallState& state, wi::Thread& thread, wi::Trap::Ptr* trap)
      : fn_(fn), state_(state), thread_(thread), trap_(trap) {}

  wabt::Result fail(Error e) {
    // An error from a nested import (host -> alloc -> import) already names that import.
    const bool nested = state_.budget && state_.budget->error && state_.budget->error->message == e.message;
    if (!nested) e.message = std::string(fn_name(fn_)) + ": " + e.message;
    *trap_ = wi::Trap::New(thread_.store(), e.message);
    if (state_.budget) state_.budget->error = std::move(e);
    return wabt::Result::Error;
  }

  CallBudget& budget() { return *state_.budget; }

  // InvalidArgument naming the argument unless [ptr, ptr+len) lies inside module memory.
  Status check(std::uint32_t ptr, std::uint32_t len, const char* what) {
    wi::Memory* m = state_.memory;
    const std::uint64_t size = m ? m->ByteSize() : 0;
    if (std::uint64_t{ptr} > size || std::uint64_t{len} > size - ptr) {
      return Error::invalid(std::string(what) + " [" + std::to_string(ptr) + ", " +
                            std::to_string(std::uint64_t{ptr} + len) + ") is outside the module's memory (" +
                            std::to_string(size) + " bytes)");
    }
    return {};
  }

  // The bytes [ptr, ptr+len) of module memory, at most `limit` of them.
  Result<std::string> read(std::uint32_t ptr, std::uint32_t len, const char* what, std::size_t limit) {
    if (len > limit) {
      return Error::make(ErrorCode::ResourceExhausted, std::string(what) + " of " + std::to_string(len) +
                                                           " bytes exceeds the limit of " + std::to_string(limit));
    }
    NEXTRA_TRY(check(ptr, len, what));
    return std::string(reinterpret_cast<const char*>(state_.memory->UnsafeData()) + ptr, len);
  }

  // Copies `bytes` into memory the module's `alloc` hands out: (ptr << 32) | len.
  Result<std::uint64_t> write(const std::string& bytes) {
    if (bytes.empty()) return std::uint64_t{0};
    if (bytes.size() > budget().limits->host_payload_bytes) {
      return Error::make(ErrorCode::ResourceExhausted, "result of " + std::to_string(bytes.size()) +
                                                           " bytes exceeds the limit of " +
                                                           std::to_string(budget().limits->host_payload_bytes));
    }
    if (!state_.alloc) return Error::invalid("the module must export alloc(i32) -> i32 to receive results");
    if (budget().reentries >= kMaxReentry) {
      return Error::make(ErrorCode::ResourceExhausted,
                         "host calls nested more than " + std::to_string(kMaxReentry) + " deep through alloc");
    }
    wi::Values results;
    ++budget().reentries;
    Status st = run_metered(thread_, *state_.alloc, {wi::Value::Make(static_cast<std::uint32_t>(bytes.size()))},
                            &results, budget());
    --budget().reentries;
    NEXTRA_TRY(std::move(st));
    const auto ptr = results[0].Get<std::uint32_t>();
    wi::Memory* m = state_.memory;
    const std::uint64_t size = m ? m->ByteSize() : 0;
    if (std::uint64_t{ptr} > size || bytes.size() > size - ptr) {
      return Error::invalid("alloc returned " + std::to_string(ptr) + ", outside the module's memory");
    }
    std::memcpy(m->UnsafeData() + ptr, bytes.data(), bytes.size());
    return (std::uint64_t{ptr} << 32) | bytes.size();
  }

  Status count_host_call() {
    if (++budget().host_calls > budget().limits->host_calls) {
      return Error::make(ErrorCode::ResourceExhausted,
                         "more than " + std::to_string(budget().limits->host_calls) + " host calls in one call");
    }
    return {};
  }

 private:
  HostFn fn_;
  CallState& state_;
  wi::Thread& thread_;
  wi::Trap::Ptr* trap_;
};

// AssemblyScript strings: UTF-16LE, byte length in the u32 before the pointer. Best effort,
// for the abort message only: unreadable text is left out rather than failing the abort.
std::string as_string(ImportCall& call, std::uint32_t ptr) {
  if (ptr < 4) return {};
  auto len_bytes = call.read(ptr - 4, 4, "string", 4);
  if (!len_bytes.ok()) return {};
  std::uint32_t len = 0;
  std::memcpy(&len, len_bytes->data(), 4);
  auto bytes = call.read(ptr, std::min<std::uint32_t>(len, kMaxAbortText * 2), "string", kMaxAbortText * 2);
  if (!bytes.ok()) return {};
  std::string out;
  for (std::size_t i = 0; i + 1 < bytes->size(); i += 2) {
    const auto c = static_cast<unsigned char>((*bytes)[i]);
    out += ((*bytes)[i + 1] == 0 && c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  }
  return out;
}

wabt::Result run_import_unguarded(ImportCall& call, HostFn fn, CallState& state, const wi::Values& args,
                                  wi::Values& results) {
  if (!state.budget) return call.fail(Error::make(ErrorCode::Internal, "called outside a sandbox call"));
  CallBudget& b = call.budget();
  const auto u32 = [&](std::size_t i) { return args[i].Get<std::uint32_t>(); };
  switch (fn) {
    case HostFn::Log: {
      // The whole range must be valid even though only the first log_line_bytes are kept.
      if (auto st = call.check(u32(0), u32(1), "the message"); !st.ok()) return call.fail(st.take_error());
      if (++b.log_lines > b.limits->log_lines) return wabt::Result::Ok;
      const auto kept = static_cast<std::uint32_t>(std::min<std::size_t>(u32(1), b.limits->log_line_bytes));
      auto text = call.read(u32(0), kept, "the message", kept);
      if (!text.ok()) return call.fail(text.take_error());
      b.host->log(*text);
      return wabt::Result::Ok;
    }
    case HostFn::Abort: {
      const std::string msg = as_string(call, u32(0));
      const std::string file = as_string(call, u32(1));
      return call.fail(Error::invalid("the module aborted" + (msg.empty() ? std::string() : ": " + msg) + " at " +
                                      (file.empty() ? std::string("?") : file) + ":" + std::to_string(u32(2)) + ":" +
                                      std::to_string(u32(3))));
    }
    case HostFn::HttpFetch: {
      if (auto st = call.count_host_call(); !st.ok()) return call.fail(st.take_error());
      auto text = call.read(u32(0), u32(1), "the request", b.limits->host_payload_bytes);
      if (!text.ok()) return call.fail(text.take_error());
      auto req = parse_request(*text);
      if (!req.ok()) return call.fail(req.take_error());
      auto resp = b.host->http_fetch(*req, b.deadline);
      if (!resp.ok()) return call.fail(resp.take_error());
      auto packed = call.write(response_json(*resp));
      if (!packed.ok()) return call.fail(packed.take_error());
      results[0] = wi::Value::Make(*packed);
      return wabt::Result::Ok;
    }
    case HostFn::KvGet:
    case HostFn::KvSet: {
      if (auto st = call.count_host_call(); !st.ok()) return call.fail(st.take_error());
      auto key = call.read(u32(0), u32(1), "the key", kMaxKvKeyBytes);
      if (!key.ok()) return call.fail(key.take_error());
      KvStore* kv = b.host->kv();
      if (!kv) return call.fail(Error::make(ErrorCode::PermissionDenied, "project memory is not enabled for this flow"));
      if (fn == HostFn::KvSet) {
        auto value = call.read(u32(2), u32(3), "the value", b.limits->host_payload_bytes);
        if (!value.ok()) return call.fail(value.take_error());
        if (auto st = kv->set(*key, *value); !st.ok()) return call.fail(st.take_error());
        return wabt::Result::Ok;
      }
      auto value = kv->get(*key);
      if (!value.ok()) return call.fail(value.take_error());
      if (!*value) {
        results[0] = wi::Value::Make(~std::uint64_t{0});  // absent: -1
        return wabt::Result::Ok;
      }
      auto packed = call.write(**value);
      if (!packed.ok()) return call.fail(packed.take_error());
      results[0] = wi::Value::Make(*packed);
      return wabt::Result::Ok;
    }
  }
  return call.fail(Error::make(ErrorCode::Internal, "unknown import"));
}

// Exceptions must not unwind through wabt's interpreter frames: a throwing host service
// (or bad_alloc) becomes an Internal error that ends the call like any other failure.
wabt::Result run_import(HostFn fn, CallState& state, wi::Thread& thread, const wi::Values& args, wi::Values& results,
                        wi::Trap::Ptr* trap) {
  ImportCall call(fn, state, thread, trap);
  try {
    return run_import_unguarded(call, fn, state, args, results);
  } catch (const std::exception& e) {
    return call.fail(Error::make(ErrorCode::Internal, std::string("host service failed: ") + e.what()));
  } catch (...) {
    return call.fail(Error::make(ErrorCode::Internal, "host service failed"));
  }
}

}  // namespace

std::optional<HostFn> find_host_fn(const std::string& module, const std::string& name) {
  if (module != "env") return std::nullopt;
  for (HostFn fn : {HostFn::Log, HostFn::Abort, HostFn::HttpFetch, HostFn::KvGet, HostFn::KvSet}) {
    if (name == fn_name(fn)) return fn;
  }
  return std::nullopt;
}

wi::FuncType host_fn_type(HostFn fn) {
  switch (fn) {
    case HostFn::Log: return wi::FuncType({Type::I32, Type::I32}, {});
    case HostFn::Abort: return wi::FuncType({Type::I32, Type::I32, Type::I32, Type::I32}, {});
    case HostFn::HttpFetch: return wi::FuncType({Type::I32, Type::I32}, {Type::I64});
    case HostFn::KvGet: return wi::FuncType({Type::I32, Type::I32}, {Type::I64});
    case HostFn::KvSet: return wi::FuncType({Type::I32, Type::I32, Type::I32, Type::I32}, {});
  }
  return wi::FuncType({}, {});
}

std::string signature_text(const wi::FuncType& type) {
  const auto list = [](const wi::ValueTypes& ts) {
    std::string s = "(";
    for (std::size_t i = 0; i < ts.size(); ++i) s += (i ? ", " : "") + type_name(ts[i]);
    return s + ")";
  };
  return list(type.params) + " -> " + list(type.results);
}

wi::HostFunc::Ptr make_host_func(wi::Store& store, HostFn fn, CallState* state) {
  return wi::HostFunc::New(store, host_fn_type(fn),
                           [fn, state](wi::Thread& thread, const wi::Values& args, wi::Values& results,
                                       wi::Trap::Ptr* trap) { return run_import(fn, *state, thread, args, results, trap); });
}

}  // namespace nextra::wasm::wabt_engine
