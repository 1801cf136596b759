#include "handlers/template.h"

#include <algorithm>

#include "handlers/template_internal.h"
#include "schema/utf8.h"
#include "schema/value_text.h"
#include "handlers/xml_text.h"
#include "xml/payload_codec.h"

namespace nextra::handlers {
namespace utf8 = schema::utf8;

using detail::Cell;
using detail::Expr;
using detail::Filter;
using detail::FilterKind;
using detail::Miss;
using detail::Root;
using schema::Value;

namespace {

const schema::TypeRef& string_type() {
  static const schema::TypeRef t{schema::TypeKind::String};
  return t;
}

Error output_too_large() {
  return Error::make(ErrorCode::ResourceExhausted, "template output exceeds 1 MiB");
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_path_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "a list", "an int": for messages.
std::string kind_name(const Value& v) {
  if (v.is_null()) return "an empty value";
  if (v.is<bool>()) return "a bool";
  if (v.is<std::int64_t>()) return "an int";
  if (v.is<schema::Decimal>()) return "a decimal";
  if (v.is<std::string>()) return "a string";
  if (v.is<schema::List>()) return "a list";
  if (v.is<schema::Dict>()) return "a dict";
  return "a record";
}

struct FilterInfo {
  std::string_view name;
  FilterKind kind;
  int min_args, max_args;
};

constexpr FilterInfo kFilters[] = {
    {"upper", FilterKind::Upper, 0, 0},     {"lower", FilterKind::Lower, 0, 0},
    {"trim", FilterKind::Trim, 0, 0},       {"length", FilterKind::Length, 0, 0},
    {"default", FilterKind::Default, 1, 1}, {"add", FilterKind::Add, 1, 1},
    {"sub", FilterKind::Sub, 1, 1},         {"mul", FilterKind::Mul, 1, 1},
    {"json", FilterKind::Json, 0, 0},       {"xml_each", FilterKind::XmlEach, 0, 2},
    {"split", FilterKind::Split, 1, 1},     {"join", FilterKind::Join, 0, 1},
    {"replace", FilterKind::Replace, 2, 2}, {"truncate", FilterKind::Truncate, 1, 1},
};

// Parses holes and expressions. Columns are 1-based offsets into the text being compiled.
class Compiler {
 public:
  Compiler(std::string_view text, const schema::PayloadClass* input) : t_(text), input_(input) {}

  Result<detail::TemplateImpl> compile_text() {
    if (t_.size() > Template::kMaxText) {
      return Error::make(ErrorCode::ResourceExhausted, "template longer than 64 KiB");
    }
    detail::TemplateImpl impl;
    std::string lit;
    size_t i = 0;
    while (i < t_.size()) {
      if (t_[i] == '\\' && t_.substr(i + 1, 2) == "{{") {
        lit += "{{";
        i += 3;
        continue;
      }
      if (t_.substr(i, 2) == "{{") {
        if (impl.exprs.size() >= Template::kMaxHoles) {
          return fail(ErrorCode::ResourceExhausted, i, "more than 256 {{ }} holes");
        }
        if (!lit.empty()) {
          impl.literal_bytes += lit.size();
          impl.pieces.push_back({std::move(lit), -1});
          lit.clear();
        }
        pos_ = i + 2;
        auto e = expression(i, true);
        if (!e.ok()) return e.take_error();
        impl.pieces.push_back({{}, static_cast<int>(impl.exprs.size())});
        impl.exprs.push_back(std::move(e).value());
        i = pos_;
        continue;
      }
      lit.push_back(t_[i++]);
    }
    if (!lit.empty()) {
      impl.literal_bytes += lit.size();
      if (impl.exprs.empty()) impl.literal = lit;
      impl.pieces.push_back({std::move(lit), -1});
    }
    impl.single = impl.pieces.size() == 1 && impl.pieces[0].expr == 0;
    return impl;
  }

  Result<detail::TemplateImpl> compile_bare() {
    if (t_.size() > Template::kMaxText) {
      return Error::make(ErrorCode::ResourceExhausted, "expression longer than 64 KiB");
    }
    pos_ = 0;
    auto e = expression(0, false);
    if (!e.ok()) return e.take_error();
    detail::TemplateImpl impl;
    impl.pieces.push_back({{}, 0});
    impl.exprs.push_back(std::move(e).value());
    impl.single = true;
    return impl;
  }

 private:
  Error fail(ErrorCode code, size_t at, const std::string& msg) const {
    Error e = Error::make(code, msg + " at column " + std::to_string(at + 1));
    e.column = static_cast<int>(at) + 1;
    return e;
  }
  Error fail(size_t at, const std::string& msg) const { return fail(ErrorCode::InvalidArgument, at, msg); }

  void skip_space() {
    while (pos_ < t_.size() && is_space(t_[pos_])) ++pos_;
  }

  bool at_end(bool braces) const {
    return braces ? t_.substr(pos_, 2) == "}}" : pos_ >= t_.size();
  }

  Result<std::string> string_literal() {
    size_t start = pos_;
    ++pos_;  // opening quote
    std::string s;
    while (pos_ < t_.size() && t_[pos_] != '"') {
      char c = t_[pos_];
      if (c == '\\') {
        if (pos_ + 1 >= t_.size()) break;
        char n = t_[pos_ + 1];
        switch (n) {
          case '"': s.push_back('"'); break;
          case '\\': s.push_back('\\'); break;
          case 'n': s.push_back('\n'); break;
          case 't': s.push_back('\t'); break;
          case 'r': s.push_back('\r'); break;
          default: return fail(pos_, std::string("unknown escape \\") + n + " in a string (use \\\" \\\\ \\n \\t or \\r)");
        }
        pos_ += 2;
        continue;
      }
      s.push_back(c);
      ++pos_;
    }
    if (pos_ >= t_.size()) return fail(start, "string is never closed");
    ++pos_;
    return s;
  }

  // -?digits[.digits]
  Result<detail::Arg> number_literal() {
    size_t start = pos_;
    if (t_[pos_] == '-' || t_[pos_] == '+') ++pos_;
    while (pos_ < t_.size() && (is_digit(t_[pos_]) || t_[pos_] == '.')) ++pos_;
    auto text = t_.substr(start, pos_ - start);
    auto n = num::parse(text);
    if (!n) return fail(start, "'" + std::string(text) + "' is not a number");
    detail::Arg a;
    a.is_number = true;
    a.text = std::string(text);
    a.number = *n;
    a.column = static_cast<int>(start) + 1;
    return a;
  }

  Result<detail::Arg> argument() {
    skip_space();
    if (pos_ >= t_.size()) return fail(pos_, "missing filter argument");
    char c = t_[pos_];
    if (c == '"') {
      detail::Arg a;
      a.column = static_cast<int>(pos_) + 1;
      auto s = string_literal();
      if (!s.ok()) return s.take_error();
      a.text = std::move(s).value();
      return a;
    }
    if (is_digit(c) || c == '-' || c == '+' || c == '.') return number_literal();
    return fail(pos_, "a filter argument must be a \"string\" or a number");
  }

  Status check_filter(Filter& f) {
    auto arg_fail = [&](size_t k, const std::string& msg) {
      size_t at = k < f.args.size() ? static_cast<size_t>(f.args[k].column - 1) : static_cast<size_t>(f.column - 1);
      return fail(at, "filter '" + f.name + "': " + msg);
    };
    switch (f.kind) {
      case FilterKind::Add:
      case FilterKind::Sub:
      case FilterKind::Mul: {
        auto& a = f.args[0];
        if (!a.is_number) {
          auto n = num::parse(a.text);
          if (!n) return arg_fail(0, "'" + a.text + "' is not a number");
          a.number = *n;
          a.is_number = true;
        }
        return {};
      }
      case FilterKind::Truncate: {
        auto& a = f.args[0];
        if (!a.is_number || !a.number.is_int || a.number.mant < 0 || a.number.mant > static_cast<num::Int128>(Template::kMaxOutput)) {
          return arg_fail(0, "needs a whole number of characters from 0 to 1048576");
        }
        return {};
      }
      case FilterKind::Split:
        if (f.args[0].is_number || f.args[0].text.empty()) return arg_fail(0, "needs a non-empty \"separator\"");
        return {};
      case FilterKind::Join:
        if (!f.args.empty() && f.args[0].is_number) return arg_fail(0, "needs a \"separator\"");
        return {};
      case FilterKind::Replace:
        if (f.args[0].is_number || f.args[1].is_number) return arg_fail(0, "needs two strings: replace:\"old\":\"new\"");
        if (f.args[0].text.empty()) return arg_fail(0, "the text to replace is empty");
        return {};
      case FilterKind::XmlEach:
        if (f.args.size() == 1) return arg_fail(0, "takes no arguments, or a class and a field: xml_each:\"Class\":\"field\"");
        if (f.args.size() == 2) {
          if (f.args[0].is_number || !is_xml_name(f.args[0].text)) return arg_fail(0, "'" + f.args[0].text + "' is not a class name");
          f.xml_field = schema::pascal_case(f.args[1].text);
          if (f.args[1].is_number || !is_xml_name(f.xml_field)) return arg_fail(1, "'" + f.args[1].text + "' is not a field name");
        }
        return {};
      default:
        return {};
    }
  }

  Result<Filter> filter() {
    skip_space();
    size_t start = pos_;
    while (pos_ < t_.size() && ((t_[pos_] >= 'a' && t_[pos_] <= 'z') || t_[pos_] == '_')) ++pos_;
    auto name = t_.substr(start, pos_ - start);
    if (name.empty()) return fail(start, "expected a filter name after '|'");
    const FilterInfo* info = nullptr;
    for (const auto& fi : kFilters) {
      if (fi.name == name) info = &fi;
    }
    if (!info) {
      return fail(start, "unknown filter '" + std::string(name) +
                             "' (upper, lower, trim, length, default, add, sub, mul, json, xml_each, split, join, replace, truncate)");
    }
    Filter f;
    f.kind = info->kind;
    f.name = std::string(name);
    f.column = static_cast<int>(start) + 1;
    for (;;) {
      skip_space();
      if (pos_ >= t_.size() || t_[pos_] != ':') break;
      ++pos_;
      if (f.args.size() >= 2) return fail(pos_ - 1, "filter '" + f.name + "' has too many arguments");
      auto a = argument();
      if (!a.ok()) return a.take_error();
      f.args.push_back(std::move(a).value());
    }
    if (static_cast<int>(f.args.size()) < info->min_args || static_cast<int>(f.args.size()) > info->max_args) {
      std::string want = info->min_args == info->max_args ? std::to_string(info->min_args)
                                                          : std::to_string(info->min_args) + " to " + std::to_string(info->max_args);
      return fail(start, "filter '" + f.name + "' takes " + want + " argument" + (info->max_args == 1 && info->min_args == 1 ? "" : "s") +
                             ", got " + std::to_string(f.args.size()));
    }
    NEXTRA_TRY(check_filter(f));
    return f;
  }

  Status path(Expr& e) {
    size_t start = pos_;
    for (;;) {
      size_t seg = pos_;
      while (pos_ < t_.size() && is_path_char(t_[pos_])) ++pos_;
      if (pos_ == seg) return fail(seg, e.path.empty() ? "expected a field name, a \"string\" or a number" : "expected a name after '.'");
      if (e.path.size() >= Template::kMaxPathSteps) return fail(seg, "path has more than 32 steps");
      detail::Step st;
      st.name = std::string(t_.substr(seg, pos_ - seg));
      st.column = static_cast<int>(seg) + 1;
      if (std::all_of(st.name.begin(), st.name.end(), is_digit)) {
        if (e.path.empty()) return fail(seg, "a path starts with a field name, not an index");
        if (st.name.size() > 7 || std::stoll(st.name) > Template::kMaxIndex) return fail(seg, "list index above 1000000");
        st.index = std::stoll(st.name);
      }
      e.path.push_back(std::move(st));
      if (pos_ < t_.size() && t_[pos_] == '.') {
        ++pos_;
        continue;
      }
      break;
    }
    e.path_text = std::string(t_.substr(start, pos_ - start));
    const auto& first = e.path[0].name;
    if (!first.empty() && first[0] == '_') {
      if (first == "_from") e.root = Root::From;
      else if (first == "_thread") e.root = Root::Thread;
      else if (first == "_self") e.root = Root::Self;
      else if (first == "_class") e.root = Root::Class;
      else return fail(start, "unknown context variable '" + first + "' (use _from, _thread, _self or _class)");
      if (e.path.size() > 1) return fail(static_cast<size_t>(e.path[1].column - 1), "'" + first + "' is text and has no fields");
      e.static_type = &string_type();
    }
    return {};
  }

  // Parses one expression at pos_; with `braces` it ends at "}}" (consumed).
  Result<Expr> expression(size_t open_at, bool braces) {
    Expr e;
    skip_space();
    e.column = static_cast<int>(pos_) + 1;
    if (pos_ >= t_.size()) return braces ? fail(open_at, "'{{' is never closed") : fail(pos_, "empty expression");
    if (at_end(braces)) return fail(pos_, "empty {{ }}");
    char c = t_[pos_];
    if (c == '"') {
      e.root = Root::Literal;
      auto s = string_literal();
      if (!s.ok()) return s.take_error();
      e.literal = Value(std::move(s).value());
      e.static_type = &string_type();
    } else if (is_digit(c) || c == '-' || c == '+') {
      e.root = Root::Literal;
      auto a = number_literal();
      if (!a.ok()) return a.take_error();
      auto v = num::to_value(a->number);
      if (!v.ok()) return fail(static_cast<size_t>(a->column - 1), "number out of range");
      e.literal = std::move(v).value();
      if (pos_ < t_.size() && is_path_char(t_[pos_])) return fail(static_cast<size_t>(a->column - 1), "a path starts with a field name, not an index");
    } else {
      NEXTRA_TRY(path(e));
    }
    for (;;) {
      skip_space();
      if (pos_ >= t_.size()) break;
      if (t_[pos_] != '|') break;
      if (e.filters.size() >= Template::kMaxFilters) return fail(pos_, "more than 16 filters in one expression");
      ++pos_;
      auto f = filter();
      if (!f.ok()) return f.take_error();
      if (f->kind == FilterKind::Default) e.has_default = true;
      e.filters.push_back(std::move(f).value());
    }
    if (braces) {
      if (pos_ >= t_.size()) return fail(open_at, "'{{' is never closed");
      if (!at_end(true)) return fail(pos_, std::string("unexpected '") + t_[pos_] + "' (expected '|' or '}}')");
      pos_ += 2;
    } else if (pos_ < t_.size()) {
      return fail(pos_, std::string("unexpected '") + t_[pos_] + "' (expected '|' or the end)");
    }
    if (e.root == Root::Payload && input_) NEXTRA_TRY(bind(e));
    return e;
  }

  // Resolves the path against the input class: field indexes for render, errors for paths
  // that can never resolve, and the static type.
  Status bind(Expr& e) {
    const schema::PayloadClass* rec = input_;
    const schema::TypeRef* t = nullptr;
    for (size_t i = 0; i < e.path.size(); ++i) {
      auto& st = e.path[i];
      std::string prefix = i == 0 ? std::string() : e.path_text.substr(0, static_cast<size_t>(st.column - e.path[0].column - 1));
      if (t) {
        while (t->kind == schema::TypeKind::Optional) t = t->element.get();
        if (t->kind == schema::TypeKind::Class && t->cls) {
          rec = t->cls;
          t = nullptr;
        } else if (t->kind == schema::TypeKind::List) {
          if (st.index < 0) {
            return fail(static_cast<size_t>(st.column - 1), "'" + prefix + "' is a list; use an index such as " + prefix + ".0");
          }
          t = t->element.get();
          continue;
        } else if (t->kind == schema::TypeKind::Dict) {
          t = &string_type();
          continue;
        } else {
          return fail(static_cast<size_t>(st.column - 1),
                      "'" + prefix + "' is a " + t->spelling() + " and has no field '" + st.name + "'");
        }
      }
      if (!rec) return {};
      int idx = rec->field_index(st.name);
      if (idx < 0) {
        // A `default` makes an absent field intentional.
        if (e.has_default) return {};
        return fail(static_cast<size_t>(st.column - 1), "field '" + st.name + "' not found in " + rec->name);
      }
      st.cls = rec;
      st.field = idx;
      t = &rec->fields[static_cast<size_t>(idx)].type;
      rec = nullptr;
    }
    e.static_type = t;
    return {};
  }

  std::string_view t_;
  const schema::PayloadClass* input_;
  size_t pos_ = 0;
};

Cell missing(const Expr& e, Miss why, size_t step, size_t size = 0) {
  Cell c;
  c.kind = Cell::Kind::Missing;
  c.miss = why;
  c.miss_step = static_cast<int>(step);
  c.miss_size = size;
  c.expr = &e;
  return c;
}

void eval_path(const Expr& e, const Scope& s, Cell* out) {
  switch (e.root) {
    case Root::From: out->kind = Cell::Kind::Text; out->text = s.from; return;
    case Root::Thread: out->kind = Cell::Kind::Text; out->text = s.thread; return;
    case Root::Self: out->kind = Cell::Kind::Text; out->text = s.self; return;
    case Root::Class:
      out->kind = Cell::Kind::Text;
      out->text = s.payload && s.payload->cls ? std::string_view(s.payload->cls->name) : std::string_view();
      return;
    case Root::Literal: out->kind = Cell::Kind::Ref; out->ref = &e.literal; return;
    case Root::Payload: break;
  }
  if (!s.payload || !s.payload->cls) {
    *out = missing(e, Miss::NoField, 0);
    return;
  }
  const schema::Record* rec = s.payload;
  const Value* v = nullptr;
  for (size_t i = 0; i < e.path.size(); ++i) {
    const auto& st = e.path[i];
    if (v) {
      if (v->is<schema::Record>()) {
        rec = &v->as<schema::Record>();
      } else if (v->is<schema::List>()) {
        const auto& l = v->as<schema::List>();
        if (st.index < 0) { *out = missing(e, Miss::NotIndex, i); return; }
        if (static_cast<size_t>(st.index) >= l.size()) { *out = missing(e, Miss::PastEnd, i, l.size()); return; }
        v = &l[static_cast<size_t>(st.index)];
        continue;
      } else if (v->is<schema::Dict>()) {
        const auto& d = v->as<schema::Dict>();
        auto it = std::find_if(d.begin(), d.end(), [&](const auto& kv) { return kv.first == st.name; });
        if (it == d.end()) { *out = missing(e, Miss::NoKey, i); return; }
        if (i + 1 < e.path.size()) { *out = missing(e, Miss::NotContainer, i + 1); return; }
        out->kind = Cell::Kind::Text;
        out->text = it->second;
        return;
      } else if (v->is_null()) {
        *out = missing(e, Miss::NullParent, i);
        return;
      } else {
        *out = missing(e, Miss::NotContainer, i);
        return;
      }
    }
    if (!rec->cls) { *out = missing(e, Miss::NoField, i); return; }
    int idx = (st.cls == rec->cls && st.field >= 0) ? st.field : rec->cls->field_index(st.name);
    if (idx < 0 || static_cast<size_t>(idx) >= rec->fields.size()) { *out = missing(e, Miss::NoField, i); return; }
    v = &rec->fields[static_cast<size_t>(idx)];
  }
  out->kind = Cell::Kind::Ref;
  out->ref = v;
}

void set_own(Cell* c, Value v) {
  c->kind = Cell::Kind::Own;
  c->own = std::move(v);
  c->ref = nullptr;
}

Error filter_error(const Filter& f, const Expr& e, const std::string& msg) {
  Error err = Error::invalid("{{ " + (e.path_text.empty() ? std::string("literal") : e.path_text) + " | " + f.name + " }}: " + msg);
  err.field = e.path_text;
  return err;
}

// The text a string filter works on. Containers are refused: upper-casing JSON is never
// what anyone meant.
Status text_of(const Cell& c, const Filter& f, const Expr& e, std::string_view* view, std::string* buf) {
  if (c.string_view_of(view)) return {};
  const Value& v = c.value();
  if (v.is_null()) {
    *view = {};
    return {};
  }
  if (v.is<schema::List>() || v.is<schema::Dict>() || v.is<schema::Record>()) {
    return filter_error(f, e, "needs text, got " + kind_name(v));
  }
  append_text(v, *buf);
  *view = *buf;
  return {};
}

Status number_of(const Cell& c, const Filter& f, const Expr& e, num::Number* out) {
  std::optional<num::Number> n;
  std::string_view sv;
  if (c.kind == Cell::Kind::Text) n = num::parse(c.text);
  else n = num::of_value(c.value());
  if (n) {
    *out = *n;
    return {};
  }
  std::string shown;
  if (c.string_view_of(&sv)) shown = "'" + std::string(sv.substr(0, 40)) + "'";
  else shown = std::string(kind_name(c.value()));
  return filter_error(f, e, shown + " is not a number");
}

Status apply_filter(const Filter& f, const Expr& e, Cell* c) {
  if (c->missing()) {
    if (f.kind != FilterKind::Default) return {};  // stays missing until a default or the end
  }
  switch (f.kind) {
    case FilterKind::Default: {
      std::string_view sv;
      bool empty = c->missing() || c->is_null() || (c->string_view_of(&sv) && sv.empty());
      if (!empty) return {};
      const auto& a = f.args[0];
      if (a.is_number) {
        auto v = num::to_value(a.number);
        if (!v.ok()) return filter_error(f, e, "number out of range");
        set_own(c, std::move(v).value());
      } else {
        c->kind = Cell::Kind::Text;
        c->text = a.text;  // lives in the compiled template
      }
      return {};
    }
    case FilterKind::Upper:
    case FilterKind::Lower: {
      std::string_view sv;
      std::string buf;
      NEXTRA_TRY(text_of(*c, f, e, &sv, &buf));
      std::string s(sv);
      bool up = f.kind == FilterKind::Upper;
      for (char& ch : s) {
        if (up && ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 32);
        else if (!up && ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
      }
      set_own(c, Value(std::move(s)));
      return {};
    }
    case FilterKind::Trim: {
      std::string_view sv;
      std::string buf;
      NEXTRA_TRY(text_of(*c, f, e, &sv, &buf));
      size_t b = 0, en = sv.size();
      while (b < en && is_space(sv[b])) ++b;
      while (en > b && is_space(sv[en - 1])) --en;
      if (c->kind == Cell::Kind::Own || !buf.empty()) {
        set_own(c, Value(std::string(sv.substr(b, en - b))));
      } else {
        c->kind = Cell::Kind::Text;  // a view into the payload: no copy
        c->text = sv.substr(b, en - b);
      }
      return {};
    }
    case FilterKind::Truncate: {
      std::string_view sv;
      std::string buf;
      NEXTRA_TRY(text_of(*c, f, e, &sv, &buf));
      size_t bytes = utf8::prefix_bytes(sv, static_cast<size_t>(f.args[0].number.mant));
      if (c->kind == Cell::Kind::Own || !buf.empty()) {
        set_own(c, Value(std::string(sv.substr(0, bytes))));
      } else {
        c->kind = Cell::Kind::Text;
        c->text = sv.substr(0, bytes);
      }
      return {};
    }
    case FilterKind::Length: {
      std::string_view sv;
      if (c->string_view_of(&sv)) {
        set_own(c, Value(static_cast<std::int64_t>(utf8::length(sv))));
        return {};
      }
      const Value& v = c->value();
      std::int64_t n = 0;
      if (v.is<schema::List>()) n = static_cast<std::int64_t>(v.as<schema::List>().size());
      else if (v.is<schema::Dict>()) n = static_cast<std::int64_t>(v.as<schema::Dict>().size());
      else if (v.is_null()) n = 0;
      else return filter_error(f, e, "needs text, a list or a dict, got " + kind_name(v));
      set_own(c, Value(n));
      return {};
    }
    case FilterKind::Add:
    case FilterKind::Sub:
    case FilterKind::Mul: {
      num::Number n;
      NEXTRA_TRY(number_of(*c, f, e, &n));
      const auto& a = f.args[0].number;
      auto r = f.kind == FilterKind::Add ? num::add(n, a) : f.kind == FilterKind::Sub ? num::sub(n, a) : num::mul(n, a);
      if (!r.ok()) return filter_error(f, e, r.error().message);
      auto v = num::to_value(*r);
      if (!v.ok()) return filter_error(f, e, v.error().message);
      set_own(c, std::move(v).value());
      return {};
    }
    case FilterKind::Json: {
      std::string s;
      if (c->kind == Cell::Kind::Text) schema::append_json_string(c->text, s);
      else append_json(c->value(), s);
      if (s.size() > Template::kMaxOutput) return output_too_large();
      set_own(c, Value(std::move(s)));
      return {};
    }
    case FilterKind::XmlEach: {
      if (c->kind == Cell::Kind::Text || !c->value().is<schema::List>()) {
        return filter_error(f, e, "needs a list, got " + (c->kind == Cell::Kind::Text ? std::string("a string") : kind_name(c->value())));
      }
      const auto& l = c->value().as<schema::List>();
      std::string s;
      for (size_t i = 0; i < l.size(); ++i) {
        if (i) s.push_back('\n');
        const Value& item = l[i];
        if (f.args.empty()) {
          if (!item.is<schema::Record>()) {
            return filter_error(f, e, "item " + std::to_string(i) + " is " + std::string(kind_name(item)) +
                                          "; a list of plain values needs a class and a field: xml_each:\"Class\":\"field\"");
          }
          xml::append_record_xml(item.as<schema::Record>(), s);
        } else {
          if (item.is<schema::Record>() || item.is<schema::List>() || item.is<schema::Dict>()) {
            return filter_error(f, e, "item " + std::to_string(i) + " is " + std::string(kind_name(item)) +
                                          "; xml_each with a class and a field wraps plain values only");
          }
          append_scalar_xml(f.args[0].text, f.xml_field, item, s);
        }
        if (s.size() > Template::kMaxOutput) return output_too_large();
      }
      set_own(c, Value(std::move(s)));
      return {};
    }
    case FilterKind::Split: {
      std::string_view sv;
      std::string buf;
      NEXTRA_TRY(text_of(*c, f, e, &sv, &buf));
      schema::List parts;
      const std::string& sep = f.args[0].text;
      if (!sv.empty()) {
        size_t start = 0;
        for (;;) {
          size_t at = sv.find(sep, start);
          parts.emplace_back(std::string(sv.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start)));
          if (at == std::string_view::npos) break;
          start = at + sep.size();
        }
      }
      set_own(c, Value(std::move(parts)));
      return {};
    }
    case FilterKind::Join: {
      if (c->kind == Cell::Kind::Text || !c->value().is<schema::List>()) {
        return filter_error(f, e, "needs a list, got " + (c->kind == Cell::Kind::Text ? std::string("a string") : kind_name(c->value())));
      }
      std::string_view sep = f.args.empty() ? std::string_view() : std::string_view(f.args[0].text);
      std::string s;
      bool first = true;
      for (const auto& item : c->value().as<schema::List>()) {
        if (!first) s += sep;
        first = false;
        append_text(item, s);
        if (s.size() > Template::kMaxOutput) return output_too_large();
      }
      set_own(c, Value(std::move(s)));
      return {};
    }
    case FilterKind::Replace: {
      std::string_view sv;
      std::string buf;
      NEXTRA_TRY(text_of(*c, f, e, &sv, &buf));
      const std::string& from = f.args[0].text;
      const std::string& to = f.args[1].text;
      size_t count = 0;
      for (size_t at = sv.find(from); at != std::string_view::npos; at = sv.find(from, at + from.size())) ++count;
      // Check before building: a short text with many matches and a long replacement
      // would otherwise allocate far past the limit.
      if (to.size() > from.size() && sv.size() + count * (to.size() - from.size()) > Template::kMaxOutput) {
        return output_too_large();
      }
      std::string s;
      s.reserve(sv.size() + (to.size() > from.size() ? count * (to.size() - from.size()) : 0));
      size_t start = 0;
      for (size_t at = sv.find(from); at != std::string_view::npos; at = sv.find(from, start)) {
        s.append(sv.substr(start, at - start));
        s += to;
        start = at + from.size();
      }
      s.append(sv.substr(start));
      set_own(c, Value(std::move(s)));
      return {};
    }
  }
  return {};
}

Status eval_expr(const Expr& e, const Scope& s, Cell* c) {
  eval_path(e, s, c);
  for (const auto& f : e.filters) NEXTRA_TRY(apply_filter(f, e, c));
  if (c->missing() && !c->expr) c->expr = &e;
  return {};
}

}  // namespace

namespace detail {

void append_cell_text(const Cell& c, std::string& out) {
  if (c.kind == Cell::Kind::Text) out.append(c.text);
  else if (c.kind != Cell::Kind::Missing) append_text(c.value(), out);
}

Error missing_error(const Cell& c, const Scope& scope) {
  const Expr& e = *c.expr;
  std::string cls = scope.payload && scope.payload->cls ? scope.payload->cls->name : std::string("the payload");
  std::string msg = "field '" + e.path_text + "' not found in " + cls;
  size_t step = static_cast<size_t>(c.miss_step);
  std::string prefix;
  if (step > 0 && step <= e.path.size()) {
    prefix = e.path_text.substr(0, static_cast<size_t>(e.path[step].column - e.path[0].column - 1));
  }
  switch (c.miss) {
    case Miss::PastEnd:
      msg += " (" + prefix + " has " + std::to_string(c.miss_size) + (c.miss_size == 1 ? " item)" : " items)");
      break;
    case Miss::NotIndex: msg += " (" + prefix + " is a list; use a number)"; break;
    case Miss::NoKey: msg += " (" + prefix + " has no key '" + e.path[step].name + "')"; break;
    case Miss::NullParent: msg += " (" + prefix + " is empty)"; break;
    case Miss::NotContainer: msg += " (" + prefix + " has no fields)"; break;
    default: break;
  }
  Error err = Error::make(ErrorCode::NotFound, std::move(msg));
  err.field = e.path_text;
  return err;
}

}  // namespace detail

Result<Template> Template::compile(std::string_view text, const schema::PayloadClass* input_class) {
  Compiler c(text, input_class);
  auto impl = c.compile_text();
  if (!impl.ok()) return impl.take_error();
  Template t;
  t.impl_ = std::make_shared<const detail::TemplateImpl>(std::move(impl).value());
  return t;
}

Result<Template> Template::compile_expression(std::string_view expression, const schema::PayloadClass* input_class) {
  Compiler c(expression, input_class);
  auto impl = c.compile_bare();
  if (!impl.ok()) return impl.take_error();
  Template t;
  t.impl_ = std::make_shared<const detail::TemplateImpl>(std::move(impl).value());
  return t;
}

Status Template::render_to(const Scope& scope, std::string* out) const {
  const auto& impl = *impl_;
  size_t base = out->size();
  for (const auto& p : impl.pieces) {
    if (p.expr < 0) {
      out->append(p.text);
    } else {
      Cell c;
      NEXTRA_TRY(eval_expr(impl.exprs[static_cast<size_t>(p.expr)], scope, &c));
      if (c.missing()) return detail::missing_error(c, scope);
      detail::append_cell_text(c, *out);
    }
    if (out->size() - base > kMaxOutput) return output_too_large();
  }
  return {};
}

Result<std::string> Template::render(const Scope& scope) const {
  std::string out;
  out.reserve(impl_->literal_bytes + 16 * impl_->exprs.size());
  NEXTRA_TRY(render_to(scope, &out));
  return out;
}

Result<Value> Template::render_typed(const Scope& scope) const {
  if (!impl_->single) {
    auto s = render(scope);
    if (!s.ok()) return s.take_error();
    return Value(std::move(s).value());
  }
  Cell c;
  NEXTRA_TRY(eval_expr(impl_->exprs[0], scope, &c));
  switch (c.kind) {
    case Cell::Kind::Missing: return detail::missing_error(c, scope);
    case Cell::Kind::Text: return Value(std::string(c.text));
    case Cell::Kind::Ref: return *c.ref;
    case Cell::Kind::Own: return std::move(c.own);
  }
  return Value();
}

Status Template::eval(const Scope& scope, detail::Cell* out) const {
  return eval_expr(impl_->exprs[0], scope, out);
}

bool Template::single_expression() const { return impl_->single; }
bool Template::is_literal() const { return impl_->exprs.empty(); }
const std::string& Template::literal_text() const { return impl_->literal; }

const schema::TypeRef* Template::static_type() const {
  if (!impl_->single) return nullptr;
  const auto& e = impl_->exprs[0];
  return e.filters.empty() ? e.static_type : nullptr;
}

}  // namespace nextra::handlers
