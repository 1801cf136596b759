#include "handlers/transform.h"

#include <set>
#include <vector>

#include "handlers/compile_problem.h"
#include "schema/value_text.h"

namespace nextra::handlers {
namespace {

using schema::TypeKind;
using schema::Value;

bool is_scalar(TypeKind k) {
  return k == TypeKind::String || k == TypeKind::Int || k == TypeKind::Decimal || k == TypeKind::Bool;
}

// Whether a value of type `from` can end up in a field of type `to` at run time.
bool fits(const schema::TypeRef& to, const schema::TypeRef& from) {
  if (same_type(to, from)) return true;
  if (to.kind == TypeKind::Optional) {
    const schema::TypeRef& f = from.kind == TypeKind::Optional ? *from.element : from;
    return fits(*to.element, f);
  }
  if (is_scalar(to.kind)) {
    // Text conversion: anything renders as a string; scalars may parse as the target.
    const schema::TypeRef& f = from.kind == TypeKind::Optional ? *from.element : from;
    return to.kind == TypeKind::String || is_scalar(f.kind);
  }
  return false;
}

enum class Source : std::uint8_t { Template, Copy, CopyByName, Zero };

struct FieldPlan {
  Source source = Source::Zero;
  size_t field = 0;    // index in the output class
  int tmpl = -1;       // Source::Template
  int copy_from = -1;  // Source::Copy: index in the input class
  Value zero;
};


}  // namespace

bool same_type(const schema::TypeRef& a, const schema::TypeRef& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case TypeKind::List:
    case TypeKind::Optional:
      return a.element && b.element && same_type(*a.element, *b.element);
    case TypeKind::Class:
      return a.cls && b.cls ? a.cls == b.cls : a.class_name == b.class_name;
    default:
      return true;
  }
}

struct CompiledTransform::Impl {
  const schema::PayloadClass* out_cls = nullptr;
  const schema::PayloadClass* in_cls = nullptr;
  std::string to;
  bool respond = false;
  std::vector<Template> templates;
  std::vector<FieldPlan> plans;

  Error field_error(size_t field, const Error& cause) const {
    const auto& f = out_cls->fields[field];
    Error e = Error::make(cause.code, "building " + out_cls->name + "." + f.name + ": " + cause.message);
    e.field = f.name;
    return e;
  }

  Result<Value> build(const FieldPlan& p, const Scope& s) const {
    const schema::TypeRef& type = out_cls->fields[p.field].type;
    const Template& t = templates[static_cast<size_t>(p.tmpl)];
    bool optional = type.kind == TypeKind::Optional;
    const schema::TypeRef& target = optional ? *type.element : type;
    if (!is_scalar(target.kind)) {
      auto v = t.render_typed(s);
      if (!v.ok()) return field_error(p.field, v.error());
      if (optional && v->is_null()) return Value();
      auto st = schema::check_value(type, *v, out_cls->name + "." + out_cls->fields[p.field].name);
      if (!st.ok()) return field_error(p.field, Error::make(ErrorCode::SchemaViolation, "the value does not fit: " + st.error().message));
      return std::move(v).value();
    }
    std::string text;
    if (t.single_expression()) {
      auto v = t.render_typed(s);
      if (!v.ok()) return field_error(p.field, v.error());
      if (v->is_null()) {
        if (optional) return Value();
      } else {
        switch (target.kind) {
          case TypeKind::String:
            if (v->is<std::string>()) return std::move(v).value();
            break;
          case TypeKind::Int:
            if (v->is<std::int64_t>()) return std::move(v).value();
            break;
          case TypeKind::Decimal:
            if (v->is<schema::Decimal>()) return std::move(v).value();
            break;
          case TypeKind::Bool:
            if (v->is<bool>()) return std::move(v).value();
            break;
          default:
            break;
        }
      }
      append_text(*v, text);
    } else {
      auto r = t.render(s);
      if (!r.ok()) return field_error(p.field, r.error());
      text = std::move(r).value();
    }
    if (optional && text.empty()) return Value();
    if (target.kind == TypeKind::String) return Value(std::move(text));
    auto v = schema::scalar_from_text(target, text);
    if (!v.ok()) return field_error(p.field, v.error());
    return std::move(v).value();
  }
};

