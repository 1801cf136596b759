// listeners[]: each listener, its handler kind, and the transform and branch rules that
// the built-in handlers run.

#include <algorithm>
#include <charconv>
// GCC 12 with -fsanitize=address warns maybe-uninitialized inside libstdc++'s regex
// compiler (a false positive in std::function moves); keep -Werror sanitizer builds going.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <regex>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#include <set>

#include "flow/loader_internal.h"

namespace nextra::flow::detail {
namespace {

const std::vector<std::string_view> kListenerKeys = {
    "name",      "payload_class", "handler",         "description", "agent",     "peers",
    "broadcast", "prompt",        "timeout_seconds", "trusted",     "transform", "branch"};
// Documented for xml-pipeline, or read by a handler module rather than by the loader.
const std::vector<std::string_view> kIgnoredListenerKeys = {
    "cpu_bound", "tool",   "gateway", "model", "allowed_tools", "blocked_tools", "temperature", "max_tokens",
    "metadata",  "config", "http",    "wasm",  "memory",        "llm",           "position"};

const std::vector<std::string_view> kSystemListeners = {"system.boot", "system.sequence", "system.buffer"};

const std::vector<std::string_view> kHandlerKinds = {"transform", "branch", "output", "llm", "http", "wasm", "memory"};
const std::vector<std::string_view> kTools = {"calculate", "fetch", "keyvalue", "convert"};

const std::vector<std::string_view> kTransformKeys = {"payload", "to", "respond", "copy_matching", "fields"};
const std::vector<std::string_view> kBranchKeys = {"rules", "default"};
const std::vector<std::string_view> kRuleKeys = {"field", "equals",  "not_equals", "contains", "matches",
                                                 "lt",    "lte",     "gt",         "gte",      "exists",
                                                 "to",    "respond", "transform"};
const std::vector<std::string_view> kDefaultKeys = {"to", "respond", "transform"};

struct OpName {
  std::string_view key;
  BranchOp op;
};
constexpr OpName kOps[] = {{"equals", BranchOp::Equals},
                           {"not_equals", BranchOp::NotEquals},
                           {"contains", BranchOp::Contains},
                           {"matches", BranchOp::Matches},
                           {"lt", BranchOp::Lt},
                           {"lte", BranchOp::Lte},
                           {"gt", BranchOp::Gt},
                           {"gte", BranchOp::Gte},
                           {"exists", BranchOp::Exists}};

constexpr double kMaxTimeoutSeconds = 3600;
constexpr size_t kMaxRegexLength = 1000;

constexpr std::string_view kHandlerChoices = "transform, branch, output, llm, http, wasm, memory, tool:NAME, flow:ID";

// xml-pipeline's handler and payload references: `^[A-Za-z_][A-Za-z0-9_.]*$` with dots,
// no empty and no dunder segments.
bool is_python_import_path(std::string_view s) {
  if (s.find('.') == std::string_view::npos || !is_identifier(s.substr(0, 1))) return false;
  size_t start = 0;
  while (start <= s.size()) {
    size_t dot = s.find('.', start);
    std::string_view seg = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!is_identifier(seg) || seg.rfind("__", 0) == 0) return false;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

bool is_flow_id(std::string_view s) {
  return !s.empty() && s.size() <= 128 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

bool is_number(std::string_view t) {
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  return !t.empty() && ec == std::errc() && end == t.data() + t.size();
}

}  // namespace

std::string Loader::unknown_listener_message(const std::string& what, const std::string& name) {
  std::vector<std::string_view> names;
  for (const auto& [n, pos] : listener_names_) names.push_back(n);
  return "unknown " + what + " '" + name.substr(0, 60) + "'" + suggest(sink_, name, names);
}

void Loader::collect_listener_names(const Entry* e) {
  // The pump's own primitives (xml-pipeline-semantics.md §8) are valid peers and targets.
  for (auto name : kSystemListeners) listener_names_.emplace(name, SourcePos{});
  if (!e || !e->value.IsSequence()) return;
  size_t i = 0;
  for (auto it = e->value.begin(); it != e->value.end() && i < limits_.max_listeners; ++it, ++i) {
    for (const auto& f : map_entries(*it)) {
      if (f.key != "name" || !f.value.IsScalar()) continue;
      const std::string& name = f.value.Scalar();
      if (is_listener_name(name) && name.rfind("system.", 0) != 0) listener_names_.emplace(name, f.value_pos);
    }
  }
}

void Loader::load_listeners(const Entry& e) {
  Scope s{"listeners", ""};
  if (e.value.IsNull()) return;
  if (e.value.IsMap()) {
    auto entries = map_entries(e.value);
    auto keys = index_entries(entries);
    if (keys.count("directory") || keys.count("include")) {
      sink_.error(e.value_pos, "listeners",
                  "split listener files (listeners: {directory, include}) are not supported; list the "
                  "listeners here");
      return;
    }
  }
  if (!expect_seq(sink_, e, {})) return;
  if (e.value.size() > limits_.max_listeners) {
    sink_.error(e.key_pos, "listeners",
                "too many listeners (" + std::to_string(e.value.size()) + "; the limit is " +
                    std::to_string(limits_.max_listeners) + ")");
  }
  size_t i = 0;
  for (auto it = e.value.begin(); it != e.value.end() && i < limits_.max_listeners && !sink_.full(); ++it, ++i) {
    load_listener(*it, s.index(i));
  }
}

void Loader::load_listener(const YAML::Node& node, const Scope& where) {
  SourcePos pos = pos_of(node);
  if (!node.IsMap()) {
    sink_.error(pos, where.path, where.path + ": a listener must be a mapping (name:, payload_class:, ...)");
    return;
  }
  auto entries = map_entries(node);
  auto keys = index_entries(entries);
  ListenerSpec l;
  l.pos = pos;
  Scope s{where.path, where.path + ": "};
  bool name_ok = false;
  if (auto it = keys.find("name"); it != keys.end()) name_ok = load_listener_name(*it->second, s, l);
  require_keys(sink_, keys, pos, s, {"name", "payload_class", "handler", "description"});
  for (const auto& e : entries) {
    l.key_pos[e.key] = e.key_pos;
    load_listener_key(e, s, l);
  }
  std::vector<Target> targets;
  load_rule_blocks(keys, s, l, targets);
  if (!name_ok) return;
  check_targets(l, targets);
  spec_.listeners.push_back(std::move(l));
}

bool Loader::load_listener_name(const Entry& e, Scope& s, ListenerSpec& l) {
  auto name = read_name(sink_, e, s);
  if (!name) return false;
  l.name = *name;
  s.prefix = "listener '" + l.name.substr(0, 60) + "': ";
  if (!is_listener_name(l.name)) {
    sink_.error(e.value_pos, s.at("name"),
                s.prefix + "invalid name; use a letter, then letters, digits, '_', '.' or '-'");
    return false;
  }
  if (l.name.rfind("system.", 0) == 0) {
    sink_.error(e.value_pos, s.at("name"), s.prefix + "names starting with 'system.' are reserved");
    return false;
  }
  if (auto [at, fresh] = loaded_names_.emplace(l.name, e.value_pos); !fresh) {
    sink_.error(e.value_pos, s.at("name"),
                s.prefix + "duplicate listener name (first declared at line " + std::to_string(at->second.line) + ")");
    return false;
  }
  return true;
}

void Loader::load_listener_key(const Entry& e, const Scope& s, ListenerSpec& l) {
  // name was read first (messages name the listener); the rule blocks need the handler.
  if (contains(kIgnoredListenerKeys, e.key)) {
    l.sections[e.key] = RawSection{YAML::Dump(e.value), e.value_pos};
    return;
  }
  if (e.key == "name" || e.key == "transform" || e.key == "branch") return;
  if (!contains(kListenerKeys, e.key)) {
    std::vector<std::string_view> all = kListenerKeys;
    all.insert(all.end(), kIgnoredListenerKeys.begin(), kIgnoredListenerKeys.end());
    unknown_key(sink_, e, s, all);
  } else if (e.key == "payload_class") {
    auto v = read_name(sink_, e, s);
    if (!v) return;
    // xml-pipeline names a Python class by import path; the class name is the last part.
    std::string cls = v->substr(v->rfind('.') == std::string::npos ? 0 : v->rfind('.') + 1);
    l.payload_class = cls;
    if (!spec_.schema->find(cls)) {
      std::vector<std::string_view> names;
      for (const auto& [n, c] : spec_.schema->classes()) names.push_back(n);
      sink_.error(e.value_pos, s.at(e.key),
                  s.prefix + "unknown payload class '" + cls.substr(0, 60) + "'" + suggest(sink_, cls, names));
    }
  } else if (e.key == "handler") {
    check_handler(e, s, l);
  } else if (e.key == "description") {
    if (auto v = read_name(sink_, e, s)) l.description = *v;
  } else if (e.key == "agent") {
    if (auto v = read_bool(sink_, e, s)) l.agent = *v;
  } else if (e.key == "broadcast") {
    if (auto v = read_bool(sink_, e, s)) l.broadcast = *v;
  } else if (e.key == "trusted") {
    if (auto v = read_bool(sink_, e, s)) l.trusted = *v;
  } else if (e.key == "prompt") {
    if (auto v = read_string(sink_, e, s)) l.prompt = *v;
  } else if (e.key == "timeout_seconds") {
    if (auto v = read_number(sink_, e, s, kMaxTimeoutSeconds)) l.timeout_seconds = *v;
  } else if (e.key == "peers") {
    load_peers(e, s, l);
  }
}

void Loader::load_peers(const Entry& e, const Scope& s, ListenerSpec& l) {
  auto peers = read_string_list(sink_, e, s);
  if (!peers) return;
  std::set<std::string> seen;
  for (const auto& p : *peers) {
    if (!listener_names_.count(p.text)) {
      sink_.error(p.pos, p.path, s.prefix + unknown_listener_message("peer", p.text));
    } else if (!seen.insert(p.text).second) {
      sink_.warning(p.pos, p.path, s.prefix + "peer '" + p.text + "' is listed twice");
      continue;
    }
    l.peers.push_back(p.text);
  }
}

void Loader::load_rule_blocks(const std::map<std::string, const Entry*>& keys, const Scope& s, ListenerSpec& l,
                              std::vector<Target>& targets) {
  auto find = [&](const char* key) -> const Entry* {
    auto it = keys.find(key);
    return it == keys.end() ? nullptr : it->second;
  };
  const Entry* handler = find("handler");
  if (const Entry* t = find("transform")) {
    if (l.handler == "transform") {
      l.transform = load_transform(*t, s, false, targets);
    } else {
      sink_.error(t->key_pos, s.at("transform"), s.prefix + "'transform:' is only used with 'handler: transform'");
    }
  } else if (l.handler == "transform") {
    sink_.error(handler->value_pos, s.at("handler"), s.prefix + "handler 'transform' requires a 'transform:' mapping");
  }
  if (const Entry* b = find("branch")) {
    if (l.handler == "branch") {
      l.branch = load_branch(*b, s, l, targets);
    } else {
      sink_.error(b->key_pos, s.at("branch"), s.prefix + "'branch:' is only used with 'handler: branch'");
    }
  } else if (l.handler == "branch") {
    sink_.error(handler->value_pos, s.at("handler"), s.prefix + "handler 'branch' requires a 'branch:' mapping");
  }
}

void Loader::check_handler(const Entry& e, const Scope& s, ListenerSpec& l) {
  auto v = read_name(sink_, e, s);
  if (!v) return;
  const std::string& h = *v;
  std::string path = s.at(e.key);
  if (contains(kHandlerKinds, h)) {
    l.handler = h;
  } else if (h.rfind("tool:", 0) == 0) {
    std::string tool = h.substr(5);
    if (contains(kTools, tool)) {
      l.handler = h;
    } else {
      sink_.error(e.value_pos, path,
                  s.prefix + "unknown tool '" + tool.substr(0, 60) + "'" + suggest(sink_, tool, kTools) +
                      "; tools: calculate, fetch, keyvalue, convert");
    }
  } else if (h.rfind("flow:", 0) == 0) {
    if (is_flow_id(h.substr(5))) {
      l.handler = h;
    } else {
      sink_.error(e.value_pos, path,
                  s.prefix + "handler '" + h.substr(0, 60) +
                      "': expected flow:ID with an id of letters, digits, '_', '-' or '.'");
    }
  } else if (is_python_import_path(h)) {
    sink_.error(e.value_pos, path,
                s.prefix + "handler '" + h.substr(0, 200) + "' is a Python import path; use a built-in kind (" +
                    std::string(kHandlerChoices) + ")");
  } else {
    sink_.error(e.value_pos, path,
                s.prefix + "unknown handler '" + h.substr(0, 60) + "'" + suggest(sink_, h, kHandlerKinds) +
                    "; use a built-in kind (" + std::string(kHandlerChoices) + ")");
  }
}

std::optional<TransformSpec> Loader::load_transform(const Entry& e, const Scope& outer, bool in_rule,
                                                    std::vector<Target>& targets) {
  if (!expect_map(sink_, e, outer)) return std::nullopt;
  Scope s = outer.child(e.key);
  TransformSpec t;
  t.pos = e.value_pos;
  auto entries = map_entries(e.value);
  auto keys = index_entries(entries);
  require_keys(sink_, keys, e.value_pos, {s.path, s.prefix + "transform: "}, {"payload"});
  const schema::PayloadClass* cls = nullptr;
  std::optional<Target> to;
  const Entry* respond_true = nullptr;
  for (const auto& f : entries) {
    if (!contains(kTransformKeys, f.key)) {
      unknown_key(sink_, f, s, kTransformKeys);
    } else if (f.key == "payload") {
      if (auto v = read_name(sink_, f, s)) {
        t.payload = *v;
        cls = spec_.schema->find(*v);
        if (!cls) {
          std::vector<std::string_view> names;
          for (const auto& [n, c] : spec_.schema->classes()) names.push_back(n);
          sink_.error(f.value_pos, s.at(f.key),
                      s.prefix + "unknown payload class '" + v->substr(0, 60) + "'" + suggest(sink_, *v, names));
        }
      }
    } else if ((f.key == "to" || f.key == "respond") && in_rule) {
      // A rule routes; its transform only builds the payload.
      sink_.error(f.key_pos, s.at(f.key), s.prefix + "'" + f.key + "' belongs on the rule, not inside its transform");
    } else if (f.key == "to") {
      if (auto v = read_name(sink_, f, s)) {
        t.to = *v;
        to = Target{*v, f.value_pos, s.at(f.key)};
      }
    } else if (f.key == "respond") {
      if (auto v = read_bool(sink_, f, s)) {
        t.respond = *v;
        if (*v) respond_true = &f;
      }
    } else if (f.key == "copy_matching") {
      if (auto v = read_bool(sink_, f, s)) t.copy_matching = *v;
    }
  }
  if (to && respond_true) {
    sink_.error(respond_true->value_pos, s.at("respond"), s.prefix + "'to' and 'respond: true' cannot be combined");
  } else if (to) {
    targets.push_back(*to);
  }
  // Fields last: checking them needs the payload class, wherever `payload:` was written.
  if (auto it = keys.find("fields"); it != keys.end() && !it->second->value.IsNull()) {
    const Entry& fe = *it->second;
    if (expect_map(sink_, fe, s)) {
      Scope fs = s.child("fields");
      for (const auto& f : map_entries(fe.value)) {
        if (cls && !cls->find_field(f.key)) {
          std::vector<std::string_view> names;
          for (const auto& fld : cls->fields) names.push_back(fld.name);
          sink_.error(f.key_pos, fs.at(f.key),
                      s.prefix + "class '" + cls->name + "' has no field '" + f.key.substr(0, 60) + "'" +
                          suggest(sink_, f.key, names));
          continue;
        }
        if (auto v = read_text(sink_, f, fs)) {
          t.fields.emplace_back(f.key, *v);
          t.field_pos[f.key] = f.value_pos;
        }
      }
    }
  }
  return t;
}

std::optional<BranchSpec> Loader::load_branch(const Entry& e, const Scope& outer, const ListenerSpec& l,
                                              std::vector<Target>& targets) {
  if (!expect_map(sink_, e, outer)) return std::nullopt;
  Scope s = outer.child(e.key);
  BranchSpec b;
  b.pos = e.value_pos;
  auto entries = map_entries(e.value);
  auto keys = index_entries(entries);
  require_keys(sink_, keys, e.value_pos, {s.path, s.prefix + "branch: "}, {"rules"});
  for (const auto& f : entries) {
    if (!contains(kBranchKeys, f.key)) {
      unknown_key(sink_, f, s, kBranchKeys);
    } else if (f.key == "rules") {
      if (f.value.IsNull() || !expect_seq(sink_, f, s)) continue;
      Scope rs = s.child("rules");
      size_t i = 0;
      for (auto it = f.value.begin(); it != f.value.end() && !sink_.full(); ++it, ++i) {
        if (auto rule = load_rule(*it, rs.index(i), l, targets)) b.rules.push_back(std::move(*rule));
      }
    } else if (f.key == "default") {
      b.otherwise = load_default(f, s, targets);
    }
  }
  return b;
}

std::optional<BranchRule> Loader::load_rule(const YAML::Node& node, const Scope& s, const ListenerSpec& l,
                                            std::vector<Target>& targets) {
  BranchRule r;
  r.pos = pos_of(node);
  if (!node.IsMap()) {
    sink_.error(r.pos, s.path, s.prefix + "a branch rule must be a mapping (field:, an operator, to:)");
    return std::nullopt;
  }
  auto entries = map_entries(node);
  const Entry* op_entry = nullptr;
  const Entry* field_entry = nullptr;
  Route route;
  for (const auto& f : entries) {
    if (!contains(kRuleKeys, f.key)) {
      unknown_key(sink_, f, s, kRuleKeys);
      continue;
    }
    auto op = std::find_if(std::begin(kOps), std::end(kOps), [&](const OpName& o) { return o.key == f.key; });
    if (op != std::end(kOps)) {
      if (op_entry) {
        sink_.error(f.key_pos, s.at(f.key),
                    s.prefix + "a rule takes exactly one operator; found '" + op_entry->key + "' and '" + f.key + "'");
        continue;
      }
      op_entry = &f;
      r.op = op->op;
    } else if (f.key == "field") {
      field_entry = &f;
      if (auto v = read_name(sink_, f, s)) r.field = *v;
    } else {
      load_route_key(f, s, r, route, targets);
    }
  }
  if (op_entry) {
    if (!field_entry) {
      sink_.error(r.pos, s.path, s.prefix + "missing required key 'field'");
    } else if (!r.field.empty()) {
      check_rule_field(*field_entry, s, l);
    }
    check_rule_value(*op_entry, s, r);
  } else if (field_entry) {
    sink_.error(field_entry->key_pos, s.at("field"),
                s.prefix +
                    "rule has 'field' but no operator (one of equals, not_equals, contains, matches, lt, lte, "
                    "gt, gte, exists)");
  }
  check_route(route, r, r.pos, s, "a rule needs", targets);
  return r;
}

void Loader::check_rule_value(const Entry& e, const Scope& s, BranchRule& r) {
  if (r.op == BranchOp::Exists) {
    auto v = read_bool(sink_, e, s);
    if (v && !*v) {
      sink_.error(e.value_pos, s.at(e.key),
                  s.prefix + "exists: takes true (test absence with a later rule or 'default:')");
    }
    r.value = "true";
    return;
  }
  auto v = read_text(sink_, e, s);
  if (!v) return;
  r.value = *v;
  bool numeric = r.op == BranchOp::Lt || r.op == BranchOp::Lte || r.op == BranchOp::Gt || r.op == BranchOp::Gte;
  // A template is only a number once rendered; the handler checks it then.
  if (numeric && r.value.find("{{") == std::string::npos && !is_number(r.value)) {
    sink_.error(e.value_pos, s.at(e.key),
                s.prefix + e.key + ": expected a number, got '" + r.value.substr(0, 40) + "'");
  }
  if (r.op != BranchOp::Matches) return;
  // Bounded so that compiling (here and in the handler) stays cheap on hostile input.
  if (r.value.size() > kMaxRegexLength) {
    sink_.error(e.value_pos, s.at(e.key),
                s.prefix + "matches: the pattern is longer than " + std::to_string(kMaxRegexLength) + " characters");
    return;
  }
  try {
    std::regex re(r.value, std::regex::ECMAScript);
  } catch (const std::regex_error& err) {
    sink_.error(e.value_pos, s.at(e.key), s.prefix + "matches: invalid regular expression: " + err.what());
  }
}

void Loader::load_route_key(const Entry& f, const Scope& s, BranchRule& r, Route& route, std::vector<Target>& targets) {
  if (f.key == "to") {
    route.to_written = true;
    if (auto v = read_name(sink_, f, s)) {
      r.to = *v;
      route.to = &f;
    }
  } else if (f.key == "respond") {
    if (auto v = read_bool(sink_, f, s)) {
      r.respond = *v;
      if (*v) route.respond_true = &f;
    }
  } else if (f.key == "transform") {
    r.transform = load_transform(f, s, true, targets);
  }
}

void Loader::check_route(const Route& route, const BranchRule& r, SourcePos pos, const Scope& s, std::string_view needs,
                         std::vector<Target>& targets) {
  if (route.to && route.respond_true) {
    sink_.error(route.respond_true->value_pos, s.at("respond"),
                s.prefix + "'to' and 'respond: true' cannot be combined");
  } else if (route.to) {
    targets.push_back({r.to, route.to->value_pos, s.at("to")});
  } else if (!route.respond_true && !route.to_written) {  // a bad `to:` was reported already
    sink_.error(pos, s.path, s.prefix + std::string(needs) + " 'to: LISTENER' or 'respond: true'");
  }
}

std::optional<BranchRule> Loader::load_default(const Entry& e, const Scope& outer, std::vector<Target>& targets) {
  Scope s = outer.child(e.key);
  BranchRule r;
  r.op = BranchOp::Always;
  r.pos = e.value_pos;
  if (e.value.IsScalar()) {
    if (auto v = read_name(sink_, e, outer)) {
      r.to = *v;
      targets.push_back({r.to, e.value_pos, s.path});
    }
    return r;
  }
  if (!e.value.IsMap()) {
    sink_.error(e.value_pos, s.path,
                s.prefix + "default: expected a listener name or a mapping (to:, respond:, transform:)");
    return std::nullopt;
  }
  Route route;  // points into `entries`
  auto entries = map_entries(e.value);
  for (const auto& f : entries) {
    if (!contains(kDefaultKeys, f.key)) {
      unknown_key(sink_, f, s, kDefaultKeys);
    } else {
      load_route_key(f, s, r, route, targets);
    }
  }
  check_route(route, r, e.value_pos, s, "default: needs", targets);
  return r;
}

void Loader::check_rule_field(const Entry& e, const Scope& s, const ListenerSpec& l) {
  const std::string& path = e.value.Scalar();
  const schema::PayloadClass* cls = l.payload_class.empty() ? nullptr : spec_.schema->find(l.payload_class);
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string seg = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (seg.empty()) {
      sink_.error(e.value_pos, s.at(e.key), s.prefix + "field: '" + path.substr(0, 60) + "' has an empty segment");
      return;
    }
    // Only class members are knowable here; list indexes and dict keys are checked at run time.
    if (cls) {
      const schema::Field* f = cls->find_field(seg);
      if (!f) {
        std::vector<std::string_view> names;
        for (const auto& fld : cls->fields) names.push_back(fld.name);
        sink_.error(e.value_pos, s.at(e.key),
                    s.prefix + "class '" + cls->name + "' has no field '" + seg.substr(0, 60) + "'" +
                        suggest(sink_, seg, names));
        return;
      }
      const schema::TypeRef* t = &f->type;
      if (t->kind == schema::TypeKind::Optional && t->element) t = t->element.get();
      cls = t->kind == schema::TypeKind::Class ? spec_.schema->find(t->class_name) : nullptr;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
}

void Loader::check_targets(const ListenerSpec& l, const std::vector<Target>& targets) {
  std::set<std::string_view> peers(l.peers.begin(), l.peers.end());
  for (const auto& t : targets) {
    if (!listener_names_.count(t.name)) {
      sink_.error(t.pos, t.path, "listener '" + l.name + "': " + unknown_listener_message("listener", t.name));
    } else if (!peers.count(t.name)) {
      // Deliberately not an error: the examples include a flow that shows the pump
      // refusing such a route at run time.
      sink_.warning(t.pos, t.path,
                    "target '" + t.name + "' is not among the peers of '" + l.name +
                        "'; the pump will refuse this route at run time");
    }
  }
}

}  // namespace nextra::flow::detail
