#include "handlers/branch.h"

#include <optional>
#include <vector>

#include "handlers/compile_problem.h"
#include "handlers/number.h"
#include "handlers/regex.h"
#include "handlers/template_internal.h"
#include "handlers/transform.h"
#include "schema/value_text.h"

namespace nextra::handlers {
namespace {

using detail::Cell;
using flow::BranchOp;
using schema::Value;

const char* op_name(BranchOp op) {
  switch (op) {
    case BranchOp::Equals: return "equals";
    case BranchOp::NotEquals: return "not_equals";
    case BranchOp::Contains: return "contains";
    case BranchOp::Matches: return "matches";
    case BranchOp::Lt: return "lt";
    case BranchOp::Lte: return "lte";
    case BranchOp::Gt: return "gt";
    case BranchOp::Gte: return "gte";
    case BranchOp::Exists: return "exists";
    case BranchOp::Always: return "always";
  }
  return "?";
}

bool is_ordering(BranchOp op) {
  return op == BranchOp::Lt || op == BranchOp::Lte || op == BranchOp::Gt || op == BranchOp::Gte;
}

struct Rule {
  BranchOp op = BranchOp::Always;
  std::optional<Template> field;
  std::string field_text;
  std::optional<Template> value;          // not for matches / exists / always
  std::optional<num::Comparable> literal_number;  // value is literal text holding a number
  std::optional<Regex> regex;
  std::optional<CompiledTransform> transform;
  std::string to;
  bool respond = false;
  std::string label;  // "branch rule 2" / "branch default", for errors
};

// The text of a present cell, as a view when it is already text.
std::string_view cell_text(const Cell& c, std::string* buf) {
  std::string_view sv;
  if (c.string_view_of(&sv)) return sv;
  detail::append_cell_text(c, *buf);
  return *buf;
}

bool texts_equal(std::string_view a, std::string_view b, const std::optional<num::Comparable>& bn) {
  if (a == b) return true;
  if (!bn) return false;
  auto an = num::comparable(a);
  return an && num::compare(*an, *bn) == 0;
}

}  // namespace

struct CompiledBranch::Impl {
  std::vector<Rule> rules;
  std::optional<Rule> otherwise;

  // Whether `r` holds for `in`; errors for bad comparisons.
  Result<bool> holds(const Rule& r, const Scope& s) const {
    if (r.op == BranchOp::Always || !r.field) return true;
    Cell c;
    NEXTRA_TRY(r.field->eval(s, &c));
    if (c.missing()) return false;
    if (r.op == BranchOp::Exists) {
      std::string_view sv;
      if (c.string_view_of(&sv)) return !sv.empty();
      const Value& v = c.value();
      if (v.is_null()) return false;
      if (v.is<schema::List>()) return !v.as<schema::List>().empty();
      if (v.is<schema::Dict>()) return !v.as<schema::Dict>().empty();
      return true;
    }
    std::string buf;
    if (r.op == BranchOp::Matches) {
      std::string_view text = cell_text(c, &buf);
      if (text.size() > kMaxRegexInput) {
        Error e = Error::invalid(r.label + ": value too long for a regex rule (" + std::to_string(text.size()) +
                                 " bytes; the limit is 65536)");
        e.field = r.field_text;
        return e;
      }
      return r.regex->search(text);
    }
    // The right-hand side: literal text compiled once, or rendered per message.
    std::string rendered;
    std::string_view rhs;
    std::optional<num::Comparable> rhs_num;
    if (r.value->is_literal()) {
      rhs = r.value->literal_text();
      rhs_num = r.literal_number;
    } else {
      NEXTRA_TRY(r.value->render_to(s, &rendered));
      rhs = rendered;
      rhs_num = num::comparable(rhs);
    }
    switch (r.op) {
      case BranchOp::Equals:
      case BranchOp::NotEquals: {
        bool eq = texts_equal(cell_text(c, &buf), rhs, rhs_num);
        return r.op == BranchOp::Equals ? eq : !eq;
      }
      case BranchOp::Contains: {
        if (c.kind != Cell::Kind::Text) {
          const Value& v = c.value();
          if (v.is<schema::List>()) {
            std::string item;
            for (const auto& e : v.as<schema::List>()) {
              item.clear();
              std::string_view t;
              if (e.is<std::string>()) t = e.as<std::string>();
              else { append_text(e, item); t = item; }
              if (texts_equal(t, rhs, rhs_num)) return true;
            }
            return false;
          }
          if (v.is<schema::Dict>()) {
            for (const auto& kv : v.as<schema::Dict>()) {
              if (kv.first == rhs) return true;
            }
            return false;
          }
        }
        return cell_text(c, &buf).find(rhs) != std::string_view::npos;
      }
      default: {
        std::optional<num::Comparable> lhs;
        if (c.kind == Cell::Kind::Text) lhs = num::comparable(c.text);
        else lhs = num::comparable_value(c.value());
        if (!lhs) {
          std::string shown(cell_text(c, &buf).substr(0, 60));
          Error e = Error::invalid(r.label + ": field '" + r.field_text + "' is '" + shown + "', not a number (" +
                                   op_name(r.op) + " compares numbers)");
          e.field = r.field_text;
          return e;
        }
        if (!rhs_num) {
          Error e = Error::invalid(r.label + ": the value '" + std::string(rhs.substr(0, 60)) + "' to compare '" +
                                   r.field_text + "' with is not a number");
          e.field = r.field_text;
          return e;
        }
        int cmp = num::compare(*lhs, *rhs_num);
        switch (r.op) {
          case BranchOp::Lt: return cmp < 0;
          case BranchOp::Lte: return cmp <= 0;
          case BranchOp::Gt: return cmp > 0;
          default: return cmp >= 0;
        }
      }
    }
  }

