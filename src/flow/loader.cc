#include "flow/loader.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "flow/loader_internal.h"

namespace nextra::flow {
namespace detail {
namespace {

// Keys the pump reads, or that xml-pipeline documents and Nextra deliberately ignores
// (xml-pipeline-semantics.md §3). Both are accepted; anything else is a typo or a
// feature we do not have, and silently dropping it would hide that.
const std::vector<std::string_view> kTopLevelKeys = {"organism",
                                                     "payloads",
                                                     "listeners",
                                                     "peer_tables",
                                                     "triggers",
                                                     "llm",
                                                     "backend",
                                                     "oob",
                                                     "auth",
                                                     "network",
                                                     "tools",
                                                     "shell",
                                                     "compiler",
                                                     "max_concurrent_handlers",
                                                     "max_concurrent_per_agent",
                                                     "max_tokens_per_thread",
                                                     "max_concurrent_pipelines",
                                                     "thread_scheduling",
                                                     "limits",
                                                     "memory",
                                                     "meta",
                                                     "gateways",
                                                     "llm_backends",
                                                     "server",
                                                     "process_pool"};

// Sections whose content another module checks; here only their shape.
const std::vector<std::string_view> kMappingSections = {"backend", "oob", "auth", "network", "shell", "compiler"};

// `memory:` quota bounds: a quota below a key and its value is useless, and one flow's memory
// is rows in the control plane's database, so it stays small.
constexpr long long kMinMemoryBytes = 1024;
constexpr long long kMaxMemoryBytes = 100LL << 20;

constexpr long long kMaxConcurrency = 10000;
constexpr long long kMaxTokensPerThread = 1000000000;
constexpr long long kMaxQueueCapacity = 1000000;
constexpr long long kMaxPipelineDepth = 1000;
// yaml-cpp refuses deeper documents itself; an alias cycle (`&a [*a]`) is infinitely deep,
// so the walk needs a hard stop whatever the caller's limit.
constexpr int kHardMaxDepth = 1000;

// Counts the documents of a stream without building nodes. yaml-cpp 0.7 loops forever in
// LoadAll on a stray ',' where a document should start (jbeder/yaml-cpp#1040): each call
// yields one more empty document without consuming the token. So the scan stops after
// three documents, and an empty one that did not move the parser on is a syntax error.
// `memory: {enabled: true, max_bytes: N}`.
void load_memory_section(Sink& sink, const Entry& e, MemorySpec& out) {
  Scope s{"memory", ""};
  if (e.value.IsNull() || !expect_map(sink, e, {})) return;
  static const std::vector<std::string_view> kKeys = {"enabled", "max_bytes"};
  for (const auto& f : map_entries(e.value)) {
    if (!contains(kKeys, f.key)) {
      unknown_key(sink, f, s, kKeys);
    } else if (f.key == "enabled") {
      if (auto v = read_bool(sink, f, s)) out.enabled = *v;
    } else if (f.key == "max_bytes") {
      if (auto v = read_int(sink, f, s, kMinMemoryBytes, kMaxMemoryBytes)) out.max_bytes = *v;
    }
  }
}

// tool:keyvalue runs without `memory:` but answers every call with an error; say so early.
void warn_memory_not_enabled(Sink& sink, const OrganismSpec& spec) {
  for (size_t i = 0; i < spec.listeners.size(); ++i) {
    const auto& l = spec.listeners[i];
    if (l.handler != "tool:keyvalue") continue;
    auto pos = l.key_pos.count("handler") ? l.key_pos.at("handler") : l.pos;
    sink.warning(pos, "listeners[" + std::to_string(i) + "].handler",
                 "listener '" + l.name + "': tool:keyvalue answers an error until the flow enables project memory "
                 "(`memory: {enabled: true}`)");
  }
}

class DocumentScan : public YAML::EventHandler {
 public:
  struct Doc {
    YAML::Mark start;
    bool only_null = true;
  };
  std::vector<Doc> docs;

