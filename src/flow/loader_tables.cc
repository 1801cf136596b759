// peer_tables[] (xml-pipeline-semantics.md §4.5) and triggers[].

#include <algorithm>
#include <set>

#include "flow/loader_internal.h"

namespace nextra::flow::detail {
namespace {

const std::vector<std::string_view> kTableKeys = {"name", "parent", "os_user", "entries"};
const std::vector<std::string_view> kEntryKeys = {"listener", "peers"};
const std::vector<std::string_view> kTriggerKeys = {"name", "type", "target", "cron", "timezone"};
const std::vector<std::string_view> kTriggerTypes = {"webhook", "schedule", "manual"};

std::string join(const std::vector<std::string>& v) {
  if (v.empty()) return "none";
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Cron: 5 fields (minute .. weekday) or 6 (with seconds); only the shape is checked here.
std::string check_cron(const std::string& cron) {
  std::vector<std::string> fields;
  size_t i = 0;
  while (i < cron.size()) {
    while (i < cron.size() && (cron[i] == ' ' || cron[i] == '\t')) ++i;
    size_t start = i;
    while (i < cron.size() && cron[i] != ' ' && cron[i] != '\t') ++i;
    if (i > start) fields.push_back(cron.substr(start, i - start));
  }
  if (fields.size() != 5 && fields.size() != 6) {
    return "expected 5 or 6 space-separated fields, got " + std::to_string(fields.size());
  }
  for (const auto& f : fields) {
    bool ok = std::all_of(f.begin(), f.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '*' || c == '/' ||
             c == ',' || c == '-' || c == '?' || c == '#';
    });
    if (!ok) return "field '" + f.substr(0, 40) + "' may only hold digits, names, and * / , - ? #";
  }
  return {};
}

bool is_timezone(std::string_view tz) {
  return !tz.empty() && tz.size() <= 64 && std::all_of(tz.begin(), tz.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '/' ||
           c == '+' || c == '-';
  });
}

}  // namespace

void Loader::load_peer_tables(const Entry& e) {
  Scope s{"peer_tables", ""};
  if (e.value.IsNull() || !expect_seq(sink_, e, {})) return;
  std::vector<TableDraft> tables;
  std::map<std::string, size_t> by_name;
  size_t i = 0;
  for (auto it = e.value.begin(); it != e.value.end() && !sink_.full(); ++it, ++i) {
    load_peer_table(*it, s.index(i), tables, by_name);
  }
  std::vector<bool> cyclic(tables.size(), false);
  std::vector<size_t> parent = link_table_parents(tables, by_name, cyclic);
  check_ceilings(tables, parent);

  // Parent-first, otherwise in document order: registering a table needs its parent. Each
  // table is placed once, so this is linear however long the chains are.
  std::vector<int> state(tables.size(), 0);  // 0 new, 1 placed
  std::vector<size_t> order;
  for (size_t start = 0; start < tables.size(); ++start) {
    std::vector<size_t> chain;
    for (size_t t = start; t != kNoTable && state[t] == 0 && !cyclic[t]; t = parent[t]) {
      state[t] = 1;
      chain.push_back(t);
    }
    order.insert(order.end(), chain.rbegin(), chain.rend());
  }
  for (size_t t = 0; t < tables.size(); ++t) {
    if (cyclic[t]) order.push_back(t);
  }
  for (size_t t : order) spec_.peer_tables.push_back(std::move(tables[t].spec));
}

void Loader::load_peer_table(const YAML::Node& node, Scope ts, std::vector<TableDraft>& tables,
                             std::map<std::string, size_t>& by_name) {
  ts.prefix = ts.path + ": ";
  TableDraft t;
  t.path = ts.path;
  t.spec.pos = pos_of(node);
  if (!node.IsMap()) {
    sink_.error(t.spec.pos, ts.path, ts.prefix + "a peer table must be a mapping (name:, entries:)");
    return;
  }
  auto entries = map_entries(node);
  auto keys = index_entries(entries);
  bool named = false;
  if (auto k = keys.find("name"); k != keys.end()) {
    if (auto v = read_name(sink_, *k->second, ts)) {
      t.spec.name = *v;
      ts.prefix = "peer table '" + v->substr(0, 60) + "': ";
      if (auto at = by_name.find(*v); at != by_name.end()) {
        sink_.error(k->second->value_pos, ts.at("name"),
                    ts.prefix + "duplicate peer table name (first declared at line " +
                        std::to_string(tables[at->second].spec.pos.line) + ")");
      } else {
        named = true;
      }
    }
  }
  require_keys(sink_, keys, t.spec.pos, ts, {"name", "entries"});
  for (const auto& f : entries) {
    if (!contains(kTableKeys, f.key)) {
      unknown_key(sink_, f, ts, kTableKeys);
    } else if (f.key == "parent") {
      if (auto v = read_name(sink_, f, ts)) {
        t.spec.parent = *v;
        t.parent_pos = f.value_pos;
      }
    } else if (f.key == "os_user") {
      if (auto v = read_string(sink_, f, ts)) t.spec.os_user = *v;
    } else if (f.key == "entries") {
      if (f.value.IsNull() || !expect_seq(sink_, f, ts)) continue;
      Scope es = ts.child("entries");
      size_t j = 0;
      for (auto en = f.value.begin(); en != f.value.end() && !sink_.full(); ++en, ++j) {
        load_table_entry(*en, es.index(j), t);
      }
    }
  }
  if (!named) return;
  by_name.emplace(t.spec.name, tables.size());
  tables.push_back(std::move(t));
}

