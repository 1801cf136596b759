#pragma once
// Internals of the organism.yaml loader, shared by its .cc files (not part of the API).
// yaml-cpp stays behind this header: nothing in flow/loader.h mentions it.

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flow/diagnostic.h"
#include "flow/loader.h"
#include "flow/organism.h"

namespace nextra::flow::detail {

// 1-based position of a yaml-cpp mark (0-based) or node; {0, 0} when there is no mark.
SourcePos mark_pos(const YAML::Mark& mark);
SourcePos pos_of(const YAML::Node& node);

// One key of a mapping with its value. `value_pos` is the key's position when the value is
// an implicit null (`key:` with nothing after it), because yaml-cpp then marks the next token.
struct Entry {
  std::string key;
  YAML::Node value;
  SourcePos key_pos;
  SourcePos value_pos;
};

// Entries of a mapping in document order, first occurrence of each key only (duplicates
// and non-scalar keys are reported once, by the structure walk).
std::vector<Entry> map_entries(const YAML::Node& map);
// Key -> entry, for lookups; the entries must outlive the map.
std::map<std::string, const Entry*> index_entries(const std::vector<Entry>& entries);

// Collects diagnostics, up to a cap.
class Sink {
 public:
  explicit Sink(size_t max) : max_(max == 0 ? 1 : max) {}
  void error(SourcePos pos, std::string field, std::string message);
  void warning(SourcePos pos, std::string field, std::string message);
  bool full() const { return truncated_; }
  // Suggestions cost an edit distance per candidate; hostile input could ask for millions.
  bool spend_suggestion() { return suggestions_left_ > 0 ? (--suggestions_left_, true) : false; }
  size_t error_count() const { return errors_; }
  // Diagnostics with exact repeats removed (an aliased node is walked once per alias).
  Diagnostics take();

 private:
  void add(Diagnostic d);
  Diagnostics diags_;
  size_t max_;
  size_t errors_ = 0;
  bool truncated_ = false;
  int suggestions_left_ = 100;
};

// Where a value sits: `path` is the Diagnostic::field prefix, `prefix` starts messages
// ("listener 'greeter': ").
struct Scope {
  std::string path;
  std::string prefix;
  std::string at(std::string_view key) const;
  Scope child(std::string_view key) const { return {at(key), prefix}; }
  Scope index(size_t i) const { return {path + "[" + std::to_string(i) + "]", prefix}; }
};

// A string with where it was written, e.g. one element of `peers:`.
struct Named {
  std::string text;
  SourcePos pos;
  std::string path;
};

// Typed readers: report a diagnostic and return nullopt when the value has the wrong type.
std::optional<std::string> read_string(Sink& sink, const Entry& e, const Scope& s);
// A string that must not be empty.
std::optional<std::string> read_name(Sink& sink, const Entry& e, const Scope& s);
std::optional<bool> read_bool(Sink& sink, const Entry& e, const Scope& s);
std::optional<long long> read_int(Sink& sink, const Entry& e, const Scope& s, long long min, long long max);
std::optional<double> read_number(Sink& sink, const Entry& e, const Scope& s, double max);
// Null reads as an empty list; elements that are not names are reported and left out.
std::optional<std::vector<Named>> read_string_list(Sink& sink, const Entry& e, const Scope& s);
// Template or comparison text: any scalar kept as written (numbers, bools), null as "".
std::optional<std::string> read_text(Sink& sink, const Entry& e, const Scope& s);
bool expect_map(Sink& sink, const Entry& e, const Scope& s);
bool expect_seq(Sink& sink, const Entry& e, const Scope& s);

// " (did you mean 'x'?)" when a candidate is a small edit away from `word`, else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);
// did_you_mean, while the sink's suggestion budget lasts.
std::string suggest(Sink& sink, std::string_view word, const std::vector<std::string_view>& candidates);
void unknown_key(Sink& sink, const Entry& e, const Scope& s, const std::vector<std::string_view>& known);
// "missing required key 'k'" for each of `keys` not present, at `pos`.
void require_keys(Sink& sink, const std::map<std::string, const Entry*>& present, SourcePos pos, const Scope& s,
                  const std::vector<std::string_view>& keys);
bool contains(const std::vector<std::string_view>& list, std::string_view s);

bool is_identifier(std::string_view s);     // ^[A-Za-z_][A-Za-z0-9_]*$
bool is_listener_name(std::string_view s);  // ^[a-zA-Z][a-zA-Z0-9_.-]*$

// A route target named by transform.to, rule.to or default.to, checked once all
// listeners and their peers are known.
struct Target {
  std::string name;
  SourcePos pos;
  std::string path;
};

// A peer table while it is checked: the spec plus where its parent and peers were written.
struct TableDraft {
  PeerTableSpec spec;
  SourcePos parent_pos;
  std::string path;
  std::vector<std::vector<Named>> peers;      // per entry, as written
  std::map<std::string, size_t> entry_index;  // listener -> index into spec.entries
};
inline constexpr size_t kNoTable = static_cast<size_t>(-1);

// Where a branch rule or default sends its message, while it is read.
struct Route {
  const Entry* to = nullptr;            // a valid `to:`
  const Entry* respond_true = nullptr;  // `respond: true`
  bool to_written = false;              // `to:` present, valid or not
};

// The loader's state while it works through one document. Split over loader.cc (document,
// structure, top level), loader_payloads.cc, loader_listeners.cc (listeners, transform,
// branch) and loader_tables.cc (peer tables, triggers); loader_util.cc has the readers.
class Loader {
 public:
  explicit Loader(const LoadLimits& limits) : limits_(limits), sink_(limits.max_diagnostics) {}
  LoadResult run(std::string_view text);