  void OnDocumentStart(const YAML::Mark& mark) override { docs.push_back({mark}); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { content(); }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override { content(); }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    content();
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    content();
  }
  void OnMapEnd() override {}

 private:
  void content() {
    if (!docs.empty()) docs.back().only_null = false;
  }
};

}  // namespace

LoadResult Loader::run(std::string_view text) {
  LoadResult result;
  auto finish = [&]() {
    result.diagnostics = sink_.take();
    if (!has_errors(result.diagnostics)) result.organism = std::move(spec_);
    return std::move(result);
  };
  spec_.schema = std::make_shared<schema::Schema>();
  if (text.size() > limits_.max_bytes) {
    sink_.error({}, "",
                "file is " + std::to_string(text.size()) + " bytes; the limit is " + std::to_string(limits_.max_bytes));
    return finish();
  }
  auto parsed = parse(std::string(text));
  if (!parsed) return finish();
  const YAML::Node& root = *parsed;
  if (!root.IsMap()) {
    SourcePos pos = pos_of(root);
    sink_.error(pos.line ? pos : SourcePos{1, 1}, "", "the top level must be a mapping (key: value)");
    return finish();
  }
  if (!check_structure(root)) return finish();
  load_top_level(root);
  return finish();
}

std::optional<YAML::Node> Loader::parse(const std::string& text) {
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentScan scan;
    for (int i = 0; i < 3 && parser.HandleNextDocument(scan); ++i) {
    }
    for (size_t i = 0; i + 1 < scan.docs.size(); ++i) {
      if (scan.docs[i].only_null && scan.docs[i + 1].start.pos == scan.docs[i].start.pos) {
        const YAML::Mark& m = scan.docs[i].start;
        char c = m.pos >= 0 && static_cast<size_t>(m.pos) < text.size() ? text[static_cast<size_t>(m.pos)] : '?';
        std::string what = c > ' ' && c < 127 ? std::string("'") + c + "'" : "character";
        sink_.error(mark_pos(m), "", "YAML syntax error: unexpected " + what);
        return std::nullopt;
      }
    }
    if (scan.docs.empty()) {
      sink_.error({1, 1}, "", "empty document: expected a mapping with at least 'listeners:'");
      return std::nullopt;
    }
    if (scan.docs.size() > 1) {
      SourcePos pos = mark_pos(scan.docs[1].start);
      sink_.error(pos.line ? pos : SourcePos{1, 1}, "",
                  "organism.yaml must hold one YAML document; another starts here");
    }
    YAML::Node root = YAML::Load(text);
    if (root.IsNull()) {
      sink_.error({1, 1}, "", "empty document: expected a mapping with at least 'listeners:'");
      return std::nullopt;
    }
    return root;
  } catch (const YAML::DeepRecursion& e) {
    sink_.error(mark_pos(e.mark), "",
                "nesting is deeper than the limit of " + std::to_string(limits_.max_depth) + " levels");
  } catch (const YAML::Exception& e) {
    // ParserException marks are 0-based (stack.md §3); what() would repeat them 1-based.
    sink_.error(mark_pos(e.mark), "", "YAML syntax error: " + e.msg);
  }
  return std::nullopt;
}

bool Loader::check_structure(const YAML::Node& root) { return walk(root, 1, ""); }

bool Loader::walk(const YAML::Node& node, int depth, const std::string& path) {
  // Aliases share nodes, so a small file can expand to billions of visits; without
  // aliases a document cannot have more nodes than bytes.
  const size_t budget = std::min<size_t>(limits_.max_bytes, size_t{1} << 28) * 2 + 1024;
  if (++visits_ > budget) {
    sink_.error(pos_of(node), path,
                "the document expands to more than " + std::to_string(budget) + " nodes (through aliases?)");
    return false;
  }
  if (depth > std::min(limits_.max_depth, kHardMaxDepth)) {
    if (!depth_reported_) {
      sink_.error(pos_of(node), path,
                  "nesting is deeper than the limit of " + std::to_string(limits_.max_depth) + " levels");
    }
    depth_reported_ = true;
    return false;
  }
  if (node.IsSequence()) {
    size_t i = 0;
    for (auto it = node.begin(); it != node.end(); ++it, ++i) {
      if (!walk(*it, depth + 1, path + "[" + std::to_string(i) + "]")) return false;
    }
  } else if (node.IsMap()) {
    std::map<std::string, SourcePos> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      YAML::Node k = it->first;
      SourcePos kpos = pos_of(k);
      if (!k.IsScalar() && !k.IsNull()) {
        sink_.error(kpos, path, "mapping keys must be plain strings, not a list or a mapping");
        continue;
      }
      std::string key = k.IsScalar() ? k.Scalar() : std::string();
      std::string child = path.empty() ? key : path + "." + key;
      auto [at, fresh] = seen.emplace(key, kpos);
      if (!fresh) {
        // yaml-cpp keeps both entries and lookups see the first; YAML forbids this.
        std::string first = at->second.line ? " (first at line " + std::to_string(at->second.line) + ")" : "";
        sink_.error(kpos, child, "duplicate key '" + key.substr(0, 60) + "'" + first);
      }
      YAML::Node value = it->second;
      if (!walk(value, depth + 1, child)) return false;
    }
  }
  return true;
}

