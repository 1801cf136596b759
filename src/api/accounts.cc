#include <cctype>

#include "api/accounts.h"

#include <cstdio>
#include <mutex>

#include "api/json_body.h"
#include "api/json_views.h"
#include "auth/tokens.h"
#include "http/error_mapping.h"

namespace nextra::api {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

Error field_error(const char* field, std::string message) {
  Error e = Error::invalid(std::move(message));
  e.field = field;
  return e;
}

}  // namespace

Result<std::string> normalize_email(std::string_view raw) {
  auto e = trim(raw);
  if (e.empty()) return field_error("email", "email is required");
  if (e.size() > 254) return field_error("email", "email is longer than 254 bytes");
  std::string out;
  out.reserve(e.size());
  for (char c : e) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return field_error("email", "email must not contain spaces or control characters");
    out.push_back(u < 0x80 ? static_cast<char>(std::tolower(u)) : c);
  }
  auto at = out.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= out.size() || out.find('@', at + 1) != std::string::npos) {
    return field_error("email", "email must look like name@example.com");
  }
  return out;
}

Result<std::string> clean_name(std::string_view raw, const char* field) {
  auto n = trim(raw);
  if (n.empty()) return field_error(field, std::string(field) + " is required");
  if (n.size() > 200) return field_error(field, std::string(field) + " is longer than 200 bytes");
  for (char c : n) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return field_error(field, std::string(field) + " must not contain control characters");
  }
  return std::string(n);
}

Result<std::string> required_name(const nlohmann::json& body, const char* field) {
  NEXTRA_ASSIGN_OR_RETURN(auto raw, required_string(body, field, 1024));
  return clean_name(raw, field);
}

Result<NewAccount> create_account(ApiServices& s, const store::CreateUserRequest& req) {
  NEXTRA_ASSIGN_OR_RETURN(auto user, s.store->create_user(req));
  std::string org_name = (user.name.empty() ? user.email : user.name) + "'s organization";
  NEXTRA_ASSIGN_OR_RETURN(auto org, s.store->create_organization({org_name, user.id}));
  if (s.config.saas) {
    NEXTRA_ASSIGN_OR_RETURN(org, s.store->set_plan(org.id, "free"));
  }
  return NewAccount{std::move(user), std::move(org)};
}

Result<store::User> provision_external_user(ApiServices& s, const std::string& external_id,
                                            const std::string& email, const std::string& name) {
  if (external_id.empty()) return Error::make(ErrorCode::PermissionDenied, "the token has no subject");
  // Creating the user and then its organization are two store calls. Without this lock a
  // concurrent first request for the same subject (a browser fires several at once) found the
  // user between the two and was answered 403 "you do not belong to any organization".
  // In-process only: replicas sharing a database can still race in that window.
  static std::mutex provisioning;
  std::lock_guard<std::mutex> lock(provisioning);
  auto known = s.store->get_user_by_external_id(external_id);
  if (known.ok()) return known;
  if (known.error().code != ErrorCode::NotFound) return known.take_error();
  NEXTRA_ASSIGN_OR_RETURN(auto normalized, normalize_email(email.empty() ? external_id + "@users.invalid" : email));
  NEXTRA_ASSIGN_OR_RETURN(auto up, s.store->upsert_external_user({external_id, normalized, name}));
  if (up.created) {
    std::string org_name = (name.empty() ? normalized : name) + "'s organization";
    NEXTRA_ASSIGN_OR_RETURN(auto org, s.store->create_organization({org_name, up.user.id}));
    if (s.config.saas) NEXTRA_TRY(s.store->set_plan(org.id, "free"));
  }
  return up.user;
}

Result<NewSession> start_session(ApiServices& s, const std::string& user_id) {
  NewSession out{auth::random_token(32), auth::random_token(32)};
  store::CreateSessionRequest req;
  req.token_hash = auth::sha256_hex(out.token);
  req.user_id = user_id;
  req.csrf_token = out.csrf_token;
  req.expires_at_ms = s.now_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(s.config.session_ttl).count();
  NEXTRA_TRY(s.store->create_session(req));
  return out;
}

http::Response session_response(ApiServices& s, int status, const store::User& user,
                                const store::Organization& org, const NewSession& session) {
  auto r = http::Response::json(status, {{"user", user_json(user)},
                                         {"organization", organization_json(org)},
                                         {"csrfToken", session.csrf_token}});
  r.headers.add("Set-Cookie", session_cookie(s.config, session.token));
  r.headers.set("Cache-Control", "no-store");
  return r;
}

void audit(ApiServices& s, const std::string& org_id, const std::string& actor_user_id,
           const http::Request& request, std::string action, std::string target_type,
           std::string target_id, const nlohmann::json& details) {
  store::AppendAuditRequest req;
  req.org_id = org_id;
  req.actor_user_id = actor_user_id;
  req.action = std::move(action);
  req.target_type = std::move(target_type);
  req.target_id = std::move(target_id);
  // The peer address without its port: "from where" is a host, the port is noise.
  auto addr = request.remote_address;
  if (auto colon = addr.rfind(':'); colon != std::string::npos) addr.resize(colon);
  req.remote_addr = std::move(addr);
  req.details = details.dump();
  auto r = s.store->append_audit(req);
  if (!r.ok()) {
    std::string line = "nextra: audit entry " + req.action + " for " + req.target_id +
                       " could not be written: " + r.error().message;
    if (s.redactor) line = s.redactor->redact(line);  // log lines never carry secret values
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

}  // namespace nextra::api
