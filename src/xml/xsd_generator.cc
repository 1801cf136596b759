#include "xml/xsd_generator.h"

#include <set>
#include <vector>

namespace nextra::xml {
namespace {

using schema::PayloadClass;
using schema::TypeKind;
using schema::TypeRef;

void collect(const PayloadClass& cls, std::set<const PayloadClass*>& seen, std::vector<const PayloadClass*>& order);

void collect_type(const TypeRef& t, std::set<const PayloadClass*>& seen, std::vector<const PayloadClass*>& order) {
  if (t.kind == TypeKind::Class && t.cls != nullptr) collect(*t.cls, seen, order);
  if (t.element) collect_type(*t.element, seen, order);
}

// Post-order: a class is emitted after every class it uses. Schema::link() has already
// rejected cycles; `seen` is inserted before recursing so a cycle could not loop anyway.
void collect(const PayloadClass& cls, std::set<const PayloadClass*>& seen, std::vector<const PayloadClass*>& order) {
  if (!seen.insert(&cls).second) return;
  for (const auto& f : cls.fields) collect_type(f.type, seen, order);
  order.push_back(&cls);
}

const char* scalar_type(TypeKind k) {
  switch (k) {
    case TypeKind::String: return "xs:string";
    case TypeKind::Int: return "xs:integer";
    case TypeKind::Decimal: return "xs:decimal";
    case TypeKind::Bool: return "xs:boolean";
    default: return nullptr;
  }
}

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void line(int depth, std::string_view text) {
    out_.append(static_cast<size_t>(depth) * 2, ' ');
    out_ += text;
    out_ += '\n';
  }

  // One element declaration named `name` whose content is of type `t`.
  void element(int depth, const std::string& name, const TypeRef& t, std::string_view occurs) {
    std::string head = "<xs:element name=\"" + name + "\"";
    if (const char* s = scalar_type(t.kind)) {
      line(depth, head + " type=\"" + s + "\"" + std::string(occurs) + "/>");
      return;
    }
    if (t.kind == TypeKind::Class) {
      line(depth, head + " type=\"" + t.class_name + "\"" + std::string(occurs) + "/>");
      return;
    }
    line(depth, head + std::string(occurs) + ">");
    line(depth + 1, "<xs:complexType>");
    line(depth + 2, "<xs:sequence>");
    switch (t.kind) {
      case TypeKind::List:
        element(depth + 3, t.element->wire_item_name(), *t.element, R"( minOccurs="0" maxOccurs="unbounded")");
        break;
      case TypeKind::Optional:
        element(depth + 3, t.element->wire_item_name(), *t.element, R"( minOccurs="0")");
        break;
      case TypeKind::Dict:
        line(depth + 3, R"(<xs:element name="Item" minOccurs="0" maxOccurs="unbounded">)");
        line(depth + 4, "<xs:complexType>");
        line(depth + 5, "<xs:sequence>");
        line(depth + 6, R"(<xs:element name="Key" type="xs:string"/>)");
        line(depth + 6, R"(<xs:element name="Val" type="xs:string"/>)");
        line(depth + 5, "</xs:sequence>");
        line(depth + 4, "</xs:complexType>");
        line(depth + 3, "</xs:element>");
        break;
      default:
        break;
    }
    line(depth + 2, "</xs:sequence>");
    line(depth + 1, "</xs:complexType>");
    line(depth, "</xs:element>");
  }

 private:
  std::string& out_;
};

}  // namespace

std::string generate_xsd(const PayloadClass& root) {
  std::set<const PayloadClass*> seen;
  std::vector<const PayloadClass*> order;
  collect(root, seen, order);

  std::string out;
  out.reserve(512 + 256 * order.size());
  Writer w(out);
  w.line(0, R"(<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">)");
  for (const auto* cls : order) {
    w.line(1, "<xs:complexType name=\"" + cls->name + "\">");
    w.line(2, "<xs:sequence>");
    for (const auto& f : cls->fields) w.element(3, f.xml_name, f.type, "");
    w.line(2, "</xs:sequence>");
    w.line(1, "</xs:complexType>");
  }
  w.line(1, "<xs:element name=\"" + root.name + "\" type=\"" + root.name + "\"/>");
  w.line(0, "</xs:schema>");
  return out;
}

}  // namespace nextra::xml
