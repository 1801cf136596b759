#pragma once
// The ingress steps (xml-pipeline-semantics.md §2) for messages that arrive from outside
// as bytes: injections, `nextra run --inject FILE.xml`, webhooks. Each step is a plain
// function on a MessageState so tests can drive them one at a time; Pipeline::process runs
// them all in one pass with no per-step scheduling (performance-budget.md).
//
// Step contract: a step whose state already carries an error does nothing and returns
// that error; a failing step stores its error in `state.error` and returns it. Errors keep
// the library's texts and step prefixes so logs read the same. Thread-safety: a
// MessageState is confined to one thread; the shared inputs (XSDs, caches) are thread-safe.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "schema/value.h"
#include "xml/document.h"
#include "xml/xsd.h"
#include "xml/xsd_cache.h"

namespace nextra::ingress {

// The payload class a message would be delivered as, or nullptr if no listener takes it.
// Arguments: lower-case <to>, and the payload root's local name exactly as sent (the XSD
// check that follows is case-sensitive, routing is not).
using RouteLookup =
    std::function<const schema::PayloadClass*(std::string_view to, std::string_view root_name)>;

struct MessageState {
  // The bytes as received. Not owned: the caller keeps them alive until repair_step, which
  // clears this view once the tree exists.
  std::string_view raw_bytes;
  xml::Document document;          // the envelope tree (after c14n_step: the canonical one)
  std::string from;                // trimmed
  std::string to;                  // trimmed, as sent (may be empty)
  std::string thread;              // after thread_assignment_step: a canonical UUID
  xml::ElementRef payload_element; // points into `document`
  const schema::PayloadClass* payload_class = nullptr;
  schema::PayloadPtr payload;
  std::vector<std::string> diagnostics;  // non-fatal notes, in order
  std::optional<Error> error;
};

// 1. Recovering hardened parse of raw_bytes; clears raw_bytes. A repaired input adds a
// diagnostic. Errors: "repair_step: no raw_bytes available" (MalformedXml),
// "repair_step failed: …" (MalformedXml, or ResourceExhausted for size/depth/node limits).
Status repair_step(MessageState& state, const xml::ParseLimits& limits);

// 2. Exclusive C14N 1.0 without comments, then a strict re-parse of the canonical bytes.
// Errors: "c14n_step: no envelope_tree available", "c14n_step failed: …" (MalformedXml).
Status c14n_step(MessageState& state, const xml::ParseLimits& limits);

// 3. Root must be {envelope ns}message, then envelope.xsd. Errors (SchemaViolation):
// "envelope_validation_step: invalid envelope\n" + "LEVEL: msg (line N)" lines.
Status envelope_validation_step(MessageState& state, const xml::CompiledXsd& envelope_xsd);

// 4. Reads meta (from, optional to, thread) and finds the single payload element.
// Errors (SchemaViolation), exactly: "missing <meta> block", "missing <from> in <meta>",
// "missing <thread> in <meta>", "no payload element found", "multiple payload roots found".
Status payload_extraction_step(MessageState& state);

// 5. Keeps the thread id iff it is a canonical lower-case UUID; otherwise assigns a new
// UUID v4 and adds the diagnostic "Invalid external thread ID '<v>' — replaced with new
// root thread". Never fails.
Status thread_assignment_step(MessageState& state);

// 7. Looks up the payload class with `route`, validates the payload element against that
// class's XSD and decodes it into state.payload. Errors: "missing <to> in <meta>: the pump
// needs a target" (NotFound), "No listener for: <to>.<root>" lower-cased (NotFound),
// "XSD validation failed: …" and "Deserialization failed: …" (SchemaViolation).
// REQUIRES: the classes `route` returns belong to `xsds.schema()`.
Status payload_validation_step(MessageState& state, const RouteLookup& route, const xml::XsdCache& xsds);

// ASCII lower-case, as routing keys use it.
std::string ascii_lower(std::string_view text);

}  // namespace nextra::ingress
