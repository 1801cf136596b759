#pragma once
// Every organismYaml the API accepts goes through the engine's loader first (the same
// checks as `nextra validate`). Errors reject the save with 422 and every problem's line and
// column; warnings (kinds that need a later runtime, secrets that do not exist yet) are
// returned with the saved flow.

#include <string>

#include "api/services.h"
#include "flow/diagnostic.h"
#include "http/request.h"

namespace nextra::api {

// The loader's diagnostics plus a warning for each ${secret:NAME} the organization lacks.
flow::Diagnostics check_flow_yaml(ApiServices& s, const std::string& org_id, const std::string& yaml);

// 422 schema_violation: details {problems: [...], line, column, field} (the first error's
// position at the top level, for clients that show one).
http::Response invalid_yaml_response(const flow::Diagnostics& diagnostics);

flow::Diagnostics warnings_only(const flow::Diagnostics& diagnostics);

// After a save: brings the flow's YAML-declared triggers into the triggers table (see
// triggers.h). A failure is returned as a warning for the response, not a failed save.
flow::Diagnostics sync_triggers_after_save(ApiServices& s, const std::string& org_id, const std::string& flow_id,
                                           const std::string& yaml);

}  // namespace nextra::api
