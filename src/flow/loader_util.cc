#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <tuple>

#include "flow/loader_internal.h"

namespace nextra::flow::detail {
namespace {

// yaml-cpp tags plain scalars "?" and quoted or block scalars "!". Only plain scalars (or
// explicit core-schema tags other than !!str) may be read as bools and numbers, so that
// `agent: "yes"` stays the string it looks like.
bool is_plain(const YAML::Node& n) {
  const std::string& tag = n.Tag();
  if (tag == "?") return true;
  constexpr std::string_view kCore = "tag:yaml.org,2002:";
  return tag.rfind(kCore, 0) == 0 && tag != "tag:yaml.org,2002:str";
}

std::string shorten(const std::string& s) {
  constexpr size_t kMax = 40;
  if (s.size() <= kMax) return s;
  return s.substr(0, kMax) + "...";
}

// How a wrong value reads in a message: "nothing", "a list", "a mapping" or 'text'.
std::string describe(const YAML::Node& n) {
  if (n.IsNull()) return "nothing";
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a mapping";
  if (n.IsScalar()) {
    std::string q = n.Tag() == "!" ? "\"" : "'";
    return q + shorten(n.Scalar()) + q;
  }
  return "an undefined value";
}

void type_error(Sink& sink, const Entry& e, const Scope& s, std::string_view expected, std::string_view hint = {}) {
  sink.error(
      e.value_pos, s.at(e.key),
      s.prefix + e.key + ": expected " + std::string(expected) + ", got " + describe(e.value) + std::string(hint));
}

// Optimal string alignment distance: a swap of two neighbours ("Mgs" for "Msg") costs 1.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

const std::set<std::string_view>& bool_true_words() {
  // YAML 1.1 spellings too: xml-pipeline's loader is PyYAML, and its files must load unchanged.
  static const std::set<std::string_view> kWords = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
  return kWords;
}

const std::set<std::string_view>& bool_false_words() {
  static const std::set<std::string_view> kWords = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
  return kWords;
}

}  // namespace

SourcePos mark_pos(const YAML::Mark& m) {
  if (m.is_null() || m.line < 0 || m.column < 0) return {};
  return {m.line + 1, m.column + 1};
}

SourcePos pos_of(const YAML::Node& node) { return mark_pos(node.Mark()); }

std::vector<Entry> map_entries(const YAML::Node& map) {
  std::vector<Entry> out;
  if (!map.IsMap()) return out;
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    YAML::Node k = it->first;
    if (!k.IsScalar() && !k.IsNull()) continue;
    std::string key = k.IsScalar() ? k.Scalar() : std::string();
    if (!seen.insert(key).second) continue;
    Entry e{std::move(key), it->second, pos_of(k), pos_of(it->second)};
    // An implicit null is marked at the next token, often on a later line: point at the key.
    if (e.value.IsNull() && (e.value_pos.line != e.key_pos.line || e.value_pos.line == 0)) e.value_pos = e.key_pos;
    out.push_back(std::move(e));
  }
  return out;
}

std::map<std::string, const Entry*> index_entries(const std::vector<Entry>& entries) {
  std::map<std::string, const Entry*> out;
  for (const auto& e : entries) out[e.key] = &e;
  return out;
}

void Sink::add(Diagnostic d) {
  if (truncated_) return;
  if (diags_.size() >= max_) {
    truncated_ = true;
    ++errors_;
    return;
  }
  if (d.severity == Diagnostic::Severity::Error) ++errors_;
  diags_.push_back(std::move(d));
}

void Sink::error(SourcePos pos, std::string field, std::string message) {
  add({Diagnostic::Severity::Error, pos.line, pos.column, std::move(field), std::move(message)});
}

void Sink::warning(SourcePos pos, std::string field, std::string message) {
  add({Diagnostic::Severity::Warning, pos.line, pos.column, std::move(field), std::move(message)});
}

Diagnostics Sink::take() {
  Diagnostics out;
  std::set<std::tuple<int, int, int, std::string>> seen;
  for (auto& d : diags_) {
    if (seen.emplace(static_cast<int>(d.severity), d.line, d.column, d.message).second) out.push_back(std::move(d));
  }
  // The sections are checked in dependency order, not document order; print top to bottom.
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  if (truncated_) {
    out.push_back({Diagnostic::Severity::Error, 0, 0, "", "too many problems; stopped after " + std::to_string(max_)});
  }
  diags_.clear();
  return out;
}

std::string Scope::at(std::string_view key) const {
  if (path.empty()) return std::string(key);
  return path + "." + std::string(key);
}

std::optional<std::string> read_string(Sink& sink, const Entry& e, const Scope& s) {
  if (!e.value.IsScalar()) {
    type_error(sink, e, s, "a string");
    return std::nullopt;
  }
  return e.value.Scalar();
}

std::optional<std::string> read_name(Sink& sink, const Entry& e, const Scope& s) {
  auto v = read_string(sink, e, s);
  if (v && v->empty()) {
    sink.error(e.value_pos, s.at(e.key), s.prefix + e.key + ": must not be empty");
    return std::nullopt;
  }
  return v;
}

