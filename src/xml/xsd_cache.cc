#include "xml/xsd_cache.h"

#include <mutex>

#include "xml/xsd_generator.h"

namespace nextra::xml {

XsdCache::XsdCache(std::shared_ptr<const schema::Schema> schema)
    : schema_(std::move(schema)), schema_view_(schema_.get()) {}

XsdCache::XsdCache(const schema::Schema& schema) : schema_view_(&schema) {}

Result<std::shared_ptr<const CompiledXsd>> XsdCache::get(const schema::PayloadClass& cls) const {
  {
    std::shared_lock lock(mu_);
    if (auto it = compiled_.find(&cls); it != compiled_.end()) return it->second;
  }
  auto compiled = CompiledXsd::compile(generate_xsd(cls));
  if (!compiled.ok()) {
    Error e = compiled.take_error();
    e.message = "generated XSD of '" + cls.name + "' does not compile: " + e.message;
    return e;
  }
  std::unique_lock lock(mu_);
  return compiled_.emplace(&cls, std::move(compiled).value()).first->second;
}

Status XsdCache::compile_all() const {
  for (const auto& [name, cls] : schema_view_->classes()) {
    auto r = get(*cls);
    if (!r.ok()) return r.take_error();
  }
  return {};
}

Result<std::shared_ptr<const CompiledXsd>> compile_xsd_cached(const std::string& xsd_text) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const CompiledXsd>> cache;  // guarded by mu
  constexpr size_t kMaxEntries = 256;
  {
    std::lock_guard lock(mu);
    if (auto it = cache.find(xsd_text); it != cache.end()) return it->second;
  }
  NEXTRA_ASSIGN_OR_RETURN(auto compiled, CompiledXsd::compile(xsd_text));
  std::lock_guard lock(mu);
  if (cache.size() >= kMaxEntries) cache.clear();
  cache.emplace(xsd_text, compiled);
  return compiled;
}

}  // namespace nextra::xml
