#pragma once
// The `transform` handler kind: builds the next payload from the incoming one, one
// template per output field (flow::TransformSpec, docs/templates.md). Compiled once when
// the flow loads; apply() runs once per message and may be called from many threads.

#include <memory>
#include <string>

#include "core/result.h"
#include "flow/diagnostic.h"
#include "flow/organism.h"
#include "handlers/template.h"
#include "schema/value.h"

namespace nextra::handlers {

class CompiledTransform {
 public:
  // Checks the spec against the schema: the payload class exists, every named field exists
  // in it (once), every template compiles, paths resolve in `input_class` (when known, i.e.
  // non-null), and a single-path template's type fits its field (a list<LineItem> field
  // cannot take {{ names }} of type list<string>; a list, dict or record field needs a
  // single {{ expression }}). Every problem is appended to *diags (when non-null) as an
  // Error positioned at spec.field_pos[field] (template errors: that column + the offset in
  // the template, assuming the position is that of the value) or spec.pos, with `field`
  // relative to the listener ("transform.fields.total"); the caller prefixes the listener.
  // Returns the first problem as the error.
  // REQUIRES: `schema` is linked and outlives the result; input_class belongs to it.
  static Result<CompiledTransform> compile(const flow::TransformSpec& spec, const schema::Schema& schema,
                                           const schema::PayloadClass* input_class, flow::Diagnostics* diags);

  // Builds the output payload. Listed fields come from their templates, converted to the
  // field's type: scalars through schema::scalar_from_text (a single-expression template
  // whose value already has the type passes through unconverted); lists, dicts and records
  // from render_typed, checked with schema::check_value; optional fields are null when the
  // expression is null or renders as empty text. Unlisted fields are copied from `in` when
  // copy_matching and `in` has a same-named field of the same type, else zero.
  // Errors name the field: "building Invoice.total: 'abc' is not a decimal" (field = "total").
  // `scope.payload` is ignored: templates see `in`.
  Result<schema::PayloadPtr> apply(const schema::Payload& in, const Scope& scope) const;

  const std::string& to() const;
  bool respond() const;
  const schema::PayloadClass& output_class() const;

  struct Impl;

 private:
  std::shared_ptr<const Impl> impl_;
};

// True when the two types are the same (same kind, same element types, same class).
bool same_type(const schema::TypeRef& a, const schema::TypeRef& b);

}  // namespace nextra::handlers
