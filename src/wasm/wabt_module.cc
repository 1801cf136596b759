// Loading a module into the wabt engine: decode + validate, then every check that keeps a
// hostile module from getting resources at instantiation, before any of its code runs.

#include <string>

#include "wabt/binary-reader.h"
#include "wabt/error-formatter.h"
#include "wabt/interp/binary-reader-interp.h"
#include "wasm/wabt_internal.h"

namespace nextra::wasm::wabt_engine {
namespace {

std::vector<std::string> type_names(const wi::ValueTypes& types) {
  std::vector<std::string> out;
  for (const auto& t : types) out.push_back(type_name(t));
  return out;
}

ExternInfo extern_info(const std::string& module, const std::string& name, const wi::ExternType& type) {
  ExternInfo e;
  e.module = module;
  e.name = name;
  e.kind = static_cast<ExternKind>(static_cast<int>(type.kind));
  if (type.kind == wi::ExternKind::Func) {
    const auto& f = static_cast<const wi::FuncType&>(type);
    e.params = type_names(f.params);
    e.results = type_names(f.results);
  }
  return e;
}

Error too_big(const std::string& what, std::uint64_t declared, std::uint64_t limit, const char* unit) {
  return Error::make(ErrorCode::ResourceExhausted, what + " " + std::to_string(declared) + " " + unit +
                                                       ", above the limit of " + std::to_string(limit));
}

Status check_imports(const wi::ModuleDesc& desc) {
  for (const auto& imp : desc.imports) {
    const auto& t = imp.type;
    const std::string full = t.module + "." + t.name;
    const auto fn = find_host_fn(t.module, t.name);
    if (!fn || t.type->kind != wi::ExternKind::Func) {
      return Error::invalid("import '" + full +
                            "' is not allowed: a module may import only the functions env.log, env.http_fetch, "
                            "env.kv_get, env.kv_set and env.abort");
    }
    const auto expected = host_fn_type(*fn);
    const auto& actual = static_cast<const wi::FuncType&>(*t.type);
    if (actual.params != expected.params || actual.results != expected.results) {
      return Error::invalid("import '" + full + "' has the type " + signature_text(actual) + ", expected " +
                            signature_text(expected));
    }
  }
  return {};
}

// A declared maximum above the cap is refused; no maximum gets the cap, so memory.grow and
// table.grow past it return -1 instead of allocating.
template <typename Limit>
Status clamp(Limit& limits, std::uint64_t cap, const std::string& what, const char* unit) {
  if (limits.is_shared || limits.is_64) return Error::invalid(what + " must be unshared and 32-bit");
  if (limits.initial > cap) return too_big(what + " declares", limits.initial, cap, unit);
  if (limits.has_max && limits.max > cap) return too_big(what + " declares a maximum of", limits.max, cap, unit);
  if (!limits.has_max) {
    limits.has_max = true;
    limits.max = cap;
  }
  return {};
}

Status check_sizes(wi::ModuleDesc& desc, const Limits& limits) {
  for (auto& m : desc.memories) NEXTRA_TRY(clamp(m.type.limits, limits.memory_pages, "memory", "pages"));
  for (auto& t : desc.tables) NEXTRA_TRY(clamp(t.type.limits, limits.table_elements, "table", "elements"));
  for (std::size_t i = 0; i < desc.funcs.size(); ++i) {
    std::uint64_t locals = desc.funcs[i].type.params.size();
    for (const auto& l : desc.funcs[i].locals) locals += l.count;
    if (locals > kMaxLocalsPerFunction) {
      return too_big("function " + std::to_string(i) + " declares", locals, kMaxLocalsPerFunction, "locals");
    }
  }
  return {};
}

}  // namespace

Result<std::shared_ptr<const CompiledModule>> compile_module(std::string_view bytes, const Limits& limits) {
  NEXTRA_TRY(check_limits(limits));
  if (bytes.size() > limits.module_bytes) {
    return too_big("the module has", bytes.size(), limits.module_bytes, "bytes");
  }
  wabt::Errors errors;
  wi::ModuleDesc desc;
  const wabt::Features features;  // wabt's defaults: no threads, memory64, exceptions, tail calls
  const wabt::ReadBinaryOptions options(features, nullptr, false, true, true);
  if (wabt::Failed(wi::ReadBinaryInterp("module.wasm", bytes.data(), bytes.size(), options, &errors, &desc))) {
    std::string text = wabt::FormatErrorsToString(errors, wabt::Location::Type::Binary);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return Error::invalid("invalid module: " + text);
  }
  NEXTRA_TRY(check_imports(desc));
  NEXTRA_TRY(check_sizes(desc, limits));
  std::optional<wi::Index> start;
  if (!desc.starts.empty()) {
    const wi::Index index = desc.starts.front().func_index;
    std::size_t imported = 0;
    for (const auto& imp : desc.imports) imported += imp.type.type->kind == wi::ExternKind::Func ? 1 : 0;
    if (index < imported) return Error::invalid("the start function must be defined in the module, not imported");
    start = index;
    desc.starts.clear();
  }

  ModuleInfo info;
  for (const auto& imp : desc.imports) info.imports.push_back(extern_info(imp.type.module, imp.type.name, *imp.type.type));
  for (const auto& exp : desc.exports) info.exports.push_back(extern_info({}, exp.type.name, *exp.type.type));
  if (!desc.memories.empty()) {
    info.memory_pages_initial = static_cast<std::uint32_t>(desc.memories[0].type.limits.initial);
    info.memory_pages_max = static_cast<std::uint32_t>(desc.memories[0].type.limits.max);
  }
  info.has_start = start.has_value();
  return std::shared_ptr<const CompiledModule>(
      std::make_shared<WabtModule>(std::move(desc), std::move(info), limits, start));
}

}  // namespace nextra::wasm::wabt_engine
