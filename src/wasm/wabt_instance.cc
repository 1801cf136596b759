// One wabt instance and the JSON ABI on top of it. Each instance has its own Store (wabt
// stores are not thread-safe), so instances never share state; a call gets a fresh
// interpreter Thread whose frame stack is the call-depth limit.

#include <cstring>
#include <map>
#include <string>

#include "wasm/wabt_internal.h"

namespace nextra::wasm::wabt_engine {
namespace {

using wabt::Type;
using Clock = std::chrono::steady_clock;

bool has_type(const wi::DefinedFunc& f, const wi::ValueTypes& params, const wi::ValueTypes& results) {
  return f.type().params == params && f.type().results == results;
}

class WabtInstance final : public Instance {
 public:
  explicit WabtInstance(std::shared_ptr<const WabtModule> module) : module_(std::move(module)) {}

  Status init(HostServices& host) {
    auto mod = wi::Module::New(store_, module_->desc());
    wi::RefVec imports;
    for (const auto& it : mod->import_types()) {
      const auto fn = find_host_fn(it.module, it.name);
      if (!fn) return Error::make(ErrorCode::Internal, "unchecked import " + it.module + "." + it.name);
      host_funcs_.push_back(make_host_func(store_, *fn, &state_));
      imports.push_back(host_funcs_.back().ref());
    }
    wi::Trap::Ptr trap;
    instance_ = wi::Instance::Instantiate(store_, mod.ref(), imports, &trap);
    if (!instance_) return Error::invalid("instantiation failed: " + (trap ? trap->message() : std::string("unknown")));
    if (!instance_->memories().empty()) {
      memory_ = store_.UnsafeGet<wi::Memory>(instance_->memories()[0]);
      state_.memory = memory_.get();
    }
    const auto& types = mod->export_types();
    for (std::size_t i = 0; i < types.size(); ++i) {
      const wi::Ref ref = instance_->exports()[i];
      if (types[i].type->kind == wi::ExternKind::Func && store_.Is<wi::DefinedFunc>(ref)) {
        funcs_.emplace(types[i].name, store_.UnsafeGet<wi::DefinedFunc>(ref));
      }
    }
    if (auto a = funcs_.find("alloc"); a != funcs_.end() && has_type(*a->second, {Type::I32}, {Type::I32})) {
      state_.alloc = a->second.get();
    }
    if (auto start = module_->start()) {
      auto func = store_.UnsafeGet<wi::DefinedFunc>(instance_->funcs()[*start]);
      wi::Values results;
      auto st = run(module_->limits(), host, [&](wi::Thread& t, CallBudget& b) { return run_metered(t, *func, {}, &results, b); });
      if (!st.ok()) {
        Error e = st.take_error();
        e.message = "start function: " + e.message;
        return e;
      }
    }
    return {};
  }

  Result<CallOutput> call_json(std::string_view function, std::string_view input, const Limits& limits,
                               HostServices& host) override {
    if (poisoned_) return Error::make(ErrorCode::Internal, "the instance failed earlier and must be dropped");
    const auto started = Clock::now();
    std::string output;
    auto st = run(limits, host, [&](wi::Thread& t, CallBudget& b) { return json_abi(t, b, function, input, output); });
    if (!st.ok()) {
      poisoned_ = true;
      return st.take_error();
    }
    CallOutput out;
    out.json = std::move(output);
    out.fuel_used = last_fuel_used_;
    out.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
    return out;
  }

  bool poisoned() const override { return poisoned_; }

 private:
  template <typename Body>
  Status run(const Limits& limits, HostServices& host, Body body) {
    CallBudget budget;
    budget.limits = &limits;
    budget.host = &host;
    budget.fuel_left = limits.fuel;
    budget.deadline = Clock::now() + limits.timeout;
    auto thread = make_thread(store_, limits.call_depth);
    // The imports must never see a budget that has gone out of scope, even if body throws.
    struct Reset {
      CallState& state;
      ~Reset() { state.budget = nullptr; }
    } reset{state_};
    state_.budget = &budget;
    poisoned_ = true;  // until the body returns normally
    Status st = body(*thread, budget);
    poisoned_ = false;
    last_fuel_used_ = budget.fuel_used;
    return st;
  }

  Result<std::uint32_t> call_u32(wi::Thread& t, CallBudget& b, const wi::DefinedFunc& f, const wi::Values& args) {
    wi::Values results;
    NEXTRA_TRY(run_metered(t, f, args, &results, b));
    return results[0].Get<std::uint32_t>();
  }

