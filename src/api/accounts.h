#pragma once
// Account operations shared by sign-up, first-start setup, Clerk webhooks and bearer-token
// provisioning, plus the audit helper every write route uses.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/caller.h"
#include "api/services.h"
#include "core/result.h"
#include "http/request.h"
#include "store/store.h"

namespace nextra::api {

// Trimmed and lower-cased; InvalidArgument (field "email") unless it looks like an address:
// one '@', a non-empty local part, a dotless-or-dotted domain, at most 254 bytes, no spaces
// or control characters.
Result<std::string> normalize_email(std::string_view email);
// 1..200 bytes after trimming, no control characters.
Result<std::string> clean_name(std::string_view name, const char* field);
// The body's required display-name field, read and cleaned as above.
Result<std::string> required_name(const nlohmann::json& body, const char* field = "name");

struct NewAccount {
  store::User user;
  store::Organization organization;
};
// Creates the user and their personal organization (owner). In SaaS mode the organization
// starts on the free plan; self-hosted, on enterprise.
Result<NewAccount> create_account(ApiServices& s, const store::CreateUserRequest& user);

// A user known to an identity provider by `external_id`: created (with a personal
// organization) on first sight, email and name kept in sync afterwards.
Result<store::User> provision_external_user(ApiServices& s, const std::string& external_id,
                                            const std::string& email, const std::string& name);

struct NewSession {
  std::string token;       // the cookie value; only its hash is stored
  std::string csrf_token;
};
Result<NewSession> start_session(ApiServices& s, const std::string& user_id);

// {user, organization, csrfToken} with the session cookie set.
http::Response session_response(ApiServices& s, int status, const store::User& user,
                                const store::Organization& org, const NewSession& session);

// Appends an audit entry; a failure to audit is logged to stderr but does not undo the write
// it describes (the write has already committed).
void audit(ApiServices& s, const std::string& org_id, const std::string& actor_user_id,
           const http::Request& request, std::string action, std::string target_type,
           std::string target_id, const nlohmann::json& details = nlohmann::json::object());
inline void audit(ApiServices& s, const Caller& c, const http::Request& request, std::string action,
                  std::string target_type, std::string target_id,
                  const nlohmann::json& details = nlohmann::json::object()) {
  audit(s, c.org.id, c.user.id, request, std::move(action), std::move(target_type),
        std::move(target_id), details);
}

}  // namespace nextra::api
