#pragma once
// The template language of `transform` fields and `branch` rule values (docs/templates.md):
// text with {{ expression }} holes, an expression being a path into the incoming payload
// (or a context variable) followed by `| filter:arg` steps.
//
// A Template is compiled once when a flow loads and rendered once per message; it is
// immutable after compile() and may be rendered from any number of threads at once
// (copies share the compiled form).

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "schema/value.h"

namespace nextra::handlers {

// What a template can see while rendering one message. Nothing here is owned: every
// pointer and view must outlive the render call.
struct Scope {
  const schema::Record* payload = nullptr;  // the incoming payload; its class is `_class`
  std::string_view from;    // `_from`: the sender of the incoming message
  std::string_view thread;  // `_thread`: the thread id
  std::string_view self;    // `_self`: the name of the listener doing the work
};

namespace detail {
struct TemplateImpl;
struct Cell;
}  // namespace detail

class Template {
 public:
  // Limits, enforced by compile() and render().
  static constexpr size_t kMaxText = 64 * 1024;
  static constexpr size_t kMaxHoles = 256;
  static constexpr size_t kMaxFilters = 16;
  static constexpr size_t kMaxPathSteps = 32;
  static constexpr std::int64_t kMaxIndex = 1000000;
  static constexpr size_t kMaxOutput = 1024 * 1024;

  // Compiles `text`. Errors (InvalidArgument; ResourceExhausted for limits) carry the
  // 1-based column of the offending character within `text` (a byte offset + 1, also for
  // multi-line text) in Error::column and in the message.
  //
  // With `input_class`, every path is checked against it now ("field 'x' not found in
  // Greeting" at load time instead of at the first message), except in holes that end in
  // a `default` filter, and field positions are resolved so render() does no name
  // lookups. Rendering still works (by name) for payloads of another class.
  // REQUIRES: input_class, when given, belongs to a linked Schema that outlives the Template.
  static Result<Template> compile(std::string_view text, const schema::PayloadClass* input_class = nullptr);

  // Compiles a bare expression such as `items.0.sku | lower` (no braces): a template that
  // is exactly one hole. Used for branch rule fields. Columns are within `expression`.
  static Result<Template> compile_expression(std::string_view expression,
                                             const schema::PayloadClass* input_class = nullptr);

  // Renders to text. Errors: NotFound for a path that does not resolve ("field 'x' not
  // found in Greeting"), InvalidArgument for a filter applied to the wrong kind of value,
  // ResourceExhausted when the output would pass kMaxOutput. Error::field = the path.
  Result<std::string> render(const Scope& scope) const;
  // Same, appending to *out (which also counts towards kMaxOutput).
  Status render_to(const Scope& scope, std::string* out) const;

  // For a template that is exactly one hole (single_expression()), the typed value of the
  // expression, so a list or record passes through without a text round trip. For any
  // other template, the rendered text as a string value.
  Result<schema::Value> render_typed(const Scope& scope) const;

  // True when the whole text is one hole, e.g. "{{ items }}" (no text around it).
  bool single_expression() const;
  // True when the text has no holes; literal_text() is then the whole output.
  bool is_literal() const;
  const std::string& literal_text() const;
  // For a single hole that is a plain path (no filters) checked against an input class,
  // the declared type of what it refers to (a context variable is a string); else null.
  // Points into the Schema.
  const schema::TypeRef* static_type() const;

  // Evaluates the single expression without copying the value (for branch rules).
  // *out is Missing (no error) when the path does not resolve; errors as for render().
  // REQUIRES: single_expression().
  Status eval(const Scope& scope, detail::Cell* out) const;

 private:
  Template() = default;
  std::shared_ptr<const detail::TemplateImpl> impl_;
};

}  // namespace nextra::handlers
