#include "api/flow_validation.h"

#include <set>

#include "api/json_views.h"
#include "api/triggers.h"
#include "flow/loader.h"
#include "llm/validate.h"
#include "vault/secret_refs.h"

namespace nextra::api {

flow::Diagnostics check_flow_yaml(ApiServices& s, const std::string& org_id, const std::string& yaml) {
  auto loaded = flow::load_organism(yaml);
  flow::Diagnostics out = std::move(loaded.diagnostics);
  if (loaded.organism) llm::check_llm_section(*loaded.organism, &out);
  auto refs = vault::find_secret_refs(yaml);
  if (!refs.empty()) {
    std::set<std::string> known;
    if (auto secrets = s.store->list_secrets(org_id); secrets.ok()) {
      for (const auto& sec : *secrets) known.insert(sec.name);
    }
    for (const auto& ref : refs) {
      if (known.count(ref.name)) continue;
      flow::Diagnostic d;
      d.severity = flow::Diagnostic::Severity::Warning;
      d.line = ref.line;
      d.column = ref.column;
      d.message = "secret '" + ref.name + "' does not exist yet; create it before running the flow";
      out.push_back(std::move(d));
    }
  }
  return out;
}

http::Response invalid_yaml_response(const flow::Diagnostics& diagnostics) {
  auto problems = nlohmann::json::array();
  const flow::Diagnostic* first = nullptr;
  for (const auto& d : diagnostics) {
    problems.push_back(problem_json(d));
    if (!first && d.severity == flow::Diagnostic::Severity::Error) first = &d;
  }
  nlohmann::json details = {{"problems", std::move(problems)}};
  std::string message = "organismYaml is not a valid flow";
  if (first) {
    details["line"] = first->line > 0 ? first->line : 1;
    details["column"] = first->column > 0 ? first->column : 1;
    details["field"] = first->field;
    message += ": " + first->message;
  }
  return http::Response::error(422, "schema_violation", message, std::move(details));
}

flow::Diagnostics sync_triggers_after_save(ApiServices& s, const std::string& org_id, const std::string& flow_id,
                                           const std::string& yaml) {
  auto loaded = flow::load_organism(yaml);
  if (!loaded.ok()) return {};
  auto synced = sync_yaml_triggers(s, org_id, flow_id, loaded.organism->triggers);
  if (synced.ok()) return {};
  flow::Diagnostic d;
  d.severity = flow::Diagnostic::Severity::Warning;
  d.field = "triggers";
  d.message = "the flow was saved, but its triggers could not be updated: " + synced.error().message;
  return {d};
}

flow::Diagnostics warnings_only(const flow::Diagnostics& diagnostics) {
  flow::Diagnostics out;
  for (const auto& d : diagnostics) {
    if (d.severity == flow::Diagnostic::Severity::Warning) out.push_back(d);
  }
  return out;
}

}  // namespace nextra::api
