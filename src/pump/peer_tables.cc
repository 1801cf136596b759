// Peer tables (spec §4.5): named, runtime-adjustable narrowings of who each listener may
// send to. A table can only narrow: every entry lies within its ceiling (the parent table's
// entry for that listener, else the listener's own YAML peers).

#include <algorithm>

#include "pump/pump_impl.h"

namespace nextra::pump {
namespace {
bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }
}  // namespace

std::vector<std::string> Pump::Impl::effective_peers(const Execution& exec, const ListenerInfo& listener) const {
  if (!exec.peer_table.empty()) {
    std::shared_lock lock(table_mu_);
    auto t = tables_.find(exec.peer_table);
    if (t != tables_.end()) {
      auto e = t->second.entries.find(listener.name);
      if (e != t->second.entries.end()) return e->second;
    }
  }
  return listener.peers;
}

std::vector<std::string> Pump::Impl::ceiling(const std::string& parent, const std::string& listener) const {
  if (!parent.empty()) {
    auto p = tables_.find(parent);
    if (p != tables_.end()) {
      auto e = p->second.entries.find(listener);
      if (e != p->second.entries.end()) return e->second;
    }
  }
  const auto* l = find(listener);
  return l ? l->peers : std::vector<std::string>{};
}

Status Pump::Impl::register_peer_table(const std::string& name, const std::map<std::string, std::vector<std::string>>& entries,
                                       const std::string& parent) {
  std::unique_lock lock(table_mu_);
  if (tables_.count(name)) return Error::make(ErrorCode::AlreadyExists, "peer table '" + name + "' already exists");
  if (!parent.empty() && !tables_.count(parent)) return Error::make(ErrorCode::NotFound, "unknown parent peer table '" + parent + "'");
  if (parent == name) return Error::invalid("circular peer table parent chain: " + name + " -> " + name);
  for (const auto& [listener, peers] : entries) {
    auto cap = ceiling(parent, listener);
    for (const auto& p : peers) {
      if (!has(cap, p)) {
        return Error::make(ErrorCode::PermissionDenied,
                           "peer '" + p + "' of '" + listener + "' in table '" + name + "' exceeds its ceiling");
      }
    }
  }
  tables_.emplace(name, PeerTable{name, parent, entries});
  return {};
}

Result<std::vector<std::string>> Pump::Impl::modify_peer_table(const std::string& name, const std::string& listener,
                                                               const std::vector<std::string>& grant,
                                                               const std::vector<std::string>& revoke) {
  std::unique_lock lock(table_mu_);
  auto t = tables_.find(name);
  if (t == tables_.end()) return Error::make(ErrorCode::NotFound, "no peer table named '" + name + "'");
  const auto* l = find(listener);
  if (!l) return Error::make(ErrorCode::NotFound, "no listener named '" + listener + "'");
  auto cap = ceiling(t->second.parent, listener);
  for (const auto& g : grant) {
    if (!has(cap, g)) {
      return Error::make(ErrorCode::PermissionDenied, "peer '" + g + "' of '" + listener + "' in table '" + name + "' exceeds its ceiling");
    }
  }
  auto e = t->second.entries.find(listener);
  std::vector<std::string> peers = e != t->second.entries.end() ? e->second : l->peers;
  for (const auto& g : grant) {
    if (!has(peers, g)) peers.push_back(g);
  }
  for (const auto& r : revoke) peers.erase(std::remove(peers.begin(), peers.end(), r), peers.end());
  t->second.entries[listener] = peers;
  return peers;
}

}  // namespace nextra::pump
