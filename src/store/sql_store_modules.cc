// WASM modules (issue #7): the rows that say which organization may run which bytes. The
// bytes themselves are files named by their SHA-256 (host/module_files.h).
#include "core/uuid.h"
#include "store/sql_store_internal.h"

namespace nextra::store::sql {
namespace {

constexpr const char* kModuleCols =
    "id, org_id, name, version, sha256, size_bytes, content_path, wit, exports, source, created_by, created_at";

WasmModule module_from(const SqlRow& r) {
  WasmModule m;
  m.id = col(r, 0);
  m.org_id = col(r, 1);
  m.name = col(r, 2);
  m.version = col(r, 3);
  m.sha256 = col(r, 4);
  m.size_bytes = col_i64(r, 5);
  m.content_path = col(r, 6);
  m.wit = col(r, 7);
  m.exports = col(r, 8);
  if (r[9]) m.source = *r[9];
  m.created_by = col(r, 10);
  m.created_at_ms = col_i64(r, 11);
  return m;
}

}  // namespace

Result<WasmModule> SqlModules::create(const CreateModuleRequest& req) {
  NEXTRA_TRY(require(req.org_id, "org_id"));
  NEXTRA_TRY(require(req.name, "name"));
  NEXTRA_TRY(require(req.version, "version"));
  NEXTRA_TRY(require(req.sha256, "sha256"));
  NEXTRA_TRY(require(req.content_path, "content_path"));
  NEXTRA_TRY(check_plan_limit(db_, req.org_id, req.max_modules, "SELECT COUNT(*) FROM wasm_modules WHERE org_id = ?",
                              "modules"));
  // A taken (org, name, version) fails the UNIQUE constraint: AlreadyExists.
  NEXTRA_ASSIGN_OR_RETURN(
      Rows rows,
      q(std::string("INSERT INTO wasm_modules (id, org_id, name, version, sha256, size_bytes, content_path, wit, "
                    "exports, source, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ") +
            kModuleCols,
        {new_uuid_v4(), req.org_id, req.name, req.version, req.sha256, req.size_bytes, req.content_path, req.wit,
         req.exports.empty() ? std::string("[]") : req.exports, opt_text(req.source), req.created_by, now_ms()}));
  return module_from(rows.at(0));
}

Result<WasmModule> SqlModules::get(const std::string& org_id, const std::string& module_id) {
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, q(std::string("SELECT ") + kModuleCols +
                                           " FROM wasm_modules WHERE org_id = ? AND id = ?",
                                       {org_id, module_id}));
  if (rows.empty()) return not_found("module");
  return module_from(rows[0]);
}

Result<WasmModule> SqlModules::find(const std::string& org_id, const std::string& id_or_name) {
  auto by_id = get(org_id, id_or_name);
  if (by_id.ok() || by_id.error().code != ErrorCode::NotFound) return by_id;
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, q(std::string("SELECT ") + kModuleCols +
                                           " FROM wasm_modules WHERE org_id = ? AND name = ? "
                                           "ORDER BY created_at DESC, id DESC LIMIT 1",
                                       {org_id, id_or_name}));
  if (rows.empty()) return not_found("module");
  return module_from(rows[0]);
}

Result<std::vector<WasmModule>> SqlModules::list(const std::string& org_id) {
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, q(std::string("SELECT ") + kModuleCols +
                                           " FROM wasm_modules WHERE org_id = ? ORDER BY name, created_at DESC, id",
                                       {org_id}));
  std::vector<WasmModule> out;
  out.reserve(rows.size());
  for (const SqlRow& r : rows) out.push_back(module_from(r));
  return out;
}

Status SqlModules::remove(const std::string& org_id, const std::string& module_id) {
  NEXTRA_ASSIGN_OR_RETURN(Rows rows,
                          q("DELETE FROM wasm_modules WHERE org_id = ? AND id = ? RETURNING id", {org_id, module_id}));
  if (rows.empty()) return not_found("module");
  return {};
}

Result<std::int64_t> SqlModules::count(const std::string& org_id) {
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, q("SELECT COUNT(*) FROM wasm_modules WHERE org_id = ?", {org_id}));
  return col_i64(rows.at(0), 0);
}

Result<std::int64_t> SqlModules::count_uses(const std::string& sha256) {
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, q("SELECT COUNT(*) FROM wasm_modules WHERE sha256 = ?", {sha256}));
  return col_i64(rows.at(0), 0);
}

}  // namespace nextra::store::sql
