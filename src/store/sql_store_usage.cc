// LLM usage (issue #5): one row per model call, the organization's month in usage_counters
// (the same row that counts its executions), and the monthly spend cap on the organization.
#include <map>

#include "core/utc_time.h"
#include "store/sql_store_internal.h"

namespace nextra::store::sql {
namespace {

constexpr const char* kCallCols =
    "org_id, flow_id, execution_id, agent, model, provider, backend, prompt_tokens, completion_tokens, "
    "latency_ms, cost_micros, attempts, ok, error_code, started_at";

LlmCall call_from(const SqlRow& r) {
  LlmCall c;
  c.org_id = col(r, 0);
  c.flow_id = col(r, 1);
  c.execution_id = col(r, 2);
  c.agent = col(r, 3);
  c.model = col(r, 4);
  c.provider = col(r, 5);
  c.backend = col(r, 6);
  c.prompt_tokens = col_i64(r, 7);
  c.completion_tokens = col_i64(r, 8);
  c.latency_ms = col_i64(r, 9);
  c.cost_micros = col_opt_i64(r, 10);
  c.attempts = col_i64(r, 11);
  c.ok = col_i64(r, 12) != 0;
  c.error_code = col(r, 13);
  c.started_at_ms = col_i64(r, 14);
  return c;
}

// The SQL expression a group's key is read from. Days are UTC (integer division works the
// same in both dialects) and turned into YYYY-MM-DD after the query.
Result<std::string> group_expression(const std::string& group_by) {
  if (group_by.empty()) return std::string("''");
  if (group_by == "flow") return std::string("flow_id");
  if (group_by == "model") return std::string("model");
  if (group_by == "agent") return std::string("agent");
  if (group_by == "day") return std::string("started_at / 86400000");
  return invalid_field("group_by must be flow, model, agent or day", "group_by");
}

}  // namespace

Status SqlUsage::record(const std::vector<LlmCall>& calls) {
  struct MonthSums {
    std::int64_t in = 0, out = 0, cost = 0;
  };
  std::map<std::pair<std::string, std::string>, MonthSums> months;  // (org, month)
  for (const LlmCall& c : calls) {
    NEXTRA_TRY(require(c.org_id, "org_id"));
    if (c.prompt_tokens < 0 || c.completion_tokens < 0 || c.latency_ms < 0 || (c.cost_micros && *c.cost_micros < 0)) {
      return invalid_field("tokens, latency and cost must not be negative", "tokens");
    }
    NEXTRA_TRY(q(std::string("INSERT INTO llm_calls (") + kCallCols +
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 {c.org_id, c.flow_id, c.execution_id, c.agent, c.model, c.provider, c.backend, c.prompt_tokens,
                  c.completion_tokens, c.latency_ms,
                  c.cost_micros ? SqlValue(*c.cost_micros) : SqlValue(std::monostate{}), c.attempts,
                  std::int64_t{c.ok ? 1 : 0}, c.error_code, c.started_at_ms}));
    MonthSums& m = months[{c.org_id, utc_month(c.started_at_ms)}];
    m.in += c.prompt_tokens;
    m.out += c.completion_tokens;
    m.cost += c.cost_micros.value_or(0);
  }
  // One upsert per (org, month): concurrent writers each add their share.
  for (const auto& [key, m] : months) {
    NEXTRA_TRY(q("INSERT INTO usage_counters (org_id, month, llm_tokens_in, llm_tokens_out, cost_micros) "
                 "VALUES (?, ?, ?, ?, ?) ON CONFLICT (org_id, month) DO UPDATE SET "
                 "llm_tokens_in = usage_counters.llm_tokens_in + excluded.llm_tokens_in, "
                 "llm_tokens_out = usage_counters.llm_tokens_out + excluded.llm_tokens_out, "
                 "cost_micros = usage_counters.cost_micros + excluded.cost_micros",
                 {key.first, key.second, m.in, m.out, m.cost}));
  }
  return {};
}

Result<std::vector<LlmUsageGroup>> SqlUsage::usage(const LlmUsageRequest& req) {
  NEXTRA_TRY(require(req.org_id, "org_id"));
  if (req.to_ms <= req.from_ms) return invalid_field("to must be after from", "to");
  NEXTRA_ASSIGN_OR_RETURN(std::string key, group_expression(req.group_by));
  std::string sql = "SELECT " + key +
                    " AS k, COUNT(*), SUM(CASE WHEN ok = 0 THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN ok <> 0 AND cost_micros IS NULL THEN 1 ELSE 0 END), "
                    "SUM(prompt_tokens), SUM(completion_tokens), COALESCE(SUM(cost_micros), 0), SUM(latency_ms) "
                    "FROM llm_calls WHERE org_id = ? AND started_at >= ? AND started_at < ?";
  Params params = {req.org_id, req.from_ms, req.to_ms};
  if (!req.flow_id.empty()) {
    sql += " AND flow_id = ?";
    params.push_back(req.flow_id);
  }
  // Without a group, one aggregate row (counting zero when there were no calls).
  if (!req.group_by.empty()) sql += " GROUP BY k ORDER BY k";
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, q(sql, params));
  std::vector<LlmUsageGroup> out;
  out.reserve(rows.size());
  for (const SqlRow& r : rows) {
    if (col_i64(r, 1) == 0) continue;
    LlmUsageGroup g;
    g.key = req.group_by == "day" ? utc_day(col_i64(r, 0) * 86400000) : col(r, 0);
    g.calls = col_i64(r, 1);
    g.failed_calls = col_i64(r, 2);
    g.unpriced_calls = col_i64(r, 3);
    g.prompt_tokens = col_i64(r, 4);
    g.completion_tokens = col_i64(r, 5);
    g.cost_micros = col_i64(r, 6);
    g.latency_ms = col_i64(r, 7);
    out.push_back(std::move(g));
  }
  return out;
}

