// LLM usage over HTTP (issue #5): what the organization's model calls cost, summed over a
// period and grouped, its month against the monthly spend cap, and the cap itself.
//
//   GET /api/usage?month=YYYY-MM | from=YYYY-MM-DD&to=YYYY-MM-DD, groupBy=flow|model|agent|day,
//                  flowId=     (viewer)
//   PUT /api/usage/cap {monthlyCapUsd: number | null}                         (admin)
//
// An execution's own calls are in GET /api/executions/{id} (execution_routes.cc).
#include <cmath>

#include "api/accounts.h"
#include "api/caller.h"
#include "api/json_body.h"
#include "api/json_views.h"
#include "api/routes.h"
#include "api/usage_json.h"
#include "core/utc_time.h"
#include "http/error_mapping.h"

namespace nextra::api {
namespace {

using http::Request;
using http::Response;
using store::Role;

constexpr std::int64_t kDayMs = 86400000;
constexpr std::int64_t kMaxRangeDays = 366;
constexpr double kMaxCapUsd = 1e9;

Response bad_query(const std::string& field, const std::string& message) {
  return Response::error(400, "invalid_argument", message, {{"field", field}});
}

nlohmann::json month_json(const store::LlmMonth& m) {
  return {{"month", m.month},
          {"promptTokens", m.prompt_tokens},
          {"completionTokens", m.completion_tokens},
          {"costUsd", usd(m.cost_micros)},
          {"capUsd", m.cap_micros ? nlohmann::json(usd(*m.cap_micros)) : nlohmann::json(nullptr)},
          {"capReached", m.cap_micros.has_value() && m.cost_micros >= *m.cap_micros}};
}

Response get_usage(ApiServices& s, const Request& req, const Caller& c) {
  store::LlmUsageRequest ur;
  ur.org_id = c.org.id;
  const auto month = req.query_param("month");
  const auto from = req.query_param("from");
  const auto to = req.query_param("to");
  if (month && (from || to)) return bad_query("month", "give either month or from/to, not both");
  if (from || to) {
    if (!from || !to) return bad_query(from ? "to" : "from", "from and to go together (YYYY-MM-DD, both included)");
    auto f = parse_utc_day(*from);
    if (!f) return bad_query("from", "from must be a date YYYY-MM-DD");
    auto t = parse_utc_day(*to);
    if (!t) return bad_query("to", "to must be a date YYYY-MM-DD");
    if (*t < *f) return bad_query("to", "to must not be before from");
    if ((*t - *f) / kDayMs >= kMaxRangeDays) return bad_query("to", "a period is at most 366 days");
    ur.from_ms = *f;
    ur.to_ms = *t + kDayMs;
  } else {
    const std::string m = month.value_or(utc_month(s.now_ms()));
    auto start = parse_utc_month(m);
    if (!start) return bad_query("month", "month must be YYYY-MM");
    ur.from_ms = *start;
    ur.to_ms = utc_next_month(*start);
  }
  ur.group_by = req.query_param("groupBy").value_or("");
  if (ur.group_by != "" && ur.group_by != "flow" && ur.group_by != "model" && ur.group_by != "agent" &&
      ur.group_by != "day") {
    return bad_query("groupBy", "groupBy must be flow, model, agent or day");
  }
  ur.flow_id = req.query_param("flowId").value_or("");
  auto groups = s.store->llm_usage(ur);
  if (!groups.ok()) return http::from_error(groups.error());
  // The totals are the sum of the groups (the store sums each group exactly once).
  store::LlmUsageGroup total;
  auto items = nlohmann::json::array();
  for (const auto& g : *groups) {
    total.calls += g.calls;
    total.failed_calls += g.failed_calls;
    total.unpriced_calls += g.unpriced_calls;
    total.prompt_tokens += g.prompt_tokens;
    total.completion_tokens += g.completion_tokens;
    total.cost_micros += g.cost_micros;
    total.latency_ms += g.latency_ms;
    if (!ur.group_by.empty()) items.push_back(usage_group_json(g));
  }
  auto this_month = s.store->llm_month(c.org.id, utc_month(s.now_ms()));
  if (!this_month.ok()) return http::from_error(this_month.error());
  nlohmann::json body = {{"from", iso_time(ur.from_ms)},
                         {"to", iso_time(ur.to_ms)},
                         {"groupBy", ur.group_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(ur.group_by)},
                         {"flowId", ur.flow_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(ur.flow_id)},
                         {"totals", usage_group_json(total)},
                         {"groups", std::move(items)},
                         {"currentMonth", month_json(*this_month)}};
  body["totals"].erase("key");
  auto r = Response::json(200, body);
  r.headers.set("Cache-Control", "no-store");
  return r;
}

Response put_cap(ApiServices& s, const Request& req, const Caller& c) {
  auto body = parse_json_object(req);
  if (!body.ok()) return http::from_error(body.error());
  auto it = body->find("monthlyCapUsd");
  if (it == body->end()) {
    return Response::error(400, "invalid_argument", "monthlyCapUsd is required (a number of dollars, or null for no cap)",
                           {{"field", "monthlyCapUsd"}});
  }
  std::optional<std::int64_t> cap;
  if (!it->is_null()) {
    if (!it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() < 0 ||
        it->get<double>() > kMaxCapUsd) {
      return Response::error(400, "invalid_argument", "monthlyCapUsd must be a number of dollars from 0 to 1e9, or null",
                             {{"field", "monthlyCapUsd"}});
    }
    cap = static_cast<std::int64_t>(std::llround(it->get<double>() * 1e6));
  }
  if (auto st = s.store->set_llm_cap(c.org.id, cap); !st.ok()) return http::from_error(st.error());
  audit(s, c, req, "usage.cap", "organization", c.org.id,
        {{"monthlyCapUsd", cap ? nlohmann::json(usd(*cap)) : nlohmann::json(nullptr)}});
  auto m = s.store->llm_month(c.org.id, utc_month(s.now_ms()));
  if (!m.ok()) return http::from_error(m.error());
  return Response::json(200, month_json(*m));
}

}  // namespace

void add_usage_routes(http::Router& router, ApiServices& s) {
  router.get("/api/usage", with_caller(s, Role::Viewer, get_usage));
  router.put("/api/usage/cap", with_caller(s, Role::Admin, put_cap));
}

}  // namespace nextra::api
