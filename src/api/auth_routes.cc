// Sign-up, log-in, log-out, the first-start setup and /api/me.
#include <chrono>

#include "api/accounts.h"
#include "api/caller.h"
#include "api/json_body.h"
#include "api/json_views.h"
#include "api/routes.h"
#include "api/tiers.h"
#include "api/usage_json.h"
#include "auth/passwords.h"
#include "auth/tokens.h"
#include "http/error_mapping.h"

namespace nextra::api {
namespace {

using http::Request;
using http::Response;

constexpr std::size_t kMaxPasswordBytes = 1024;
constexpr std::size_t kMaxTextBytes = 1024;

// A verification against this hash makes a log-in for an unknown email cost as much as one
// for a known email, so response times do not reveal which emails have accounts.
const std::string& dummy_hash(const ApiServices& s) {
  static const std::string hash = [&] {
    auto h = auth::hash_password("nextra-timing-equaliser", s.config.password_params);
    return h.ok() ? *h : std::string();
  }();
  return hash;
}

std::string address_key(const Request& req) {
  auto addr = req.remote_address;
  if (auto colon = addr.rfind(':'); colon != std::string::npos) addr.resize(colon);
  return addr;
}

Response too_many(std::chrono::milliseconds retry_after) {
  auto secs = std::max<std::int64_t>(1, (retry_after.count() + 999) / 1000);
  auto r = Response::error(429, "resource_exhausted", "too many failed log-in attempts; try again later",
                           {{"retryAfterSeconds", secs}});
  r.headers.set("Retry-After", std::to_string(secs));
  return r;
}

struct Credentials {
  std::string email;
  std::string password;
  std::string name;
};

Result<Credentials> read_credentials(const Request& req, bool with_name) {
  NEXTRA_ASSIGN_OR_RETURN(auto body, parse_json_object(req));
  Credentials c;
  NEXTRA_ASSIGN_OR_RETURN(auto email, required_string(body, "email", kMaxTextBytes));
  NEXTRA_ASSIGN_OR_RETURN(c.email, normalize_email(email));
  NEXTRA_ASSIGN_OR_RETURN(c.password, required_string(body, "password", kMaxPasswordBytes));
  if (with_name) {
    NEXTRA_ASSIGN_OR_RETURN(c.name, required_name(body));
  }
  return c;
}

// Creates the account and a session; shared by sign-up and first-start setup.
Response sign_up(ApiServices& s, const Request& req, const Credentials& c, const char* action) {
  if (auto policy = auth::check_password_policy(c.password); !policy.ok()) return http::from_error(policy.error());
  auto hash = auth::hash_password(c.password, s.config.password_params);
  if (!hash.ok()) return http::from_error(hash.error());
  auto account = create_account(s, {c.email, c.name, *hash});
  if (!account.ok()) {
    if (account.error().code == ErrorCode::AlreadyExists) {
      return Response::error(409, "already_exists", "an account with this email already exists", {{"field", "email"}});
    }
    return http::from_error(account.error());
  }
  auto session = start_session(s, account->user.id);
  if (!session.ok()) return http::from_error(session.error());
  audit(s, account->organization.id, account->user.id, req, action, "user", account->user.id);
  return session_response(s, 201, account->user, account->organization, *session);
}

Response handle_signup(ApiServices& s, const Request& req) {
  if (!s.config.allow_signup) {
    return Response::error(403, "permission_denied", "sign-up is disabled on this instance; ask an administrator for an invitation");
  }
  auto c = read_credentials(req, true);
  if (!c.ok()) return http::from_error(c.error());
  return sign_up(s, req, *c, "user.signup");
}

Response handle_setup(ApiServices& s, const Request& req) {
  auto body = parse_json_object(req);
  if (!body.ok()) return http::from_error(body.error());
  auto token = required_string(*body, "token", kMaxTextBytes);
  if (!token.ok()) return http::from_error(token.error());
  std::lock_guard lock(s.setup_mu);
  if (s.config.setup_token.empty() || !auth::constant_time_equals(*token, s.config.setup_token)) {
    return Response::error(404, "not_found", "no setup is pending with this token");
  }
  auto users = s.store->count_users();
  if (!users.ok()) return http::from_error(users.error());
  if (*users > 0) {
    s.config.setup_token.clear();
    return Response::error(404, "not_found", "this instance is already set up");
  }
  auto c = read_credentials(req, true);
  if (!c.ok()) return http::from_error(c.error());
  auto r = sign_up(s, req, *c, "user.setup");
  if (r.status == 201) s.config.setup_token.clear();
  return r;
}

Response handle_login(ApiServices& s, const Request& req) {
  auto c = read_credentials(req, false);
  if (!c.ok()) return http::from_error(c.error());
  const auto now = std::chrono::steady_clock::now();
  const std::string account_key = c->email;
  const std::string addr_key = address_key(req);
  auto by_account = s.login_by_account->check(account_key, now);
  auto by_address = s.login_by_address->check(addr_key, now);
  if (!by_account.allowed || !by_address.allowed) {
    return too_many(std::max(by_account.retry_after, by_address.retry_after));
  }
  auto user = s.store->get_user_by_email(c->email);
  if (!user.ok() && user.error().code != ErrorCode::NotFound) return http::from_error(user.error());
  bool ok = false;
  if (user.ok() && !user->password_hash.empty()) {
    ok = auth::verify_password(user->password_hash, c->password);
  } else {
    (void)auth::verify_password(dummy_hash(s), c->password);
  }
  if (!ok) {
    s.login_by_account->record_failure(account_key, now);
    s.login_by_address->record_failure(addr_key, now);
    return Response::error(401, "unauthenticated", "wrong email or password");
  }
  s.login_by_account->reset(account_key);
  auto orgs = s.store->list_organizations_for_user(user->id);
  if (!orgs.ok()) return http::from_error(orgs.error());
  if (orgs->empty()) return Response::error(403, "permission_denied", "you do not belong to any organization");
  auto session = start_session(s, user->id);
  if (!session.ok()) return http::from_error(session.error());
  audit(s, orgs->front().organization.id, user->id, req, "user.login", "user", user->id);
  return session_response(s, 200, *user, orgs->front().organization, *session);
}

Response handle_logout(ApiServices& s, const Request& req, const Caller& c) {
  if (c.method == AuthMethod::Session) {
    auto r = s.store->delete_session(c.session_token_hash);
    if (!r.ok()) return http::from_error(r.error());
  }
  Response resp;
  resp.status = 204;
  resp.headers.add("Set-Cookie", clear_session_cookie(s.config));
  audit(s, c, req, "user.logout", "user", c.user.id);
  return resp;
}

Response handle_me(ApiServices& s, const Request&, const Caller& c) {
  auto orgs = s.store->list_organizations_for_user(c.user.id);
  if (!orgs.ok()) return http::from_error(orgs.error());
  auto list = nlohmann::json::array();
  for (const auto& o : *orgs) list.push_back(organization_json(o));
  nlohmann::json me = {{"user", user_json(c.user)},
                       {"organization", organization_json(c.org)},
                       {"role", store::role_name(c.role)},
                       {"organizations", std::move(list)},
                       {"authMethod", auth_method_name(c.method)}};
  if (c.method == AuthMethod::Session) me["csrfToken"] = c.csrf_token;
  // What the organization has used against its plan (the dashboard's usage card): counted
  // by the server, so it is exact however many executions there were.
  const std::string month = iso_time(s.now_ms()).substr(0, 7);
  auto executions = s.store->executions_in_month(c.org.id, month);
  auto flows = s.store->count_flows(c.org.id);
  if (!executions.ok()) return http::from_error(executions.error());
  if (!flows.ok()) return http::from_error(flows.error());
  const auto limits = limits_for_plan(c.org.plan);
  auto limit = [](const std::optional<std::int64_t>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  // Executions per UTC day over the last 14 days, for the dashboard's chart.
  constexpr std::int64_t kDay = 86400000;
  const std::int64_t since = (s.now_ms() / kDay - 13) * kDay;
  auto per_day = s.store->executions_per_day(c.org.id, since);
  if (!per_day.ok()) return http::from_error(per_day.error());
  auto daily = nlohmann::json::array();
  for (const auto& d : *per_day) {
    daily.push_back({{"day", iso_time(d.day_start_ms).substr(0, 10)},
                     {"succeeded", d.succeeded},
                     {"failed", d.failed},
                     {"open", d.open}});
  }
  auto llm = s.store->llm_month(c.org.id, month);
  if (!llm.ok()) return http::from_error(llm.error());
  me["usage"] = {{"month", month},
                 {"daily", std::move(daily)},
                 {"executions", *executions},
                 {"executionsLimit", limit(limits.executions_per_month)},
                 {"flows", *flows},
                 {"flowsLimit", limit(limits.flows)},
                 {"limitsEnforced", s.config.saas},
                 {"llmCostUsd", usd(llm->cost_micros)},
                 {"llmCapUsd", llm->cap_micros ? nlohmann::json(usd(*llm->cap_micros)) : nlohmann::json(nullptr)}};
  auto r = Response::json(200, me);
  r.headers.set("Cache-Control", "no-store");
  return r;
}

}  // namespace

void add_auth_routes(http::Router& router, ApiServices& s) {
  router.post("/api/setup", [&s](const Request& req) { return handle_setup(s, req); });
  router.post("/api/auth/signup", [&s](const Request& req) { return handle_signup(s, req); });
  router.post("/api/auth/login", [&s](const Request& req) { return handle_login(s, req); });
  router.post("/api/auth/logout", with_caller(s, store::Role::Viewer, handle_logout));
  router.get("/api/me", with_caller(s, store::Role::Viewer, handle_me));
}

}  // namespace nextra::api
