#include "xml/xsd_cache.h"

#include <list>
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
  // Least recently used goes first. It used to forget everything at the bound: a server
  // whose flows (agents, code blocks, buffers) used more than 256 classes recompiled even
  // its busiest ones every few hundred distinct parses.
  struct Entry {
    std::shared_ptr<const CompiledXsd> compiled;
    std::list<const std::string*>::iterator in_order;
  };
  static std::mutex mu;
  static std::unordered_map<std::string, Entry> cache;  // guarded by mu
  static std::list<const std::string*> order;           // most recent first; guarded by mu
  constexpr size_t kMaxEntries = 256;
  {
    std::lock_guard lock(mu);
    if (auto it = cache.find(xsd_text); it != cache.end()) {
      order.splice(order.begin(), order, it->second.in_order);
      return it->second.compiled;
    }
  }
  NEXTRA_ASSIGN_OR_RETURN(auto compiled, CompiledXsd::compile(xsd_text));
  std::lock_guard lock(mu);
  auto [it, added] = cache.try_emplace(xsd_text, Entry{compiled, {}});
  if (!added) return it->second.compiled;  // another thread compiled it meanwhile
  order.push_front(&it->first);
  it->second.in_order = order.begin();
  if (cache.size() > kMaxEntries) {
    cache.erase(cache.find(*order.back()));  // by iterator: the key is the erased node's own
    order.pop_back();
  }
  return compiled;
}

}  // namespace nextra::xml
