#pragma once
// Who is calling and in which organization: every /api route except sign-up, log-in and
// setup starts here. Three ways in:
//   - the session cookie (`nextra_session`); unsafe methods must also carry X-CSRF-Token
//     equal to the session's token (the synchroniser-token pattern);
//   - `Authorization: Bearer nxk_...`, an API key, which acts in its own organization with its
//     user's current role there;
//   - `Authorization: Bearer <JWT>` from Clerk or another OIDC issuer, checked against the
//     configured JWKS; a first-seen subject is provisioned with a personal organization.
// The organization is the `X-Org-Id` header, else the user's first organization. Naming an
// organization the caller does not belong to is 404, exactly like one that does not exist.

#include <string>

#include "api/services.h"
#include "core/result.h"
#include "http/request.h"
#include "http/router.h"
#include "store/store.h"

namespace nextra::api {

inline constexpr const char* kSessionCookie = "nextra_session";
inline constexpr const char* kApiKeyPrefix = "nxk_";

enum class AuthMethod { Session, ApiKey, Bearer };
const char* auth_method_name(AuthMethod m);

struct Caller {
  store::User user;
  store::Organization org;
  store::Role role = store::Role::Viewer;
  AuthMethod method = AuthMethod::Session;
  std::string csrf_token;  // session auth only
  std::string session_token_hash;  // session auth only
};

// Unauthenticated (401 "unauthenticated") when nothing valid is presented; PermissionDenied
// with code csrf_failed when a cookie write lacks the CSRF header. Use `error_response` for
// the answer.
struct AuthFailure {
  int status = 401;
  std::string code;
  std::string message;
};
struct Authenticated {
  std::optional<Caller> caller;
  std::optional<AuthFailure> failure;
  std::optional<Error> error;  // a store failure (database down, ...)
};
Authenticated authenticate(ApiServices& services, const http::Request& request);

// Roles are ordered owner > admin > member > viewer.
bool role_at_least(store::Role role, store::Role minimum);

// The response for a failed authenticate().
http::Response auth_failure_response(const Authenticated& a);

// Wraps a handler that needs a caller with at least `minimum` role in the selected
// organization; others get 401/403/404 before the handler runs.
using CallerHandler = std::function<http::Response(const http::Request&, const Caller&)>;
http::Handler with_caller(ApiServices& services, store::Role minimum, CallerHandler handler);
// The same for the routes' usual shape, a plain function of (services, request, caller).
using RouteFn = http::Response (*)(ApiServices&, const http::Request&, const Caller&);
http::Handler with_caller(ApiServices& services, store::Role minimum, RouteFn fn);

// The value of a cookie, if present.
std::optional<std::string> cookie_value(const http::Request& request, std::string_view name);

// Set-Cookie values for a new session and for clearing it.
std::string session_cookie(const ApiConfig& config, const std::string& token);
std::string clear_session_cookie(const ApiConfig& config);

}  // namespace nextra::api
