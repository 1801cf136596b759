#pragma once
// The compiled form of a Template and the value cell its evaluation passes between filters.
// Shared by template.cc and branch.cc only.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/number.h"
#include "handlers/template.h"

namespace nextra::handlers::detail {

enum class Root : std::uint8_t { Payload, From, Thread, Self, Class, Literal };

struct Step {
  std::string name;
  std::int64_t index = -1;                     // >= 0 when the step is all digits
  const schema::PayloadClass* cls = nullptr;   // set by binding: the class `field` indexes
  int field = -1;
  int column = 0;
};

enum class FilterKind : std::uint8_t {
  Upper, Lower, Trim, Length, Default, Add, Sub, Mul, Json, XmlEach, Split, Join, Replace, Truncate
};

struct Arg {
  bool is_number = false;
  std::string text;
  num::Number number;
  int column = 0;
};

struct Filter {
  FilterKind kind = FilterKind::Upper;
  std::string name;
  std::vector<Arg> args;
  std::string xml_field;  // xml_each with arguments: PascalCase of the field argument
  int column = 0;
};

struct Expr {
  Root root = Root::Payload;
  schema::Value literal;  // Root::Literal
  std::vector<Step> path;
  std::vector<Filter> filters;
  std::string path_text;
  int column = 0;
  bool has_default = false;
  const schema::TypeRef* static_type = nullptr;
};

struct Piece {
  std::string text;
  int expr = -1;  // >= 0: a hole
};

struct TemplateImpl {
  std::vector<Piece> pieces;
  std::vector<Expr> exprs;
  std::string literal;  // the whole text when there are no holes
  size_t literal_bytes = 0;
  bool single = false;
};

enum class Miss : std::uint8_t { None, NoField, PastEnd, NotIndex, NoKey, NullParent, NotContainer };

// A value between filters: borrowed from the payload (Ref), a view of text that outlives
// the render (Text: context variables, dict values, trimmed or truncated borrowed text),
// or owned (Own). Missing records where a path stopped, so the error can be built only
// when someone needs it.
struct Cell {
  enum class Kind : std::uint8_t { Missing, Ref, Text, Own };
  Kind kind = Kind::Missing;
  const schema::Value* ref = nullptr;
  std::string_view text;
  schema::Value own;
  Miss miss = Miss::None;
  int miss_step = 0;
  size_t miss_size = 0;
  const Expr* expr = nullptr;

  bool missing() const { return kind == Kind::Missing; }
  // Ref or Own; REQUIRES: kind is Ref or Own.
  const schema::Value& value() const { return kind == Kind::Ref ? *ref : own; }
  bool is_null() const { return (kind == Kind::Ref || kind == Kind::Own) && value().is_null(); }
  // The string the cell holds, when it holds one (Text, or a string value).
  bool string_view_of(std::string_view* out) const {
    if (kind == Kind::Text) { *out = text; return true; }
    if ((kind == Kind::Ref || kind == Kind::Own) && value().is<std::string>()) {
      *out = value().as<std::string>();
      return true;
    }
    return false;
  }
};

// Text of a present cell (strings as is, scalars canonical, containers as JSON).
void append_cell_text(const Cell& c, std::string& out);
// The error for a Missing cell: "field 'x' not found in Greeting".
Error missing_error(const Cell& c, const Scope& scope);

}  // namespace nextra::handlers::detail
