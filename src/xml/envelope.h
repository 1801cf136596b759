#pragma once
// The message envelope (xml-pipeline-semantics.md §1): namespaces, envelope.xsd, and the
// writer for the form the pump emits:
//   <?xml version='1.0' encoding='utf-8'?>
//   <message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>a</from>
//   <to>b</to><thread>UUID</thread></meta><Payload xmlns="">…</Payload></message>
// (one line in reality). Thread-safe.

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "xml/xsd.h"

namespace nextra::xml {

inline constexpr std::string_view kEnvelopeNamespace = "https://xml-pipeline.org/ns/envelope/v1";
inline constexpr std::string_view kSignatureNamespace = "https://xml-pipeline.org/ns/sig/v1";
inline constexpr std::string_view kPrivilegedNamespace = "https://xml-pipeline.org/privileged-msg";
inline constexpr std::string_view kXmlDeclaration = "<?xml version='1.0' encoding='utf-8'?>";

// envelope.xsd: target namespace = the envelope namespace, elementFormDefault qualified;
// message = meta (once), then one optional element of any namespace (lax); meta = from,
// optional to, thread (strings), then any number of elements from other namespaces (lax),
// e.g. a signature. No attributes anywhere.
std::string envelope_xsd();

// envelope_xsd() compiled once per process. Errors only if libxml2 rejects it (a bug).
Result<std::shared_ptr<const CompiledXsd>> envelope_schema();

// Appends a complete envelope. from/to/thread are escaped; an empty `to` omits <to>.
// `payload_xml` is a payload as payload_to_xml() writes it (root in no namespace, no XML
// declaration): ` xmlns=""` is added to its root start tag so that it does not inherit the
// envelope's default namespace. An empty `payload_xml` gives an envelope without payload.
void append_envelope(std::string_view from, std::string_view to, std::string_view thread,
                     std::string_view payload_xml, std::string& out);
std::string make_envelope(std::string_view from, std::string_view to, std::string_view thread,
                          std::string_view payload_xml);

}  // namespace nextra::xml
