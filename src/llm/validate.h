#pragma once
// The organism's `llm:` section checked as the gateway will read it when the flow starts,
// for `nextra validate` and the API's validation: a typo in a provider or a key is reported
// before a flow is saved, at its line and column.

#include "flow/diagnostic.h"
#include "flow/organism.h"

namespace nextra::llm {

// Appends one error for the section's first problem (field `llm.backends[1].provider`, …).
// No `llm:` section: nothing. A missing api_key_env variable is not checked here (it is the
// environment of the process that runs the flow).
void check_llm_section(const flow::OrganismSpec& spec, flow::Diagnostics* out);

}  // namespace nextra::llm