void Loader::load_table_entry(const YAML::Node& node, const Scope& s, TableDraft& t) {
  PeerTableEntry entry;
  entry.pos = pos_of(node);
  if (!node.IsMap()) {
    sink_.error(entry.pos, s.path, s.prefix + "an entry must be a mapping (listener:, peers:)");
    return;
  }
  auto entries = map_entries(node);
  require_keys(sink_, index_entries(entries), entry.pos, s, {"listener", "peers"});
  std::vector<Named> peers;
  bool listener_ok = false;
  for (const auto& g : entries) {
    if (!contains(kEntryKeys, g.key)) {
      unknown_key(sink_, g, s, kEntryKeys);
    } else if (g.key == "listener") {
      auto v = read_name(sink_, g, s);
      if (!v) continue;
      entry.listener = *v;
      if (!listener_names_.count(*v)) {
        sink_.error(g.value_pos, s.at(g.key), s.prefix + unknown_listener_message("listener", *v));
      } else if (t.entry_index.count(*v)) {
        sink_.error(g.value_pos, s.at(g.key), s.prefix + "listener '" + *v + "' has two entries");
      } else {
        listener_ok = true;
      }
    } else if (g.key == "peers") {
      auto v = read_string_list(sink_, g, s);
      if (!v) continue;
      for (auto& p : *v) {
        if (!listener_names_.count(p.text)) {
          sink_.error(p.pos, p.path, s.prefix + unknown_listener_message("peer", p.text));
          continue;
        }
        entry.peers.push_back(p.text);
        peers.push_back(std::move(p));
      }
    }
  }
  if (!listener_ok) return;
  t.entry_index.emplace(entry.listener, t.spec.entries.size());
  t.spec.entries.push_back(std::move(entry));
  t.peers.push_back(std::move(peers));
}

std::vector<size_t> Loader::link_table_parents(const std::vector<TableDraft>& tables,
                                               const std::map<std::string, size_t>& by_name,
                                               std::vector<bool>& cyclic) {
  std::vector<size_t> parent(tables.size(), kNoTable);
  for (size_t t = 0; t < tables.size(); ++t) {
    const auto& spec = tables[t].spec;
    if (spec.parent.empty()) continue;
    if (auto at = by_name.find(spec.parent); at != by_name.end()) {
      parent[t] = at->second;
      continue;
    }
    std::vector<std::string_view> names;
    for (const auto& [n, idx] : by_name) names.push_back(n);
    sink_.error(tables[t].parent_pos, tables[t].path + ".parent",
                "peer table '" + spec.name + "': unknown parent peer table '" + spec.parent.substr(0, 60) + "'" +
                    suggest(sink_, spec.parent, names));
  }
  // Each walk up the parents marks what it saw; returning to a table of the same walk
  // closes a cycle, reported once, at the table where it closed.
  std::vector<size_t> walk_of(tables.size(), kNoTable);
  for (size_t start = 0; start < tables.size(); ++start) {
    size_t t = start;
    while (t != kNoTable && walk_of[t] == kNoTable) {
      walk_of[t] = start;
      t = parent[t];
    }
    if (t == kNoTable || walk_of[t] != start) continue;
    std::string chain = tables[t].spec.name;
    size_t c = t;
    do {
      cyclic[c] = true;
      c = parent[c];
      chain += " -> " + tables[c].spec.name;
    } while (c != t);
    sink_.error(tables[t].parent_pos, tables[t].path + ".parent", "circular peer table parent chain: " + chain);
  }
  return parent;
}