Result<std::vector<LlmCall>> SqlUsage::calls_of(const std::string& org_id, const std::string& execution_id) {
  NEXTRA_TRY(require(org_id, "org_id"));
  NEXTRA_TRY(require(execution_id, "execution_id"));
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, q(std::string("SELECT ") + kCallCols +
                                           " FROM llm_calls WHERE execution_id = ? AND execution_id <> '' "
                                           "AND org_id = ? ORDER BY started_at, seq LIMIT 1000",
                                       {execution_id, org_id}));
  std::vector<LlmCall> out;
  out.reserve(rows.size());
  for (const SqlRow& r : rows) out.push_back(call_from(r));
  return out;
}

Result<LlmMonth> SqlUsage::month(const std::string& org_id, const std::string& month) {
  NEXTRA_TRY(require(org_id, "org_id"));
  if (!valid_month(month)) return invalid_field("month must be YYYY-MM", "month");
  NEXTRA_ASSIGN_OR_RETURN(Rows org, q("SELECT llm_cap_micros FROM organizations WHERE id = ?", {org_id}));
  if (org.empty()) return not_found("organization");
  LlmMonth m;
  m.month = month;
  m.cap_micros = col_opt_i64(org[0], 0);
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, q("SELECT llm_tokens_in, llm_tokens_out, cost_micros FROM usage_counters "
                                       "WHERE org_id = ? AND month = ?",
                                       {org_id, month}));
  if (!rows.empty()) {
    m.prompt_tokens = col_i64(rows[0], 0);
    m.completion_tokens = col_i64(rows[0], 1);
    m.cost_micros = col_i64(rows[0], 2);
  }
  return m;
}

Status SqlUsage::set_cap(const std::string& org_id, std::optional<std::int64_t> cap_micros) {
  NEXTRA_TRY(require(org_id, "org_id"));
  if (cap_micros && *cap_micros < 0) return invalid_field("the cap must not be negative", "cap");
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, q("UPDATE organizations SET llm_cap_micros = ? WHERE id = ? RETURNING id",
                                       {cap_micros ? SqlValue(*cap_micros) : SqlValue(std::monostate{}), org_id}));
  if (rows.empty()) return not_found("organization");
  return {};
}

}  // namespace nextra::store::sql