std::optional<bool> read_bool(Sink& sink, const Entry& e, const Scope& s) {
  if (e.value.IsScalar()) {
    const std::string& t = e.value.Scalar();
    bool plain = is_plain(e.value);
    if (plain && bool_true_words().count(t)) return true;
    if (plain && bool_false_words().count(t)) return false;
    if (!plain && (bool_true_words().count(t) || bool_false_words().count(t))) {
      type_error(sink, e, s, "a bool (true or false)", " (quoted, so it is a string)");
      return std::nullopt;
    }
  }
  type_error(sink, e, s, "a bool (true or false)");
  return std::nullopt;
}

std::optional<long long> read_int(Sink& sink, const Entry& e, const Scope& s, long long min, long long max) {
  if (!e.value.IsScalar() || !is_plain(e.value)) {
    type_error(sink, e, s, "an integer");
    return std::nullopt;
  }
  std::string_view t = e.value.Scalar();
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  long long v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || end != t.data() + t.size() || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    type_error(sink, e, s, "an integer");
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range || v < min || v > max) {
    sink.error(e.value_pos, s.at(e.key),
               s.prefix + e.key + ": must be between " + std::to_string(min) + " and " + std::to_string(max) +
                   ", got " + shorten(e.value.Scalar()));
    return std::nullopt;
  }
  return v;
}

std::optional<double> read_number(Sink& sink, const Entry& e, const Scope& s, double max) {
  if (!e.value.IsScalar() || !is_plain(e.value)) {
    type_error(sink, e, s, "a number");
    return std::nullopt;
  }
  std::string_view t = e.value.Scalar();
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(v)) {
    type_error(sink, e, s, "a number");
    return std::nullopt;
  }
  if (v <= 0 || v > max) {
    std::string max_text = std::to_string(static_cast<long long>(max));
    sink.error(e.value_pos, s.at(e.key),
               s.prefix + e.key + ": must be a positive number no greater than " + max_text + ", got " +
                   shorten(e.value.Scalar()));
    return std::nullopt;
  }
  return v;
}

std::optional<std::vector<Named>> read_string_list(Sink& sink, const Entry& e, const Scope& s) {
  std::vector<Named> out;
  if (e.value.IsNull()) return out;  // `peers:` with nothing after it means none
  if (!e.value.IsSequence()) {
    type_error(sink, e, s, "a list of names");
    return std::nullopt;
  }
  size_t i = 0;
  for (auto it = e.value.begin(); it != e.value.end(); ++it, ++i) {
    YAML::Node item = *it;
    std::string path = s.at(e.key) + "[" + std::to_string(i) + "]";
    if (!item.IsScalar() || item.Scalar().empty()) {
      sink.error(pos_of(item), path, s.prefix + e.key + ": expected a name, got " + describe(item));
      continue;
    }
    out.push_back({item.Scalar(), pos_of(item), std::move(path)});
  }
  return out;
}

std::optional<std::string> read_text(Sink& sink, const Entry& e, const Scope& s) {
  if (e.value.IsNull()) return std::string();
  if (!e.value.IsScalar()) {
    type_error(sink, e, s, "text");
    return std::nullopt;
  }
  return e.value.Scalar();
}

bool expect_map(Sink& sink, const Entry& e, const Scope& s) {
  if (e.value.IsMap()) return true;
  type_error(sink, e, s, "a mapping (key: value)");
  return false;
}

bool expect_seq(Sink& sink, const Entry& e, const Scope& s) {
  if (e.value.IsSequence()) return true;
  type_error(sink, e, s, "a list");
  return false;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates) {
  // Long words would make the quadratic distance costly on hostile input, and never match.
  constexpr size_t kMaxLen = 40;
  // A one-letter word is a small edit away from every other one-letter name: no signal.
  if (word.size() < 2 || word.size() > kMaxLen) return {};
  size_t threshold = word.size() <= 3 ? 1 : word.size() <= 6 ? 2 : 3;
  size_t best = threshold + 1;
  std::string_view best_word;
  for (auto c : candidates) {
    if (c.size() > kMaxLen) continue;
    size_t d = edit_distance(word, c);
    if (d < best) {
      best = d;
      best_word = c;
    }
  }
  if (best_word.empty()) return {};
  return " (did you mean '" + std::string(best_word) + "'?)";
}

std::string suggest(Sink& sink, std::string_view word, const std::vector<std::string_view>& candidates) {
  if (!sink.spend_suggestion()) return {};
  return did_you_mean(word, candidates);
}

void unknown_key(Sink& sink, const Entry& e, const Scope& s, const std::vector<std::string_view>& known) {
  sink.error(e.key_pos, s.at(e.key), s.prefix + "unknown key '" + shorten(e.key) + "'" + suggest(sink, e.key, known));
}

void require_keys(Sink& sink, const std::map<std::string, const Entry*>& present, SourcePos pos, const Scope& s,
                  const std::vector<std::string_view>& keys) {
  for (auto k : keys) {
    if (!present.count(std::string(k))) {
      sink.error(pos, s.path, s.prefix + "missing required key '" + std::string(k) + "'");
    }
  }
}

bool contains(const std::vector<std::string_view>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!(alpha(s[0]) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return alpha(c) || digit(c) || c == '_'; });
}

bool is_listener_name(std::string_view s) {
  if (s.empty()) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!alpha(s[0])) return false;
  return std::all_of(s.begin(), s.end(),
                     [&](char c) { return alpha(c) || digit(c) || c == '_' || c == '.' || c == '-'; });
}

}  // namespace nextra::flow::detail