void Loader::load_top_level(const YAML::Node& root) {
  auto entries = map_entries(root);
  Scope top;
  std::map<std::string, const Entry*> by_key;
  for (const auto& e : entries) by_key[e.key] = &e;
  for (const auto& e : entries) {
    if (e.key == "agents") {
      sink_.warning(e.key_pos, e.key,
                    "legacy key 'agents' is ignored; declare agents under 'listeners:' with 'agent: true'");
      continue;
    }
    if (!contains(kTopLevelKeys, e.key)) {
      unknown_key(sink_, e, top, kTopLevelKeys);
      continue;
    }
    if (e.key == "llm" || contains(kMappingSections, e.key)) {
      spec_.sections[e.key] = RawSection{YAML::Dump(e.value), e.value_pos};
    }
    if (e.key == "organism") {
      load_organism_section(e);
    } else if (e.key == "limits") {
      load_limits_section(e);
    } else if (e.key == "memory") {
      load_memory_section(sink_, e, spec_.memory);
    } else if (e.key == "max_concurrent_handlers") {
      if (auto v = read_int(sink_, e, top, 1, kMaxConcurrency)) spec_.max_concurrent_handlers = static_cast<int>(*v);
    } else if (e.key == "max_concurrent_per_agent") {
      if (auto v = read_int(sink_, e, top, 1, kMaxConcurrency)) spec_.max_concurrent_per_agent = static_cast<int>(*v);
    } else if (e.key == "max_tokens_per_thread") {
      if (auto v = read_int(sink_, e, top, 1, kMaxTokensPerThread)) spec_.max_tokens_per_thread = *v;
    } else if (e.key == "max_concurrent_pipelines") {
      (void)read_int(sink_, e, top, 1, kMaxConcurrency);  // documented, unused by the pump
    } else if (e.key == "thread_scheduling") {
      (void)read_string(sink_, e, top);
    } else if (e.key == "tools") {
      if (!e.value.IsNull()) (void)expect_seq(sink_, e, top);
    } else if (contains(kMappingSections, e.key)) {
      if (!e.value.IsNull()) (void)expect_map(sink_, e, top);
    }
  }
  // Later sections refer to earlier ones: classes, then listener names, then the rest.
  if (auto it = by_key.find("payloads"); it != by_key.end()) {
    load_payloads(*it->second);
  } else {
    (void)spec_.schema->link();  // built-ins only; they always link
  }
  auto listeners = by_key.find("listeners");
  collect_listener_names(listeners == by_key.end() ? nullptr : listeners->second);
  if (listeners != by_key.end()) {
    load_listeners(*listeners->second);
  } else {
    sink_.warning({1, 1}, "listeners", "no 'listeners:' declared; the organism cannot process anything");
  }
  if (auto it = by_key.find("peer_tables"); it != by_key.end()) load_peer_tables(*it->second);
  if (auto it = by_key.find("triggers"); it != by_key.end()) load_triggers(*it->second);
  if (!spec_.memory.enabled) warn_memory_not_enabled(sink_, spec_);
}

