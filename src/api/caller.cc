#include "api/caller.h"

#include "api/accounts.h"
#include "auth/tokens.h"
#include "http/error_mapping.h"

namespace nextra::api {
namespace {

using store::Role;

bool is_unsafe(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

AuthFailure unauthenticated(std::string message) {
  return {401, "unauthenticated", std::move(message)};
}

// API keys are touched at most once a minute: last-used is advisory, a write per request is not.
constexpr std::int64_t kTouchIntervalMs = 60'000;

struct Identity {
  store::User user;
  AuthMethod method = AuthMethod::Session;
  std::string api_key_org;  // API keys are bound to one organization
  std::string csrf_token;
  std::string session_token_hash;
};

// Result<Identity> where NotFound/PermissionDenied mean "not authenticated" and others are
// store failures.
Authenticated fail(AuthFailure f) {
  Authenticated a;
  a.failure = std::move(f);
  return a;
}
Authenticated store_error(Error e) {
  Authenticated a;
  a.error = std::move(e);
  return a;
}

}  // namespace

const char* auth_method_name(AuthMethod m) {
  switch (m) {
    case AuthMethod::Session: return "session";
    case AuthMethod::ApiKey: return "api_key";
    case AuthMethod::Bearer: return "bearer";
  }
  return "session";
}

bool role_at_least(Role role, Role minimum) {
  auto rank = [](Role r) {
    switch (r) {
      case Role::Owner: return 3;
      case Role::Admin: return 2;
      case Role::Member: return 1;
      case Role::Viewer: return 0;
    }
    return 0;
  };
  return rank(role) >= rank(minimum);
}

std::optional<std::string> cookie_value(const http::Request& request, std::string_view name) {
  for (const auto& [k, v] : request.headers.entries()) {
    if (!http::iequals(k, "Cookie")) continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      auto part = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      auto eq = part.find('=');
      if (eq == std::string_view::npos) continue;
      if (part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
    }
  }
  return std::nullopt;
}

std::string session_cookie(const ApiConfig& config, const std::string& token) {
  std::string c = std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
                  std::to_string(std::chrono::duration_cast<std::chrono::seconds>(config.session_ttl).count());
  if (config.secure_cookies) c += "; Secure";
  return c;
}

std::string clear_session_cookie(const ApiConfig& config) {
  std::string c = std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0";
  if (config.secure_cookies) c += "; Secure";
  return c;
}

Authenticated authenticate(ApiServices& s, const http::Request& request) {
  Identity id;
  const std::int64_t now = s.now_ms();
  if (auto authz = request.header("Authorization")) {
    std::string_view v = *authz;
    if (v.size() < 7 || !http::iequals(v.substr(0, 7), "Bearer ")) {
      return fail(unauthenticated("the Authorization header must be 'Bearer <token>'"));
    }
    std::string_view token = v.substr(7);
    if (token.substr(0, 4) == kApiKeyPrefix) {
      auto key = s.store->find_api_key_by_hash(auth::sha256_hex(token));
      if (!key.ok()) {
        if (key.error().code == ErrorCode::NotFound) return fail(unauthenticated("unknown or revoked API key"));
        return store_error(key.take_error());
      }
      auto user = s.store->get_user(key->user_id);
      if (!user.ok()) return fail(unauthenticated("the API key's user no longer exists"));
      if (!key->last_used_at_ms || now - *key->last_used_at_ms > kTouchIntervalMs) {
        (void)s.store->touch_api_key(key->org_id, key->id, now);
      }
      id.user = std::move(user).value();
      id.method = AuthMethod::ApiKey;
      id.api_key_org = key->org_id;
    } else {
      if (!s.jwks) return fail(unauthenticated("bearer tokens other than API keys are not configured"));
      auto claims = s.jwks->verify(token, s.config.jwt, now / 1000);
      if (!claims.ok()) return fail(unauthenticated("invalid bearer token: " + claims.error().message));
      auto user = provision_external_user(s, claims->subject, claims->email, claims->name);
      if (!user.ok()) return store_error(user.take_error());
      id.user = std::move(user).value();
      id.method = AuthMethod::Bearer;
    }
  } else if (auto cookie = cookie_value(request, kSessionCookie); cookie && !cookie->empty()) {
    auto hash = auth::sha256_hex(*cookie);
    auto session = s.store->get_session(hash, now);
    if (!session.ok()) {
      if (session.error().code == ErrorCode::NotFound) return fail(unauthenticated("the session has expired; log in again"));
      return store_error(session.take_error());
    }
    if (is_unsafe(request.method)) {
      auto sent = request.header("X-CSRF-Token");
      if (!sent || !auth::constant_time_equals(*sent, session->csrf_token)) {
        return fail({403, "csrf_failed", "cookie-authenticated writes need the X-CSRF-Token header"});
      }
    }
    auto user = s.store->get_user(session->user_id);
    if (!user.ok()) return fail(unauthenticated("the session's user no longer exists"));
    id.user = std::move(user).value();
    id.method = AuthMethod::Session;
    id.csrf_token = session->csrf_token;
    id.session_token_hash = hash;
  } else {
    return fail(unauthenticated("log in, or send an API key as 'Authorization: Bearer nxk_...'"));
  }

  // The organization this request acts in.
  std::string org_id;
  if (auto header = request.header("X-Org-Id"); header && !header->empty()) {
    org_id = std::string(*header);
    if (!id.api_key_org.empty() && org_id != id.api_key_org) {
      return fail({403, "permission_denied", "an API key acts only in its own organization"});
    }
  } else if (!id.api_key_org.empty()) {
    org_id = id.api_key_org;
  } else {
    auto orgs = s.store->list_organizations_for_user(id.user.id);
    if (!orgs.ok()) return store_error(orgs.take_error());
    if (orgs->empty()) return fail({403, "permission_denied", "you do not belong to any organization"});
    org_id = orgs->front().organization.id;
  }
  auto role = s.store->get_role(org_id, id.user.id);
  if (!role.ok()) {
    if (role.error().code == ErrorCode::NotFound) return fail({404, "not_found", "organization not found"});
    return store_error(role.take_error());
  }
  auto org = s.store->get_organization(org_id);
  if (!org.ok()) return store_error(org.take_error());

  Authenticated a;
  a.caller = Caller{std::move(id.user), std::move(org).value(), *role, id.method,
                    std::move(id.csrf_token), std::move(id.session_token_hash)};
  return a;
}

http::Response auth_failure_response(const Authenticated& a) {
  if (a.error) return http::from_error(*a.error);
  const auto& f = *a.failure;
  auto r = http::Response::error(f.status, f.code, f.message);
  if (f.status == 401) r.headers.set("WWW-Authenticate", "Bearer");
  return r;
}

http::Handler with_caller(ApiServices& services, Role minimum, CallerHandler handler) {
  return [&services, minimum, handler = std::move(handler)](const http::Request& req) {
    auto a = authenticate(services, req);
    if (!a.caller) return auth_failure_response(a);
    if (!role_at_least(a.caller->role, minimum)) {
      return http::Response::error(403, "permission_denied",
                                   std::string("this needs the ") + store::role_name(minimum) +
                                       " role or higher; you are " + store::role_name(a.caller->role));
    }
    return handler(req, *a.caller);
  };
}

http::Handler with_caller(ApiServices& services, Role minimum, RouteFn fn) {
  return with_caller(services, minimum,
                     [&services, fn](const http::Request& req, const Caller& c) { return fn(services, req, c); });
}

}  // namespace nextra::api
