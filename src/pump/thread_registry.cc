#include "pump/thread_registry.h"

#include "core/uuid.h"

namespace nextra::pump {
namespace {
constexpr char kScopeSep = '\x1e';
constexpr char kHopSep = '\x1f';
}  // namespace

std::string ThreadRegistry::encode(std::string_view scope, const Chain& chain) {
  std::string key(scope);
  key.push_back(kScopeSep);
  for (size_t i = 0; i < chain.size(); ++i) {
    if (i) key.push_back(kHopSep);
    key += chain[i];
  }
  return key;
}

std::optional<std::pair<std::string, Chain>> ThreadRegistry::decode(std::string_view key) {
  auto sep = key.find(kScopeSep);
  if (sep == std::string_view::npos) return std::nullopt;
  std::pair<std::string, Chain> out;
  out.first = std::string(key.substr(0, sep));
  auto rest = key.substr(sep + 1);
  if (rest.empty()) return out;
  size_t start = 0;
  while (true) {
    auto next = rest.find(kHopSep, start);
    out.second.emplace_back(rest.substr(start, next == std::string_view::npos ? std::string_view::npos : next - start));
    if (next == std::string_view::npos) break;
    start = next + 1;
  }
  return out;
}

std::string ThreadRegistry::begin(std::string_view scope, const Chain& chain, std::string uuid) {
  if (uuid.empty()) uuid = new_uuid_v4();
  backend_.registry_set(encode(scope, chain), uuid);
  return uuid;
}

std::optional<Chain> ThreadRegistry::chain_of(const std::string& uuid) const {
  auto key = backend_.registry_chain(uuid);
  if (!key) return std::nullopt;
  auto decoded = decode(*key);
  if (!decoded) return std::nullopt;
  return std::move(decoded->second);
}

Result<std::string> ThreadRegistry::extend(const std::string& thread, std::string_view hop) {
  auto key = backend_.registry_chain(thread);
  if (!key) return Error::make(ErrorCode::NotFound, "unknown thread " + thread);
  std::string next = *key;
  if (next.back() != kScopeSep) next.push_back(kHopSep);
  next.append(hop);
  if (auto existing = backend_.registry_uuid(next)) return *existing;
  std::string uuid = new_uuid_v4();
  backend_.registry_set(next, uuid);
  return uuid;
}

Result<std::optional<ThreadRegistry::Pruned>> ThreadRegistry::prune(const std::string& thread) {
  auto key = backend_.registry_chain(thread);
  if (!key) return Error::make(ErrorCode::NotFound, "unknown thread " + thread);
  auto decoded = decode(*key);
  if (!decoded || decoded->second.size() <= 1) return std::optional<Pruned>{};
  Chain chain = std::move(decoded->second);
  chain.pop_back();
  std::string pruned_key = encode(decoded->first, chain);
  Pruned p;
  p.target = chain.back();
  if (auto existing = backend_.registry_uuid(pruned_key)) {
    p.thread = *existing;
  } else {
    p.thread = new_uuid_v4();
    backend_.registry_set(pruned_key, p.thread);
  }
  return std::optional<Pruned>{std::move(p)};
}

}  // namespace nextra::pump