  Status check_range(std::uint64_t ptr, std::uint64_t len, const std::string& what) const {
    const std::uint64_t size = memory_ ? memory_->ByteSize() : 0;
    if (ptr > size || len > size - ptr) {
      return Error::invalid(what + " [" + std::to_string(ptr) + ", " + std::to_string(ptr + len) +
                            ") is outside the module's memory (" + std::to_string(size) + " bytes)");
    }
    return {};
  }

  Status json_abi(wi::Thread& t, CallBudget& b, std::string_view function, std::string_view input, std::string& output) {
    const Limits& limits = *b.limits;
    if (input.size() > limits.input_bytes) {
      return Error::make(ErrorCode::ResourceExhausted, "input of " + std::to_string(input.size()) +
                                                           " bytes exceeds the limit of " + std::to_string(limits.input_bytes));
    }
    const auto handle = funcs_.find(std::string(function));
    if (handle == funcs_.end()) return Error::invalid("the module does not export a function '" + std::string(function) + "'");
    if (!has_type(*handle->second, {Type::I32, Type::I32}, {Type::I64})) {
      return Error::invalid("export '" + std::string(function) + "' has the type " + signature_text(handle->second->type()) +
                            ", expected (i32, i32) -> (i64)");
    }
    if (!state_.alloc) return Error::invalid("the module does not export alloc(i32) -> i32");
    const auto in_len = static_cast<std::uint32_t>(input.size());
    NEXTRA_ASSIGN_OR_RETURN(const std::uint32_t in_ptr, call_u32(t, b, *state_.alloc, {wi::Value::Make(in_len)}));
    NEXTRA_TRY(check_range(in_ptr, in_len, "alloc's result"));
    if (in_len) std::memcpy(memory_->UnsafeData() + in_ptr, input.data(), in_len);

    wi::Values results;
    NEXTRA_TRY(run_metered(t, *handle->second, {wi::Value::Make(in_ptr), wi::Value::Make(in_len)}, &results, b));
    const auto packed = results[0].Get<std::uint64_t>();
    const std::uint64_t out_ptr = packed >> 32;
    const std::uint64_t out_len = packed & 0xffffffffu;
    if (out_len > limits.output_bytes) {
      return Error::make(ErrorCode::ResourceExhausted, "output of " + std::to_string(out_len) +
                                                           " bytes exceeds the limit of " + std::to_string(limits.output_bytes));
    }
    NEXTRA_TRY(check_range(out_ptr, out_len, std::string(function) + "'s result"));
    output.assign(reinterpret_cast<const char*>(memory_ ? memory_->UnsafeData() : nullptr) + out_ptr, out_len);

    // `free` is optional; (ptr, len) and (ptr) are both accepted.
    if (auto f = funcs_.find("free"); f != funcs_.end()) {
      const bool two = has_type(*f->second, {Type::I32, Type::I32}, {});
      if (two || has_type(*f->second, {Type::I32}, {})) {
        for (const auto& [p, l] : {std::pair<std::uint64_t, std::uint64_t>{in_ptr, in_len}, {out_ptr, out_len}}) {
          wi::Values args{wi::Value::Make(static_cast<std::uint32_t>(p))};
          if (two) args.push_back(wi::Value::Make(static_cast<std::uint32_t>(l)));
          wi::Values none;
          NEXTRA_TRY(run_metered(t, *f->second, args, &none, b));
        }
      }
    }
    return {};
  }

  std::shared_ptr<const WabtModule> module_;
  // Declared before every RefPtr: they unregister from the store when destroyed.
  wi::Store store_;
  std::vector<wi::HostFunc::Ptr> host_funcs_;
  wi::Instance::Ptr instance_;
  wi::Memory::Ptr memory_;
  std::map<std::string, wi::DefinedFunc::Ptr, std::less<>> funcs_;
  CallState state_;
  std::uint64_t last_fuel_used_ = 0;
  bool poisoned_ = false;
};

}  // namespace

Result<std::unique_ptr<Instance>> instantiate_module(std::shared_ptr<const WabtModule> module, HostServices& host) {
  auto inst = std::make_unique<WabtInstance>(std::move(module));
  NEXTRA_TRY(inst->init(host));
  return std::unique_ptr<Instance>(std::move(inst));
}

}  // namespace nextra::wasm::wabt_engine
