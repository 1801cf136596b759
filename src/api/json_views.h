#pragma once
// The API's JSON shapes (docs/api.md, /api/openapi.json) built from the store's values.
// One function per shape, so every route answers the same field names; camelCase, times as
// ISO 8601 UTC strings with milliseconds.

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "flow/diagnostic.h"
#include "store/store.h"

namespace nextra::api {

std::string iso_time(std::int64_t ms_since_epoch);
nlohmann::json iso_time_or_null(const std::optional<std::int64_t>& ms);

nlohmann::json user_json(const store::User& user);
nlohmann::json organization_json(const store::Organization& org);
nlohmann::json organization_json(const store::OrganizationWithRole& org);
nlohmann::json member_json(const store::Member& member);
nlohmann::json invitation_json(const store::Invitation& invitation);
nlohmann::json api_key_json(const store::ApiKey& key);
nlohmann::json secret_json(const store::SecretInfo& secret);
nlohmann::json audit_json(const store::AuditEntry& entry);
nlohmann::json problem_json(const flow::Diagnostic& d);

// The runtime's view of a flow (status stopped|starting|running|stopping|error).
struct FlowRun {
  std::string status = "stopped";
  std::string error;
};

// Flow: everything, with the engine's warnings for its YAML. FlowSummary: no YAML or canvas.
nlohmann::json flow_json(const store::Flow& flow, const FlowRun& run, const flow::Diagnostics& warnings = {});
nlohmann::json flow_summary_json(const store::Flow& flow, const FlowRun& run);
nlohmann::json flow_version_json(const store::FlowVersion& v, const store::Flow& flow);
nlohmann::json flow_version_summary_json(const store::FlowVersion& v, const store::Flow& flow);

// PaginatedResponse {items, total, page, pageSize, hasMore}.
nlohmann::json page_json(nlohmann::json items, std::int64_t total, std::int64_t page,
                         std::int64_t page_size);

// Stored JSON text (canvas state, audit details) as a value; {} when it does not parse.
nlohmann::json stored_json(const std::string& text);

}  // namespace nextra::api
