#include "ingress/steps.h"

#include <memory>

#include "core/uuid.h"
#include "xml/c14n.h"
#include "xml/envelope.h"
#include "xml/payload_codec.h"

namespace nextra::ingress {
namespace {

Status fail(MessageState& state, Error error) {
  state.error = error;
  return error;
}

std::string_view trim(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

bool is_envelope(xml::ElementRef e, std::string_view local_name) {
  return e.local_name() == local_name && e.namespace_uri() == xml::kEnvelopeNamespace;
}

xml::ElementRef find_child(xml::ElementRef parent, std::string_view local_name) {
  for (auto c = parent.first_child(); c; c = c.next_sibling()) {
    if (is_envelope(c, local_name)) return c;
  }
  return {};
}

// Diagnostics end up in logs and traces; an attacker-chosen thread id must not flood them.
std::string clip_for_log(std::string_view v) {
  constexpr size_t kMax = 100;
  if (v.size() <= kMax) return std::string(v);
  size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
  return std::string(v.substr(0, cut)) + "\xE2\x80\xA6";
}

Error with_prefix(std::string prefix, Error e) {
  e.message = std::move(prefix) + e.message;
  return e;
}

}  // namespace

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Status repair_step(MessageState& state, const xml::ParseLimits& limits) {
  if (state.error) return *state.error;
  if (state.raw_bytes.empty()) {
    return fail(state, Error::make(ErrorCode::MalformedXml, "repair_step: no raw_bytes available"));
  }
  auto doc = xml::parse(state.raw_bytes, /*recover=*/true, limits);
  if (!doc.ok()) return fail(state, with_prefix("repair_step failed: ", doc.take_error()));
  state.document = std::move(doc).value();
  state.raw_bytes = {};
  if (!state.document.repairs().empty()) {
    const Error& first = state.document.repairs().front();
    state.diagnostics.push_back("Input was not well-formed XML and was repaired (" +
                                std::to_string(state.document.repair_count()) + " problem(s); first at line " +
                                std::to_string(first.line) + ", column " + std::to_string(first.column) +
                                ": " + clip_for_log(first.message) + ")");
  }
  return {};
}

Status c14n_step(MessageState& state, const xml::ParseLimits& limits) {
  if (state.error) return *state.error;
  if (state.document.empty()) {
    return fail(state, Error::make(ErrorCode::MalformedXml, "c14n_step: no envelope_tree available"));
  }
  auto canonical = xml::exclusive_c14n(state.document);
  if (!canonical.ok()) return fail(state, with_prefix("c14n_step failed: ", canonical.take_error()));
  // Strict: canonical output of a tree we just built must be well-formed; if it is not,
  // something is badly wrong and the message must not go on.
  auto doc = xml::parse(*canonical, /*recover=*/false, limits);
  if (!doc.ok()) return fail(state, with_prefix("c14n_step failed: ", doc.take_error()));
  state.document = std::move(doc).value();
  return {};
}

Status envelope_validation_step(MessageState& state, const xml::CompiledXsd& envelope_xsd) {
  if (state.error) return *state.error;
  if (state.document.empty()) {
    return fail(state, Error::make(ErrorCode::SchemaViolation, "envelope_validation_step: no envelope_tree available"));
  }
  auto root = state.document.root();
  if (!is_envelope(root, "message")) {
    Error e = Error::make(ErrorCode::SchemaViolation,
                          "envelope_validation_step: invalid envelope\nERROR: root element is {" +
                              std::string(root.namespace_uri()) + "}" + std::string(root.local_name()) +
                              ", expected {" + std::string(xml::kEnvelopeNamespace) + "}message (line " +
                              std::to_string(root.line()) + ")");
    e.line = root.line();
    return fail(state, std::move(e));
  }
  auto st = envelope_xsd.validate(state.document);
  if (!st.ok()) return fail(state, with_prefix("envelope_validation_step: invalid envelope\n", st.take_error()));
  return {};
}

Status payload_extraction_step(MessageState& state) {
  if (state.error) return *state.error;
  auto schema_error = [&](std::string msg) { return fail(state, Error::make(ErrorCode::SchemaViolation, std::move(msg))); };
  auto root = state.document.root();
  auto meta = find_child(root, "meta");
  if (!meta) return schema_error("missing <meta> block");

  auto from = find_child(meta, "from");
  std::string from_text = from ? std::string(trim(from.text())) : std::string();
  if (from_text.empty()) return schema_error("missing <from> in <meta>");
  auto thread = find_child(meta, "thread");
  if (!thread) return schema_error("missing <thread> in <meta>");
  auto to = find_child(meta, "to");

  xml::ElementRef payload;
  size_t payloads = 0;
  for (auto c = root.first_child(); c; c = c.next_sibling()) {
    if (is_envelope(c, "meta")) continue;
    if (payloads++ == 0) payload = c;
  }
  if (payloads == 0) return schema_error("no payload element found");
  if (payloads > 1) return schema_error("multiple payload roots found");

  state.from = std::move(from_text);
  state.to = to ? std::string(trim(to.text())) : std::string();
  state.thread = std::string(trim(thread.text()));
  state.payload_element = payload;
  return {};
}

Status thread_assignment_step(MessageState& state) {
  if (state.error) return *state.error;
  if (is_canonical_uuid(state.thread)) return {};
  state.diagnostics.push_back("Invalid external thread ID '" + clip_for_log(state.thread) +
                              "' \xE2\x80\x94 replaced with new root thread");
  state.thread = new_uuid_v4();
  return {};
}

Status payload_validation_step(MessageState& state, const RouteLookup& route, const xml::XsdCache& xsds) {
  if (state.error) return *state.error;
  if (!state.payload_element) {
    return fail(state, Error::make(ErrorCode::SchemaViolation, "no payload element found"));
  }
  // decisions.md §2 fixes the library's defects: there, a missing <to> yields the lookup key
  // "<root>" that can never match, so the message dies as "No listener for: greeting". We
  // say what is actually wrong instead.
  if (state.to.empty()) {
    return fail(state, Error::make(ErrorCode::NotFound, "missing <to> in <meta>: the pump needs a target"));
  }
  std::string to = ascii_lower(state.to);
  std::string_view root = state.payload_element.local_name();
  const schema::PayloadClass* cls = route ? route(to, root) : nullptr;
  if (cls == nullptr) {
    return fail(state, Error::make(ErrorCode::NotFound, "No listener for: " + to + "." + ascii_lower(root)));
  }
  // The XSD cache is keyed by class address; a class from another schema could outlive
  // its address and alias a different class later.
  if (xsds.schema().find(cls->name) != cls) {
    return fail(state, Error::make(ErrorCode::Internal, "route returned payload class '" + cls->name +
                                                            "' that is not part of the pipeline's schema"));
  }
  auto xsd = xsds.get(*cls);
  if (!xsd.ok()) return fail(state, xsd.take_error());
  auto valid = (*xsd)->validate_element(state.payload_element);
  if (!valid.ok()) return fail(state, with_prefix("XSD validation failed: ", valid.take_error()));
  auto payload = xml::payload_from_node(state.payload_element, *cls);
  if (!payload.ok()) return fail(state, with_prefix("Deserialization failed: ", payload.take_error()));
  state.payload_class = cls;
  state.payload = std::make_shared<const schema::Payload>(std::move(payload).value());
  return {};
}

}  // namespace nextra::ingress
