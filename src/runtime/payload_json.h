#pragma once
// Trigger bodies become payloads: a JSON object is converted to the target listener's payload
// class (keys are the YAML field names, snake_case), XML is accepted as is. Either way the
// result goes through the same strict parse and XSD validation as any message, so a trigger
// can never inject what a listener could not receive. Outputs go back as JSON or XML.

#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "schema/types.h"
#include "schema/value.h"

namespace nextra::runtime {

// The xmlify XML for `body` as an instance of `cls`. InvalidArgument naming the field path
// ("items[2].qty") for a missing field, an unknown key or a value of the wrong JSON type.
Result<std::string> json_to_payload_xml(const schema::PayloadClass& cls, const nlohmann::json& body);

// A payload as JSON: records are objects keyed by field name.
nlohmann::json payload_to_json(const schema::Payload& payload);

}  // namespace nextra::runtime