void Loader::check_ceilings(const std::vector<TableDraft>& tables, const std::vector<size_t>& parent) {
  // §4.5: the ceiling is the parent's entry for the listener when it has one, else the
  // listener's own `peers:`.
  static const std::vector<std::string> kNone;
  std::map<std::string, const ListenerSpec*> listeners;
  for (const auto& l : spec_.listeners) listeners.emplace(l.name, &l);
  for (size_t t = 0; t < tables.size(); ++t) {
    const auto& td = tables[t];
    for (size_t en = 0; en < td.spec.entries.size(); ++en) {
      const auto& entry = td.spec.entries[en];
      const std::vector<std::string>* ceiling = nullptr;
      std::string source = "its peers are";
      if (parent[t] != kNoTable) {
        const auto& pd = tables[parent[t]];
        if (auto at = pd.entry_index.find(entry.listener); at != pd.entry_index.end()) {
          ceiling = &pd.spec.entries[at->second].peers;
          source = "peer table '" + pd.spec.name + "' allows";
        }
      }
      if (!ceiling) {
        auto at = listeners.find(entry.listener);
        ceiling = at == listeners.end() ? &kNone : &at->second->peers;
      }
      std::set<std::string_view> allowed(ceiling->begin(), ceiling->end());
      for (const auto& p : td.peers[en]) {
        if (allowed.count(p.text)) continue;
        sink_.error(p.pos, p.path,
                    "peer '" + p.text + "' of '" + entry.listener + "' in table '" + td.spec.name +
                        "' exceeds its ceiling (" + source + ": " + join(*ceiling) + ")");
      }
    }
  }
}

void Loader::load_triggers(const Entry& e) {
  Scope s{"triggers", ""};
  if (e.value.IsNull() || !expect_seq(sink_, e, {})) return;
  std::map<std::string, SourcePos> names;
  size_t i = 0;
  for (auto it = e.value.begin(); it != e.value.end() && !sink_.full(); ++it, ++i) {
    load_trigger(*it, s.index(i), names);
  }
}

void Loader::load_trigger(const YAML::Node& node, Scope ts, std::map<std::string, SourcePos>& names) {
  ts.prefix = ts.path + ": ";
  TriggerSpec t;
  t.pos = pos_of(node);
  if (!node.IsMap()) {
    sink_.error(t.pos, ts.path, ts.prefix + "a trigger must be a mapping (name:, type:, target:)");
    return;
  }
  auto entries = map_entries(node);
  auto keys = index_entries(entries);
  if (auto k = keys.find("name"); k != keys.end()) {
    if (auto v = read_name(sink_, *k->second, ts)) {
      t.name = *v;
      ts.prefix = "trigger '" + v->substr(0, 60) + "': ";
      if (auto [at, fresh] = names.emplace(*v, k->second->value_pos); !fresh) {
        sink_.error(
            k->second->value_pos, ts.at("name"),
            ts.prefix + "duplicate trigger name (first declared at line " + std::to_string(at->second.line) + ")");
      }
    }
  }
  require_keys(sink_, keys, t.pos, ts, {"name", "type", "target"});
  for (const auto& f : entries) {
    if (!contains(kTriggerKeys, f.key)) {
      unknown_key(sink_, f, ts, kTriggerKeys);
      continue;
    }
    if (f.key == "name") continue;
    auto v = read_name(sink_, f, ts);
    if (!v) continue;
    if (f.key == "type") {
      t.type = *v;
      if (!contains(kTriggerTypes, *v)) {
        sink_.error(f.value_pos, ts.at(f.key),
                    ts.prefix + "unknown trigger type '" + v->substr(0, 60) + "'" + suggest(sink_, *v, kTriggerTypes) +
                        "; use webhook, schedule or manual");
      }
    } else if (f.key == "target") {
      t.target = *v;
      if (!listener_names_.count(*v)) {
        sink_.error(f.value_pos, ts.at(f.key), ts.prefix + unknown_listener_message("listener", *v));
      }
    } else if (f.key == "cron") {
      t.cron = *v;
      if (auto problem = check_cron(*v); !problem.empty()) {
        sink_.error(f.value_pos, ts.at(f.key), ts.prefix + "cron: " + problem);
      }
    } else if (f.key == "timezone") {
      t.timezone = *v;
      if (!is_timezone(*v)) {
        sink_.error(
            f.value_pos, ts.at(f.key),
            ts.prefix + "timezone: '" + v->substr(0, 60) + "' is not a time zone name (such as UTC or Europe/Paris)");
      }
    }
  }
  if (t.type == "schedule" && !keys.count("cron")) {
    sink_.error(t.pos, ts.path, ts.prefix + "a schedule trigger requires 'cron'");
  } else if (keys.count("cron") && !t.type.empty() && t.type != "schedule") {
    sink_.warning(keys["cron"]->key_pos, ts.at("cron"), ts.prefix + "'cron' is only used by schedule triggers");
  }
  spec_.triggers.push_back(std::move(t));
}

}  // namespace nextra::flow::detail
