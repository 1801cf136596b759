#include "xml/envelope.h"

#include "xml/escape.h"

namespace nextra::xml {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

void append_payload_without_default_ns(std::string_view payload, std::string& out) {
  // Tolerate a payload serialised as a document of its own: drop its XML declaration.
  if (payload.substr(0, 5) == "<?xml") {
    size_t end = payload.find("?>");
    payload = end == std::string_view::npos ? std::string_view() : payload.substr(end + 2);
  }
  size_t start = 0;
  while (start < payload.size() && is_space(payload[start])) ++start;
  if (start + 1 >= payload.size() || payload[start] != '<') {
    out += payload;
    return;
  }
  size_t name_end = start + 1;
  while (name_end < payload.size() && !is_space(payload[name_end]) && payload[name_end] != '/' &&
         payload[name_end] != '>') {
    ++name_end;
  }
  // A root that already declares its default namespace keeps it (a second xmlns would make
  // the document ill-formed).
  size_t tag_end = payload.find('>', name_end);
  std::string_view start_tag = payload.substr(name_end, tag_end == std::string_view::npos ? std::string_view::npos
                                                                                           : tag_end - name_end);
  bool declares_default = start_tag.find("xmlns=") != std::string_view::npos ||
                          start_tag.find("xmlns =") != std::string_view::npos;
  out.append(payload.data() + start, name_end - start);
  if (!declares_default) out += " xmlns=\"\"";
  out.append(payload.data() + name_end, payload.size() - name_end);
}

}  // namespace

std::string envelope_xsd() {
  std::string ns(kEnvelopeNamespace);
  return R"(<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace=")" + ns +
         R"(" xmlns:env=")" + ns + R"(" elementFormDefault="qualified">
  <xs:element name="message">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="meta" type="env:Meta"/>
        <xs:any namespace="##any" processContents="lax" minOccurs="0" maxOccurs="1"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:complexType name="Meta">
    <xs:sequence>
      <xs:element name="from" type="xs:string"/>
      <xs:element name="to" type="xs:string" minOccurs="0"/>
      <xs:element name="thread" type="xs:string"/>
      <xs:any namespace="##other" processContents="lax" minOccurs="0" maxOccurs="unbounded"/>
    </xs:sequence>
  </xs:complexType>
</xs:schema>
)";
}

Result<std::shared_ptr<const CompiledXsd>> envelope_schema() {
  static const auto compiled = CompiledXsd::compile(envelope_xsd());
  if (!compiled.ok()) return compiled.error();
  return compiled.value();
}

void append_envelope(std::string_view from, std::string_view to, std::string_view thread,
                     std::string_view payload_xml, std::string& out) {
  out.reserve(out.size() + 200 + from.size() + to.size() + thread.size() + payload_xml.size());
  out += kXmlDeclaration;
  out += "\n<message xmlns=\"";
  out += kEnvelopeNamespace;
  out += "\"><meta><from>";
  append_escaped_text(from, out);
  out += "</from>";
  if (!to.empty()) {
    out += "<to>";
    append_escaped_text(to, out);
    out += "</to>";
  }
  out += "<thread>";
  append_escaped_text(thread, out);
  out += "</thread></meta>";
  append_payload_without_default_ns(payload_xml, out);
  out += "</message>";
}

std::string make_envelope(std::string_view from, std::string_view to, std::string_view thread,
                          std::string_view payload_xml) {
  std::string out;
  append_envelope(from, to, thread, payload_xml, out);
  return out;
}

}  // namespace nextra::xml