 private:
  // The first and only document of the stream; nullopt after reporting why there is none.
  std::optional<YAML::Node> parse(const std::string& text);
  // Duplicate keys, non-scalar keys, depth and alias expansion; false = stop loading.
  bool check_structure(const YAML::Node& root);
  bool walk(const YAML::Node& node, int depth, const std::string& path);

  void load_top_level(const YAML::Node& root);
  void load_organism_section(const Entry& e);
  void load_limits_section(const Entry& e);
  void load_payloads(const Entry& e);
  // A declared class before it joins the schema, with where each field's type was written.
  struct ClassDraft {
    schema::PayloadClass cls;
    std::vector<SourcePos> type_pos;
  };
  void load_payload_class(const Entry& e, const Scope& s, std::vector<ClassDraft>& out);
  void load_payload_field(const Entry& f, const Scope& cs, std::map<std::string, std::string>& xml_names,
                          ClassDraft& draft);
  // Unknown class names in field types, and reference cycles, all of them.
  void check_class_references(const std::vector<ClassDraft>& classes);

  // Names of the declared listeners and the system ones, before any listener is read,
  // so that peers and targets may name listeners declared further down.
  void collect_listener_names(const Entry* listeners);
  void load_listeners(const Entry& e);
  void load_listener(const YAML::Node& node, const Scope& s);
  // Reads `name:` and makes `s` name the listener in messages; false if it is unusable.
  bool load_listener_name(const Entry& e, Scope& s, ListenerSpec& l);
  void load_listener_key(const Entry& e, const Scope& s, ListenerSpec& l);
  void load_peers(const Entry& e, const Scope& s, ListenerSpec& l);
  // transform: / branch:, which the handler kind requires or forbids.
  void load_rule_blocks(const std::map<std::string, const Entry*>& keys, const Scope& s, ListenerSpec& l,
                        std::vector<Target>& targets);
  void check_handler(const Entry& e, const Scope& s, ListenerSpec& l);
  std::optional<TransformSpec> load_transform(const Entry& e, const Scope& s, bool in_rule,
                                              std::vector<Target>& targets);
  std::optional<BranchSpec> load_branch(const Entry& e, const Scope& s, const ListenerSpec& l,
                                        std::vector<Target>& targets);
  std::optional<BranchRule> load_rule(const YAML::Node& node, const Scope& s, const ListenerSpec& l,
                                      std::vector<Target>& targets);
  std::optional<BranchRule> load_default(const Entry& e, const Scope& s, std::vector<Target>& targets);
  void check_rule_value(const Entry& e, const Scope& s, BranchRule& r);
  void load_route_key(const Entry& f, const Scope& s, BranchRule& r, Route& route, std::vector<Target>& targets);
  // Exactly one of `to:` and `respond: true`; a valid `to:` joins `targets`.
  void check_route(const Route& route, const BranchRule& r, SourcePos pos, const Scope& s, std::string_view needs,
                   std::vector<Target>& targets);
  void check_rule_field(const Entry& e, const Scope& s, const ListenerSpec& l);
  void check_targets(const ListenerSpec& l, const std::vector<Target>& targets);
  std::string unknown_listener_message(const std::string& what, const std::string& name);

  void load_peer_tables(const Entry& e);
  void load_peer_table(const YAML::Node& node, Scope s, std::vector<TableDraft>& tables,
                       std::map<std::string, size_t>& by_name);
  void load_table_entry(const YAML::Node& node, const Scope& s, TableDraft& t);
  // Index of each table's parent (kNoTable for none or unknown); marks tables on a cycle.
  std::vector<size_t> link_table_parents(const std::vector<TableDraft>& tables,
                                         const std::map<std::string, size_t>& by_name, std::vector<bool>& cyclic);
  void check_ceilings(const std::vector<TableDraft>& tables, const std::vector<size_t>& parent);
  void load_triggers(const Entry& e);
  void load_trigger(const YAML::Node& node, Scope s, std::map<std::string, SourcePos>& names);

  const LoadLimits& limits_;
  Sink sink_;
  OrganismSpec spec_;
  size_t visits_ = 0;
  bool depth_reported_ = false;
  // Every listener declared with a valid name (and the system ones), where it first was.
  std::map<std::string, SourcePos, std::less<>> listener_names_;
  // Listener names loaded so far, to report a repeat at the second one.
  std::map<std::string, SourcePos, std::less<>> loaded_names_;
};

}  // namespace nextra::flow::detail
