#include "api/json_views.h"

#include <cstdio>
#include <ctime>

namespace nextra::api {

std::string iso_time(std::int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

nlohmann::json iso_time_or_null(const std::optional<std::int64_t>& ms) {
  return ms ? nlohmann::json(iso_time(*ms)) : nlohmann::json(nullptr);
}

nlohmann::json user_json(const store::User& u) {
  return {{"id", u.id}, {"email", u.email}, {"name", u.name}, {"createdAt", iso_time(u.created_at_ms)}};
}

nlohmann::json organization_json(const store::Organization& o) {
  return {{"id", o.id}, {"name", o.name}, {"plan", o.plan}, {"createdAt", iso_time(o.created_at_ms)}};
}

nlohmann::json organization_json(const store::OrganizationWithRole& o) {
  auto j = organization_json(o.organization);
  j["role"] = store::role_name(o.role);
  return j;
}

nlohmann::json member_json(const store::Member& m) {
  return {{"userId", m.user_id},
          {"email", m.email},
          {"name", m.name},
          {"role", store::role_name(m.role)},
          {"createdAt", iso_time(m.created_at_ms)}};
}

nlohmann::json invitation_json(const store::Invitation& i) {
  return {{"id", i.id},
          {"orgId", i.org_id},
          {"email", i.email},
          {"role", store::role_name(i.role)},
          {"invitedBy", i.invited_by},
          {"createdAt", iso_time(i.created_at_ms)},
          {"expiresAt", iso_time(i.expires_at_ms)},
          {"acceptedAt", iso_time_or_null(i.accepted_at_ms)}};
}

nlohmann::json api_key_json(const store::ApiKey& k) {
  return {{"id", k.id},
          {"name", k.name},
          {"prefix", k.prefix},
          {"userId", k.user_id},
          {"createdAt", iso_time(k.created_at_ms)},
          {"lastUsedAt", iso_time_or_null(k.last_used_at_ms)}};
}

nlohmann::json secret_json(const store::SecretInfo& s) {
  return {{"name", s.name}, {"createdAt", iso_time(s.created_at_ms)}, {"updatedAt", iso_time(s.updated_at_ms)}};
}

nlohmann::json stored_json(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? nlohmann::json::object() : j;
}

nlohmann::json audit_json(const store::AuditEntry& a) {
  return {{"seq", a.seq},
          {"orgId", a.org_id},
          {"actorUserId", a.actor_user_id},
          {"action", a.action},
          {"targetType", a.target_type},
          {"targetId", a.target_id},
          {"remoteAddr", a.remote_addr},
          {"details", stored_json(a.details)},
          {"createdAt", iso_time(a.created_at_ms)}};
}

nlohmann::json problem_json(const flow::Diagnostic& d) {
  return {{"line", d.line > 0 ? d.line : 1},
          {"column", d.column > 0 ? d.column : 1},
          {"field", d.field},
          {"message", d.message},
          {"severity", d.severity == flow::Diagnostic::Severity::Error ? "error" : "warning"}};
}

nlohmann::json flow_summary_json(const store::Flow& f, const FlowRun& run) {
  return {{"id", f.id},
          {"orgId", f.org_id},
          {"userId", f.created_by},
          {"name", f.name},
          {"description", f.description},
          {"status", run.status},
          {"version", f.version},
          {"liveVersion", f.live_version ? nlohmann::json(*f.live_version) : nlohmann::json(nullptr)},
          {"createdAt", iso_time(f.created_at_ms)},
          {"updatedAt", iso_time(f.updated_at_ms)}};
}

nlohmann::json flow_json(const store::Flow& f, const FlowRun& run, const flow::Diagnostics& warnings) {
  auto j = flow_summary_json(f, run);
  j["organismYaml"] = f.organism_yaml;
  j["canvasState"] = stored_json(f.canvas_state);
  j["containerId"] = nullptr;  // in-process pumps have no container
  j["errorMessage"] = run.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(run.error);
  auto w = nlohmann::json::array();
  for (const auto& d : warnings) w.push_back(problem_json(d));
  j["warnings"] = std::move(w);
  return j;
}

nlohmann::json flow_version_summary_json(const store::FlowVersion& v, const store::Flow& f) {
  return {{"flowId", v.flow_id},
          {"version", v.version},
          {"authorId", v.author_user_id},
          {"message", v.message},
          {"createdAt", iso_time(v.created_at_ms)},
          {"live", f.live_version && *f.live_version == v.version}};
}

nlohmann::json flow_version_json(const store::FlowVersion& v, const store::Flow& f) {
  auto j = flow_version_summary_json(v, f);
  j["organismYaml"] = v.organism_yaml;
  j["canvasState"] = stored_json(v.canvas_state);
  return j;
}

nlohmann::json page_json(nlohmann::json items, std::int64_t total, std::int64_t page,
                         std::int64_t page_size) {
  return {{"items", std::move(items)},
          {"total", total},
          {"page", page},
          {"pageSize", page_size},
          {"hasMore", page * page_size < total}};
}

}  // namespace nextra::api