void Loader::load_organism_section(const Entry& e) {
  Scope s{"organism", ""};
  if (e.value.IsNull() || !expect_map(sink_, e, {})) return;
  static const std::vector<std::string_view> kKeys = {"name", "identity", "port", "tls"};
  for (const auto& f : map_entries(e.value)) {
    if (contains(kTopLevelKeys, f.key)) {
      // The xml-pipeline wiki nests some of these under organism:; the pump never did (§16.16).
      sink_.error(f.key_pos, s.at(f.key), "unknown key '" + f.key + "' (it belongs at the top level)");
    } else if (!contains(kKeys, f.key)) {
      unknown_key(sink_, f, s, kKeys);
    } else if (f.key == "name") {
      if (auto v = read_name(sink_, f, s)) spec_.name = *v;
    } else if (f.key == "identity") {
      if (auto v = read_string(sink_, f, s)) spec_.identity = *v;
    } else if (f.key == "port") {
      if (auto v = read_int(sink_, f, s, 1, 65535)) spec_.port = static_cast<int>(*v);
    }
  }
}

void Loader::load_limits_section(const Entry& e) {
  Scope s{"limits", ""};
  if (e.value.IsNull() || !expect_map(sink_, e, {})) return;
  static const std::vector<std::string_view> kKeys = {"queue_capacity", "max_depth"};
  for (const auto& f : map_entries(e.value)) {
    if (!contains(kKeys, f.key)) {
      unknown_key(sink_, f, s, kKeys);
    } else if (f.key == "queue_capacity") {
      if (auto v = read_int(sink_, f, s, 1, kMaxQueueCapacity)) spec_.queue_capacity = static_cast<int>(*v);
    } else if (f.key == "max_depth") {
      if (auto v = read_int(sink_, f, s, 1, kMaxPipelineDepth)) spec_.max_depth = static_cast<int>(*v);
    }
  }
}

}  // namespace detail

LoadResult load_organism(std::string_view yaml_text, const LoadLimits& limits) {
  try {
    detail::Loader loader(limits);
    return loader.run(yaml_text);
  } catch (const std::exception& e) {
    // A bug or an allocation failure; the API promises not to throw.
    LoadResult r;
    r.diagnostics.push_back(
        {Diagnostic::Severity::Error, 0, 0, "", std::string("internal error while loading: ") + e.what()});
    return r;
  } catch (...) {
    LoadResult r;
    r.diagnostics.push_back({Diagnostic::Severity::Error, 0, 0, "", "internal error while loading"});
    return r;
  }
}

LoadResult load_organism_file(const std::string& path, const LoadLimits& limits) {
  auto fail = [](std::string message) {
    LoadResult r;
    r.diagnostics.push_back({Diagnostic::Severity::Error, 0, 0, "", std::move(message)});
    return r;
  };
  try {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return fail("cannot read '" + path + "': it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("cannot open '" + path + "'");
    // Stop as soon as the limit is passed so a huge file is refused without loading it.
    std::string text;
    char buf[1 << 16];
    while (in) {
      in.read(buf, sizeof buf);
      text.append(buf, static_cast<size_t>(in.gcount()));
      if (text.size() > limits.max_bytes) {
        return fail("'" + path + "' is larger than the limit of " + std::to_string(limits.max_bytes) + " bytes");
      }
    }
    if (in.bad()) return fail("cannot read '" + path + "'");
    return load_organism(text, limits);
  } catch (const std::exception& e) {
    return fail("cannot read '" + path + "': " + e.what());
  }
}

}  // namespace nextra::flow
