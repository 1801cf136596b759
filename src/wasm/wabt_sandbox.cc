// The Sandbox face of the wabt engine (C++17 translation unit).

#include "wasm/wabt_sandbox.h"

#include "wasm/wabt_internal.h"

namespace nextra::wasm {
namespace {

class WabtSandbox final : public Sandbox {
 public:
  std::string_view engine_name() const override { return "wabt-interp"; }

  Result<std::shared_ptr<const CompiledModule>> compile(std::string_view bytes, const Limits& limits) const override {
    return wabt_engine::compile_module(bytes, limits);
  }

  Result<std::unique_ptr<Instance>> instantiate(std::shared_ptr<const CompiledModule> module,
                                                HostServices& host) const override {
    auto wabt_module = std::dynamic_pointer_cast<const wabt_engine::WabtModule>(module);
    if (!wabt_module) return Error::invalid("the module was compiled by another engine");
    return wabt_engine::instantiate_module(std::move(wabt_module), host);
  }
};

}  // namespace

std::shared_ptr<const Sandbox> make_wabt_sandbox() { return std::make_shared<WabtSandbox>(); }

}  // namespace nextra::wasm
