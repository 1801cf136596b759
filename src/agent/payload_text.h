#pragma once
// Between payloads and what a model reads and writes: a payload class as a JSON Schema (a
// tool's parameters), a tool call's JSON arguments as a payload, and a model's free text
// (JSON, XML, possibly fenced or broken) as a payload of a given class. Everything a model
// writes goes through the same strict parse and XSD validation as any other message, so an
// agent can never send what its peer could not receive.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "schema/types.h"
#include "schema/value.h"

namespace nextra::agent {

// A JSON Schema object for `cls` (required = the fields that cannot be left out).
nlohmann::json class_json_schema(const schema::PayloadClass& cls);

// A tool call's arguments as a payload of `cls`. InvalidArgument / SchemaViolation naming
// the field, worded for the model to correct.
Result<schema::PayloadPtr> payload_from_json(const schema::PayloadClass& cls, const nlohmann::json& args,
                                             const schema::Schema& schema);

// A model's answer as a payload of `cls`: a JSON object of its fields, its XML (repaired
// like any message, then validated), or, when the class has one string field that must be
// filled and nothing else required, the text itself. Code fences are stripped.
Result<schema::PayloadPtr> payload_from_text(const schema::PayloadClass& cls, std::string_view text,
                                             const schema::Schema& schema);

// An XML-mode answer: `<message to="PEER"><Class>…</Class></message>`, or the payload
// element alone (`to` empty: whoever accepts the class).
struct XmlReply {
  std::string to;
  schema::PayloadPtr payload;
};
Result<XmlReply> parse_xml_reply(std::string_view text, const schema::Schema& schema);

// An example instance of `cls` in XML, for prompts (zero values; nested classes filled).
std::string example_xml(const schema::PayloadClass& cls);

}  // namespace nextra::agent
