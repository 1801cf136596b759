// C++17: includes wabt's IR headers (see src/wasm/CMakeLists.txt).
#include "wasm/aot_translate.h"

#include <algorithm>
#include <memory>

#include "wabt/apply-names.h"
#include "wabt/cast.h"
#include "wabt/binary-reader-ir.h"
#include "wabt/binary-reader.h"
#include "wabt/c-writer.h"
#include "wabt/error-formatter.h"
#include "wabt/feature.h"
#include "wabt/generate-names.h"
#include "wabt/ir.h"
#include "wabt/stream.h"
#include "wabt/validator.h"

namespace nextra::wasm {
namespace {

using wabt::ExprList;

// Instructions in `exprs` and the blocks nested in it, not counting nested loops (each loop
// charges its own body on every iteration).
std::uint64_t cost(const ExprList& exprs) {
  std::uint64_t n = 0;
  for (const wabt::Expr& e : exprs) {
    ++n;
    switch (e.type()) {
      case wabt::ExprType::Block: n += cost(wabt::cast<wabt::BlockExpr>(&e)->block.exprs); break;
      case wabt::ExprType::If: {
        auto* i = wabt::cast<wabt::IfExpr>(&e);
        n += cost(i->true_.exprs) + cost(i->false_);
        break;
      }
      case wabt::ExprType::Try: n += cost(wabt::cast<wabt::TryExpr>(&e)->block.exprs); break;
      default: break;
    }
  }
  return n;
}

// fuel -= n; if (fuel < 0) unreachable;  — prepended to `exprs`.
void charge(ExprList& exprs, wabt::Index fuel, std::uint64_t n) {
  ExprList check;
  check.push_back(std::make_unique<wabt::GlobalGetExpr>(wabt::Var(fuel, wabt::Location())));
  check.push_back(std::make_unique<wabt::ConstExpr>(wabt::Const::I64(n)));
  check.push_back(std::make_unique<wabt::BinaryExpr>(wabt::Opcode::I64Sub));
  check.push_back(std::make_unique<wabt::GlobalSetExpr>(wabt::Var(fuel, wabt::Location())));
  check.push_back(std::make_unique<wabt::GlobalGetExpr>(wabt::Var(fuel, wabt::Location())));
  check.push_back(std::make_unique<wabt::ConstExpr>(wabt::Const::I64(0)));
  check.push_back(std::make_unique<wabt::CompareExpr>(wabt::Opcode::I64LtS));
  auto trap = std::make_unique<wabt::IfExpr>();
  trap->true_.exprs.push_back(std::make_unique<wabt::UnreachableExpr>());
  check.push_back(std::move(trap));
  exprs.splice(exprs.begin(), check);
}

void meter(ExprList& exprs, wabt::Index fuel) {
  for (wabt::Expr& e : exprs) {
    switch (e.type()) {
      case wabt::ExprType::Loop: {
        auto& body = wabt::cast<wabt::LoopExpr>(&e)->block.exprs;
        meter(body, fuel);
        charge(body, fuel, cost(body) + 1);
        break;
      }
      case wabt::ExprType::Block: meter(wabt::cast<wabt::BlockExpr>(&e)->block.exprs, fuel); break;
      case wabt::ExprType::If: {
        auto* i = wabt::cast<wabt::IfExpr>(&e);
        meter(i->true_.exprs, fuel);
        meter(i->false_, fuel);
        break;
      }
      case wabt::ExprType::Try: meter(wabt::cast<wabt::TryExpr>(&e)->block.exprs, fuel); break;
      default: break;
    }
  }
}

Error wabt_error(const char* what, const wabt::Errors& errors) {
  return Error::invalid(std::string(what) + ": " + wabt::FormatErrorsToString(errors, wabt::Location::Type::Binary));
}

}  // namespace

Result<AotSource> translate_to_c(std::string_view wasm, std::uint32_t max_pages, bool metered) {
  wabt::Features features;
  wabt::Errors errors;
  wabt::Module module;
  wabt::ReadBinaryOptions options(features, nullptr, true, true, true);
  if (wabt::Failed(wabt::ReadBinaryIr("module.wasm", wasm.data(), wasm.size(), options, &errors, &module))) {
    return wabt_error("cannot read the module", errors);
  }
  for (wabt::Memory* m : module.memories) {
    if (!m->page_limits.has_max || m->page_limits.max > max_pages) {
      m->page_limits.has_max = true;
      m->page_limits.max = std::max<std::uint64_t>(max_pages, m->page_limits.initial);
    }
  }
  // The fuel counter: a new mutable i64 global, exported for the host.
  auto global = std::make_unique<wabt::GlobalModuleField>();
  global->global.type = wabt::Type::I64;
  global->global.mutable_ = true;
  global->global.init_expr.push_back(std::make_unique<wabt::ConstExpr>(wabt::Const::I64(0)));
  module.AppendField(std::move(global));
  const auto fuel = static_cast<wabt::Index>(module.globals.size() - 1);
  auto exported = std::make_unique<wabt::ExportModuleField>();
  exported->export_.name = kAotFuelExport;
  exported->export_.kind = wabt::ExternalKind::Global;
  exported->export_.var = wabt::Var(fuel, wabt::Location());
  module.AppendField(std::move(exported));
  for (std::size_t i = module.num_func_imports; metered && i < module.funcs.size(); ++i) {
    wabt::Func* f = module.funcs[i];
    meter(f->exprs, fuel);
    charge(f->exprs, fuel, cost(f->exprs) + 1);
  }
  wabt::ValidateOptions vo(features);
  if (wabt::Failed(wabt::ValidateModule(&module, &errors, vo))) return wabt_error("the metered module is invalid", errors);
  if (wabt::Failed(wabt::GenerateNames(&module)) || wabt::Failed(wabt::ApplyNames(&module))) {
    return Error::invalid("cannot name the module's parts for wasm2c");
  }
  wabt::MemoryStream c_stream, h_stream;
  wabt::WriteCOptions wo;
  wo.module_name = "guest";
  if (wabt::Failed(wabt::WriteC(&c_stream, &h_stream, "guest.h", &module, wo))) {
    return Error::invalid("wasm2c could not write the module as C");
  }
  AotSource out;
  const auto& cbuf = c_stream.output_buffer().data;
  const auto& hbuf = h_stream.output_buffer().data;
  out.c.assign(cbuf.begin(), cbuf.end());
  out.h.assign(hbuf.begin(), hbuf.end());
  return out;
}

}  // namespace nextra::wasm
