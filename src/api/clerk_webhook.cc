// POST /webhooks/clerk: Clerk tells us about users through Svix-signed webhooks. The
// signature is checked over the raw body before anything is parsed; then user.created and
// user.updated upsert the user (a new user gets a personal organization), user.deleted removes
// them. Svix retries deliveries, so every event is idempotent. Other event types are
// acknowledged and ignored.
#include <ctime>

#include "api/accounts.h"
#include "api/routes.h"
#include "auth/svix.h"
#include "http/error_mapping.h"

namespace nextra::api {
namespace {

using http::Request;
using http::Response;

// Clerk's user object: the primary address is the one whose id is primary_email_address_id.
std::string primary_email(const nlohmann::json& data) {
  auto primary = data.value("primary_email_address_id", std::string());
  auto it = data.find("email_addresses");
  if (it == data.end() || !it->is_array()) return {};
  std::string first;
  for (const auto& e : *it) {
    if (!e.is_object()) continue;
    auto addr = e.value("email_address", std::string());
    if (first.empty()) first = addr;
    if (!primary.empty() && e.value("id", std::string()) == primary) return addr;
  }
  return first;
}

std::string display_name(const nlohmann::json& data) {
  auto str = [&](const char* k) {
    auto it = data.find(k);
    return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string name = str("first_name");
  auto last = str("last_name");
  if (!last.empty()) name += (name.empty() ? "" : " ") + last;
  if (name.empty()) name = str("username");
  return name;
}

Response no_content() {
  Response r;
  r.status = 204;
  return r;
}

Response handle(ApiServices& s, const Request& req) {
  if (s.config.clerk_webhook_secret.empty()) {
    return Response::error(404, "not_found", "Clerk webhooks are not configured on this instance");
  }
  auth::SvixHeaders h{std::string(req.header("svix-id").value_or("")),
                      std::string(req.header("svix-timestamp").value_or("")),
                      std::string(req.header("svix-signature").value_or(""))};
  auto verified = auth::verify_svix(h, req.body, s.config.clerk_webhook_secret, s.now_ms() / 1000);
  if (!verified.ok()) {
    return Response::error(401, "unauthenticated", "webhook signature rejected: " + verified.error().message);
  }
  auto event = nlohmann::json::parse(req.body, nullptr, false);
  if (event.is_discarded() || !event.is_object()) return Response::error(400, "invalid_argument", "malformed JSON body");
  auto type = event.value("type", std::string());
  auto data_it = event.find("data");
  if (data_it == event.end() || !data_it->is_object()) {
    return Response::error(400, "invalid_argument", "the event has no data object", {{"field", "data"}});
  }
  const auto& data = *data_it;
  auto external_id = data.value("id", std::string());
  if (type == "user.created" || type == "user.updated") {
    if (external_id.empty()) return Response::error(400, "invalid_argument", "data.id is required", {{"field", "data.id"}});
    auto email = primary_email(data);
    // Clerk users may have no email (phone or username sign-up). Rejecting them with 400 made
    // Svix retry forever while the JWT path accepts the same user; use the same placeholder
    // address as provision_external_user.
    if (email.empty()) email = external_id + "@users.invalid";
    auto normalized = normalize_email(email);
    if (!normalized.ok()) return http::from_error(normalized.error());
    auto existing = s.store->get_user_by_external_id(external_id);
    if (existing.ok()) {
      auto up = s.store->upsert_external_user({external_id, *normalized, display_name(data)});
      if (!up.ok()) return http::from_error(up.error());
    } else {
      auto user = provision_external_user(s, external_id, *normalized, display_name(data));
      if (!user.ok()) return http::from_error(user.error());
    }
    return no_content();
  }
  if (type == "user.deleted") {
    auto user = s.store->get_user_by_external_id(external_id);
    if (!user.ok()) {
      if (user.error().code == ErrorCode::NotFound) return no_content();  // already gone: idempotent
      return http::from_error(user.error());
    }
    auto r = s.store->delete_user(user->id);
    if (!r.ok() && r.error().code != ErrorCode::NotFound) return http::from_error(r.error());
    return no_content();
  }
  return no_content();
}

}  // namespace

void add_clerk_webhook(http::Router& router, ApiServices& s) {
  router.post("/webhooks/clerk", [&s](const Request& req) { return handle(s, req); });
}

}  // namespace nextra::api
