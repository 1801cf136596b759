#include "agent/agent_config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <set>

namespace nextra::agent {
namespace {

constexpr int kMaxToolErrors = 20;
constexpr int kMaxTurns = 200;
constexpr int kMaxTokens = 1'000'000;

Error at(const flow::SourcePos& base, const YAML::Node& node, const std::string& field, const std::string& msg) {
  Error e{ErrorCode::InvalidArgument, field + ": " + msg, field, base.line, base.column};
  if (node.IsDefined() && !node.Mark().is_null()) {
    e.line = base.line + node.Mark().line;
    e.column = node.Mark().line == 0 ? base.column + node.Mark().column : node.Mark().column + 1;
  }
  return e;
}

Result<YAML::Node> load(const flow::RawSection& s, const std::string& field) {
  try {
    return YAML::Load(s.yaml);
  } catch (const YAML::Exception& e) {
    return Error{ErrorCode::InvalidArgument, field + ": " + e.msg, field, s.pos.line, s.pos.column};
  }
}

// One setting that may be written at the listener's top level (the library's spelling) or
// under `llm:`; `llm:` wins.
struct Setting {
  YAML::Node node;
  flow::SourcePos base;
  std::string field;
};

Status read_double(const Setting& s, double lo, double hi, std::optional<double>& out) {
  double v = 0;
  if (!s.node.IsScalar() || !YAML::convert<double>::decode(s.node, v) || !(v >= lo && v <= hi)) {
    return at(s.base, s.node, s.field, "must be a number from " + std::to_string(lo).substr(0, 3) + " to " +
                                           std::to_string(hi).substr(0, 3));
  }
  out = v;
  return {};
}

Status read_int(const Setting& s, int lo, int hi, int& out) {
  long long v = 0;
  if (!s.node.IsScalar() || !YAML::convert<long long>::decode(s.node, v) || v < lo || v > hi) {
    return at(s.base, s.node, s.field, "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  out = static_cast<int>(v);
  return {};
}

std::string safe_tool_name(std::string_view listener) {
  std::string out;
  for (char c : listener) {
    out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ? c : '_');
    if (out.size() == 60) break;
  }
  return out.empty() ? "peer" : out;
}

}  // namespace

Result<AgentConfig> parse_agent_config(const flow::ListenerSpec& l, const schema::Schema& schema) {
  AgentConfig c;
  c.prompt = l.prompt;
  std::map<std::string, Setting> settings;
  for (const char* key : {"model", "temperature", "max_tokens"}) {
    auto it = l.sections.find(key);
    if (it == l.sections.end()) continue;
    NEXTRA_ASSIGN_OR_RETURN(auto node, load(it->second, key));
    settings[key] = Setting{node, it->second.pos, key};
  }
  if (auto it = l.sections.find("llm"); it != l.sections.end()) {
    NEXTRA_ASSIGN_OR_RETURN(auto root, load(it->second, "llm"));
    if (!root.IsMap()) return at(it->second.pos, root, "llm", "must be a mapping");
    static const std::set<std::string> kKeys = {"model", "temperature", "max_tokens", "mode",
                                                "respond", "max_tool_errors", "max_turns"};
    for (const auto& kv : root) {
      const std::string key = kv.first.Scalar();
      if (!kKeys.count(key)) {
        return at(it->second.pos, kv.first, "llm." + key,
                  "unknown key (model, temperature, max_tokens, mode, respond, max_tool_errors, max_turns)");
      }
      settings[key] = Setting{kv.second, it->second.pos, "llm." + key};
    }
  }
  for (const auto& [key, s] : settings) {
    if (key == "model") {
      if (!s.node.IsScalar() || s.node.Scalar().empty() || s.node.Scalar().size() > 200) {
        return at(s.base, s.node, s.field, "must be a model name");
      }
      c.model = s.node.Scalar();
    } else if (key == "temperature") {
      NEXTRA_TRY(read_double(s, 0.0, 2.0, c.temperature));
    } else if (key == "max_tokens") {
      int v = 0;
      NEXTRA_TRY(read_int(s, 1, kMaxTokens, v));
      c.max_tokens = v;
    } else if (key == "mode") {
      const std::string m = s.node.IsScalar() ? s.node.Scalar() : "";
      if (m == "tools") c.mode = AgentMode::Tools;
      else if (m == "xml") c.mode = AgentMode::Xml;
      else return at(s.base, s.node, s.field, "must be tools or xml");
    } else if (key == "respond") {
      const std::string name = s.node.IsScalar() ? s.node.Scalar() : "";
      c.respond = schema.find(name);
      if (!c.respond) return at(s.base, s.node, s.field, "unknown payload class '" + name.substr(0, 60) + "'");
    } else if (key == "max_tool_errors") {
      NEXTRA_TRY(read_int(s, 0, kMaxToolErrors, c.max_tool_errors));
    } else if (key == "max_turns") {
      NEXTRA_TRY(read_int(s, 1, kMaxTurns, c.max_turns));
    }
  }
  return c;
}

std::vector<PeerTool> peer_tools(const flow::ListenerSpec& l, const flow::OrganismSpec& spec, const schema::Schema& schema) {
  std::vector<PeerTool> out;
  std::set<std::string> used;
  for (const auto& name : l.peers) {
    const flow::ListenerSpec* peer = spec.find_listener(name);
    if (!peer) continue;
    const schema::PayloadClass* cls = schema.find(peer->payload_class);
    if (!cls) continue;
    PeerTool t;
    t.listener = peer->name;
    t.description = peer->description;
    t.cls = cls;
    t.is_output = peer->handler == "output";
    std::string base = safe_tool_name(peer->name);
    t.tool_name = base;
    for (int n = 2; used.count(t.tool_name); ++n) t.tool_name = base + "_" + std::to_string(n);
    used.insert(t.tool_name);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace nextra::agent