Result<CompiledTransform> CompiledTransform::compile(const flow::TransformSpec& spec, const schema::Schema& schema,
                                                     const schema::PayloadClass* input_class, flow::Diagnostics* diags) {
  std::vector<Error> errors;
  auto impl = std::make_shared<Impl>();
  impl->to = spec.to;
  impl->respond = spec.respond;
  impl->in_cls = input_class;
  impl->out_cls = schema.find(spec.payload);
  if (!impl->out_cls) {
    note_problem(diags, &errors, spec.pos, "transform.payload",
         spec.payload.empty() ? "transform needs a payload class to build" : "unknown payload class '" + spec.payload + "' in transform");
    return errors.front();
  }
  const auto& out = *impl->out_cls;
  auto pos_of = [&](const std::string& name) {
    auto it = spec.field_pos.find(name);
    return it != spec.field_pos.end() ? it->second : spec.pos;
  };

  std::vector<int> tmpl_of(out.fields.size(), -1);
  std::set<std::string> seen;
  for (const auto& [name, text] : spec.fields) {
    flow::SourcePos pos = pos_of(name);
    std::string path = "transform.fields." + name;
    if (!seen.insert(name).second) {
      note_problem(diags, &errors, pos, path, "field '" + name + "' is set twice");
      continue;
    }
    int idx = out.field_index(name);
    if (idx < 0) {
      note_problem(diags, &errors, pos, path, "payload class '" + out.name + "' has no field '" + name + "'");
      continue;
    }
    const auto& field = out.fields[static_cast<size_t>(idx)];
    auto t = Template::compile(text, input_class);
    if (!t.ok()) {
      const Error& e = t.error();
      flow::SourcePos at = pos;
      // Point into the value when the error is on its first line.
      if (e.column > 0 && pos.column > 0 && text.substr(0, static_cast<size_t>(e.column - 1)).find('\n') == std::string::npos) {
        at.column = pos.column + e.column - 1;
      }
      note_problem(diags, &errors, at, path, "template for field '" + name + "': " + e.message);
      continue;
    }
    const schema::TypeRef& ft = field.type;
    const schema::TypeRef& target = ft.kind == TypeKind::Optional ? *ft.element : ft;
    if (!is_scalar(target.kind) && !t->single_expression()) {
      note_problem(diags, &errors, pos, path,
           "field '" + name + "' is " + ft.spelling() + ": its template must be a single {{ expression }} such as {{ " + name +
               " }} (text cannot become a " + ft.spelling() + ")");
      continue;
    }
    if (const schema::TypeRef* st = t->static_type(); st && !fits(ft, *st)) {
      note_problem(diags, &errors, pos, path, "field '" + name + "' is " + ft.spelling() + " but " + text + " is " + st->spelling());
      continue;
    }
    tmpl_of[static_cast<size_t>(idx)] = static_cast<int>(impl->templates.size());
    impl->templates.push_back(std::move(t).value());
  }
  if (!errors.empty()) return errors.front();

  for (size_t i = 0; i < out.fields.size(); ++i) {
    FieldPlan p;
    p.field = i;
    const auto& f = out.fields[i];
    if (tmpl_of[i] >= 0) {
      p.source = Source::Template;
      p.tmpl = tmpl_of[i];
    } else if (spec.copy_matching && !input_class) {
      p.source = Source::CopyByName;
      p.zero = schema::zero_value(f.type);
    } else if (spec.copy_matching && input_class) {
      int j = input_class->field_index(f.name);
      if (j >= 0 && same_type(input_class->fields[static_cast<size_t>(j)].type, f.type)) {
        p.source = Source::Copy;
        p.copy_from = j;
      }
      p.zero = schema::zero_value(f.type);
    } else {
      p.zero = schema::zero_value(f.type);
    }
    impl->plans.push_back(std::move(p));
  }
  CompiledTransform ct;
  ct.impl_ = std::move(impl);
  return ct;
}

Result<schema::PayloadPtr> CompiledTransform::apply(const schema::Payload& in, const Scope& scope) const {
  const Impl& m = *impl_;
  Scope s = scope;
  s.payload = &in.record;
  schema::Payload out;
  out.record.cls = m.out_cls;
  out.record.fields.reserve(m.plans.size());
  for (const auto& p : m.plans) {
    switch (p.source) {
      case Source::Template: {
        auto v = m.build(p, s);
        if (!v.ok()) return v.take_error();
        out.record.fields.push_back(std::move(v).value());
        break;
      }
      case Source::Copy:
        if (in.record.cls == m.in_cls && static_cast<size_t>(p.copy_from) < in.record.fields.size()) {
          out.record.fields.push_back(in.record.fields[static_cast<size_t>(p.copy_from)]);
          break;
        }
        [[fallthrough]];  // a payload of another class than declared: match by name
      case Source::CopyByName: {
        const auto& f = m.out_cls->fields[p.field];
        const Value* src = nullptr;
        if (in.record.cls) {
          int j = in.record.cls->field_index(f.name);
          if (j >= 0 && static_cast<size_t>(j) < in.record.fields.size() &&
              same_type(in.record.cls->fields[static_cast<size_t>(j)].type, f.type)) {
            src = &in.record.fields[static_cast<size_t>(j)];
          }
        }
        out.record.fields.push_back(src ? *src : p.zero);
        break;
      }
      case Source::Zero:
        out.record.fields.push_back(p.zero);
        break;
    }
  }
  return std::make_shared<const schema::Payload>(std::move(out));
}

const std::string& CompiledTransform::to() const { return impl_->to; }
bool CompiledTransform::respond() const { return impl_->respond; }
const schema::PayloadClass& CompiledTransform::output_class() const { return *impl_->out_cls; }

}  // namespace nextra::handlers