  Result<BranchDecision> take(const Rule& r, int index, const schema::PayloadPtr& in, const Scope& s) const {
    BranchDecision d;
    d.to = r.to;
    d.respond = r.respond;
    d.rule_index = index;
    if (r.transform) {
      auto p = r.transform->apply(*in, s);
      if (!p.ok()) {
        Error e = p.take_error();
        e.message = r.label + ": " + e.message;
        return e;
      }
      d.payload = std::move(p).value();
    } else {
      d.payload = in;
    }
    return d;
  }
};

namespace {

class RuleCompiler {
 public:
  RuleCompiler(const schema::Schema& schema, const schema::PayloadClass* input, flow::Diagnostics* diags)
      : schema_(schema), input_(input), diags_(diags) {}

  std::optional<Rule> compile(const flow::BranchRule& spec, const std::string& path, const std::string& label,
                              bool is_default) {
    Rule r;
    r.op = is_default ? BranchOp::Always : spec.op;
    r.to = spec.to;
    r.respond = spec.respond;
    r.label = label;
    r.field_text = spec.field;
    size_t before = errors.size();
    if (r.op != BranchOp::Always) {
      if (spec.field.empty()) {
        note(spec.pos, path + ".field", label + ": '" + op_name(r.op) + "' needs a field to test");
      } else {
        auto f = Template::compile_expression(spec.field, input_);
        if (!f.ok()) note(spec.pos, path + ".field", label + ": field '" + spec.field + "': " + f.error().message);
        else r.field = std::move(f).value();
      }
    }
    if (r.op == BranchOp::Matches) {
      auto re = Regex::compile(spec.value);
      if (!re.ok()) note(spec.pos, path + ".value", label + ": " + re.error().message);
      else r.regex = std::move(re).value();
    } else if (r.op != BranchOp::Always && r.op != BranchOp::Exists) {
      auto v = Template::compile(spec.value, input_);
      if (!v.ok()) {
        note(spec.pos, path + ".value", label + ": value: " + v.error().message);
      } else {
        if (v->is_literal()) {
          r.literal_number = num::comparable(v->literal_text());
          if (is_ordering(r.op) && !r.literal_number) {
            note(spec.pos, path + ".value",
                 label + ": " + op_name(r.op) + " compares numbers, and '" + spec.value + "' is not a number");
          }
        }
        r.value = std::move(v).value();
      }
    }
    if (spec.transform) {
      flow::Diagnostics td;
      auto t = CompiledTransform::compile(*spec.transform, schema_, input_, diags_ ? &td : nullptr);
      for (auto& d : td) {
        d.field = path + "." + d.field;
        diags_->push_back(std::move(d));
      }
      if (!t.ok()) {
        Error e = t.take_error();
        e.message = label + ": " + e.message;
        errors.push_back(std::move(e));
      } else {
        if (r.to.empty()) r.to = t->to();
        r.respond = r.respond || t->respond();
        r.transform = std::move(t).value();
      }
    }
    if (errors.size() != before) return std::nullopt;
    return r;
  }

  std::vector<Error> errors;

 private:
  void note(flow::SourcePos pos, std::string field, std::string msg) {
    note_problem(diags_, &errors, pos, std::move(field), std::move(msg));
  }

  const schema::Schema& schema_;
  const schema::PayloadClass* input_;
  flow::Diagnostics* diags_;
};

}  // namespace

Result<CompiledBranch> CompiledBranch::compile(const flow::BranchSpec& spec, const schema::Schema& schema,
                                               const schema::PayloadClass* input_class, flow::Diagnostics* diags) {
  RuleCompiler rc(schema, input_class, diags);
  auto impl = std::make_shared<Impl>();
  for (size_t i = 0; i < spec.rules.size(); ++i) {
    auto r = rc.compile(spec.rules[i], "branch.rules[" + std::to_string(i) + "]", "branch rule " + std::to_string(i + 1), false);
    if (r) impl->rules.push_back(std::move(*r));
  }
  if (spec.otherwise) {
    auto r = rc.compile(*spec.otherwise, "branch.default", "branch default", true);
    if (r) impl->otherwise = std::move(*r);
  }
  if (!rc.errors.empty()) return rc.errors.front();
  CompiledBranch b;
  b.impl_ = std::move(impl);
  return b;
}

Result<BranchDecision> CompiledBranch::decide(const schema::PayloadPtr& in, const Scope& scope) const {
  const Impl& m = *impl_;
  Scope s = scope;
  s.payload = &in->record;
  for (size_t i = 0; i < m.rules.size(); ++i) {
    auto h = m.holds(m.rules[i], s);
    if (!h.ok()) return h.take_error();
    if (*h) return m.take(m.rules[i], static_cast<int>(i), in, s);
  }
  if (m.otherwise) return m.take(*m.otherwise, -1, in, s);
  return Error::make(ErrorCode::NotFound, "no branch rule matched and there is no default");
}

}  // namespace nextra::handlers
