// WASM modules over HTTP (issue #7): upload (multipart, raw application/wasm, or JSON with
// base64), list, delete, and one test call for the editor's test panel. Every upload is
// checked by the sandbox under the platform's limits and against its WIT before a byte is
// kept; the bytes go to a file named by their SHA-256 (host/module_files.h), the row to the
// store, scoped to the caller's organization.
#include <cctype>
#include <memory>
#include <thread>
#include <variant>

#include "api/accounts.h"
#include "api/caller.h"
#include "api/json_body.h"
#include "api/json_views.h"
#include "api/module_build.h"
#include "core/thread_name.h"
#include "api/multipart.h"
#include "api/routes.h"
#include "api/tiers.h"
#include "auth/tokens.h"
#include "host/module_files.h"
#include "http/error_mapping.h"
#include "wasm/host_services.h"
#include "wasm/upload_check.h"
#include "wasm/wit.h"

namespace nextra::api {
namespace {

using http::Request;
using http::Response;
using store::Role;

constexpr std::size_t kMaxNameBytes = 100;
constexpr std::size_t kMaxVersionBytes = 50;
constexpr std::size_t kMaxWitBytes = 64 * 1024;
constexpr std::size_t kMaxSourceBytes = 512 * 1024;
constexpr std::size_t kMaxRunInputBytes = 256 * 1024;
constexpr std::uint64_t kMaxRunFuel = 100'000'000;

wasm::Limits upload_limits() { return wasm::Limits{}; }  // the platform's defaults (docs/wasm.md)

Response unavailable() {
  return Response::error(503, "unavailable", "WASM modules are not enabled on this server");
}

Response field_error(const std::string& field, const std::string& message) {
  return Response::error(400, "invalid_argument", message, {{"field", field}});
}

// A module name: what a YAML `wasm: {module: NAME}` refers to.
bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameBytes) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  }
  return true;
}

nlohmann::json class_json(const wasm::PayloadClassDesc& c) {
  auto fields = nlohmann::json::object();
  for (const auto& f : c.fields) fields[f.name] = f.type;
  return {{"name", c.name}, {"fields", std::move(fields)}};
}

// The payload classes the module's WIT says `handle` takes and answers, in the `payloads:`
// vocabulary, so the palette can add them to a flow with the code block.
nlohmann::json classes_json(const std::string& wit) {
  auto doc = wasm::parse_wit(wit);
  if (!doc.ok()) return nullptr;
  auto input = wasm::input_payload_class(*doc);
  if (!input.ok()) return nullptr;
  const wasm::WitFunction* f = doc->find_function("handle");
  if (!f && !doc->functions.empty()) f = &doc->functions.front();
  const wasm::WitRecord* out = f ? doc->find_record(f->output) : nullptr;
  return {{"input", class_json(*input)}, {"output", out ? class_json(wasm::payload_class_of(*out)) : nullptr}};
}

nlohmann::json module_json(const store::WasmModule& m) {
  return {{"id", m.id},
          {"payloadClasses", classes_json(m.wit)},
          {"name", m.name},
          {"version", m.version},
          {"sha256", m.sha256},
          {"sizeBytes", m.size_bytes},
          {"exports", stored_json(m.exports)},
          {"wit", m.wit},
          {"hasSource", m.source.has_value()},
          {"createdAt", iso_time(m.created_at_ms)},
          {"createdBy", m.created_by}};
}

struct Upload {
  std::string name;
  std::string version = "1.0.0";
  std::string wit;
  std::string bytes;
  std::optional<std::string> source;
};

// The three ways to send a module. Returns a 4xx response when the request is unusable.
Response build_answer(const std::shared_ptr<const wasm::Sandbox>& sandbox, const Result<BuildResult>& built);

std::variant<Upload, Response> read_upload(const Request& req, const ApiServices& s) {
  Upload up;
  const std::string type(req.header("Content-Type").value_or(""));
  auto query = [&](const char* key) { return req.query_param(key).value_or(""); };
  if (type.rfind("multipart/form-data", 0) == 0) {
    auto parts = parse_multipart(type, req.body);
    if (!parts.ok()) return http::from_error(parts.error());
    const FormPart* file = find_part(*parts, "file");
    if (!file) return field_error("file", "the form has no `file` part with the .wasm module");
    up.bytes = file->data;
    if (const FormPart* p = find_part(*parts, "name")) up.name = p->data;
    if (const FormPart* p = find_part(*parts, "version")) up.version = p->data;
    if (const FormPart* p = find_part(*parts, "wit")) up.wit = p->data;
    if (up.name.empty() && file->filename) {
      up.name = *file->filename;
      if (up.name.size() > 5 && up.name.compare(up.name.size() - 5, 5, ".wasm") == 0) up.name.resize(up.name.size() - 5);
    }
  } else if (type.rfind("application/wasm", 0) == 0) {
    up.bytes = req.body;
    up.name = query("name");
    if (!query("version").empty()) up.version = query("version");
    up.wit = query("wit");
  } else {
    auto body = parse_json_object(req);
    if (!body.ok()) return http::from_error(body.error());
    auto name = required_string(*body, "name", kMaxNameBytes);
    if (!name.ok()) return http::from_error(name.error());
    up.name = *name;
    auto version = optional_string(*body, "version", kMaxVersionBytes);
    if (!version.ok()) return http::from_error(version.error());
    if (*version) up.version = **version;
    auto wit = optional_string(*body, "wit", kMaxWitBytes);
    if (!wit.ok()) return http::from_error(wit.error());
    if (*wit) up.wit = **wit;
    auto b64 = optional_string(*body, "wasmBase64", 8 * 1024 * 1024);
    if (!b64.ok()) return http::from_error(b64.error());
    auto source = optional_string(*body, "source", kMaxSourceBytes);
    if (!source.ok()) return http::from_error(source.error());
    if (!*b64 && !*source) {
      return field_error("wasmBase64", "send the module as wasmBase64, its AssemblyScript as source, or multipart/form-data");
    }
    if (*b64) {
      auto bytes = auth::base64_decode(**b64);
      if (!bytes) return field_error("wasmBase64", "wasmBase64 is not valid base64");
      up.bytes = std::move(*bytes);
    } else {
      // Source only: built here like POST /api/modules/build (bounded: time, heap, two at
      // once), on this io thread; a failed build answers its diagnostics and stores nothing.
      if (!build_available(s.config.module_build)) {
        return Response::error(503, "unavailable", "the AssemblyScript compiler is not installed");
      }
      auto built = build_assemblyscript(s.config.module_build, **source);
      if (!built.ok() || !built->ok) return build_answer(s.wasm_sandbox, built);
      up.bytes = std::move(built->wasm);
    }
    up.source = *source;
  }
  if (!valid_name(up.name)) {
    return field_error("name", "name must be 1-100 letters, digits, '-', '_' or '.'");
  }
  if (up.version.empty() || up.version.size() > kMaxVersionBytes) {
    return field_error("version", "version must be 1-50 characters");
  }
  if (up.wit.size() > kMaxWitBytes) return field_error("wit", "wit is over 64 KiB");
  if (up.bytes.empty()) return field_error("file", "the module is empty");
  return up;
}

std::optional<Response> check_module_limit(ApiServices& s, const store::Organization& org) {
  if (!s.config.saas) return std::nullopt;
  auto limit = limits_for_plan(org.plan).wasm_modules;
  if (!limit) return std::nullopt;
  auto count = s.store->count_modules(org.id);
  if (!count.ok()) return http::from_error(count.error());
  if (*count < *limit) return std::nullopt;
  return tier_limit_response(org, "modules", "module", *limit, *count);
}

Response list_modules(ApiServices& s, const Request& req, const Caller& c) {
  auto paging = paging_from_query(req);
  if (!paging.ok()) return http::from_error(paging.error());
  auto all = s.store->list_modules(c.org.id);
  if (!all.ok()) return http::from_error(all.error());
  auto items = nlohmann::json::array();
  const auto first = static_cast<std::size_t>(paging->offset());
  for (std::size_t i = first; i < all->size() && i < first + static_cast<std::size_t>(paging->page_size); ++i) {
    items.push_back(module_json((*all)[i]));
  }
  return Response::json(200, page_json(std::move(items), static_cast<std::int64_t>(all->size()), paging->page,
                                       paging->page_size));
}

Response get_module(ApiServices& s, const Request& req, const Caller& c) {
  auto m = s.store->get_module(c.org.id, req.path_param("id").value_or(""));
  if (!m.ok()) return http::from_error(m.error());
  auto body = module_json(*m);
  if (m->source) body["source"] = *m->source;
  return Response::json(200, body);
}

Response create_module(ApiServices& s, const Request& req, const Caller& c) {
  if (!s.wasm_sandbox || s.config.modules_dir.empty()) return unavailable();
  if (auto limited = check_module_limit(s, c.org)) return *limited;
  auto read = read_upload(req, s);
  if (auto* r = std::get_if<Response>(&read)) return std::move(*r);
  Upload up = std::move(std::get<Upload>(read));
  if (up.bytes.size() > upload_limits().module_bytes) {
    return Response::error(413, "payload_too_large",
                           "the module is " + std::to_string(up.bytes.size()) + " bytes, over the limit of " +
                               std::to_string(upload_limits().module_bytes),
                           {{"field", "file"}, {"limit", upload_limits().module_bytes}});
  }
  auto checked = wasm::check_upload(*s.wasm_sandbox, up.bytes, up.wit, upload_limits());
  if (!checked.ok()) {
    const Error& e = checked.error();
    nlohmann::json details = {{"field", e.field.empty() ? std::string("file") : e.field}};
    if (e.line) details["line"] = e.line;
    if (e.column) details["column"] = e.column;
    return Response::error(400, "invalid_module", e.message, std::move(details));
  }
  auto exports = nlohmann::json::array();
  for (const auto& x : checked->info.exports) exports.push_back(x.name);
  host::ModuleFiles files(s.config.modules_dir);
  auto stored = files.put(up.bytes);
  if (!stored.ok()) return http::from_error(stored.error());
  store::CreateModuleRequest cr;
  cr.org_id = c.org.id;
  cr.name = up.name;
  cr.version = up.version;
  cr.sha256 = stored->sha256;
  cr.size_bytes = static_cast<std::int64_t>(up.bytes.size());
  cr.content_path = stored->file_name;
  cr.wit = up.wit;
  cr.exports = exports.dump();
  cr.source = up.source;
  cr.created_by = c.user.id;
  if (s.config.saas) cr.max_modules = limits_for_plan(c.org.plan).wasm_modules;
  auto m = s.store->create_module(cr);
  if (!m.ok()) {
    // A file no row uses (a failed insert of new bytes) would only waste space: remove it.
    auto uses = s.store->count_module_uses(stored->sha256);
    if (uses.ok() && *uses == 0) files.remove(stored->file_name);
    if (m.error().code == ErrorCode::ResourceExhausted && cr.max_modules) {
      return tier_limit_response(c.org, "modules", "module", *cr.max_modules, *cr.max_modules);
    }
    if (m.error().code == ErrorCode::AlreadyExists) {
      return Response::error(409, "already_exists",
                             "module " + up.name + " " + up.version + " exists; upload a new version",
                             {{"field", "version"}});
    }
    return http::from_error(m.error());
  }
  audit(s, c, req, "module.create", "module", m->id);
  auto r = Response::json(201, module_json(*m));
  r.headers.set("Location", "/api/modules/" + m->id);
  return r;
}

Response delete_module(ApiServices& s, const Request& req, const Caller& c) {
  const std::string id = req.path_param("id").value_or("");
  auto m = s.store->get_module(c.org.id, id);
  if (!m.ok()) return http::from_error(m.error());
  auto st = s.store->delete_module(c.org.id, id);
  if (!st.ok()) return http::from_error(st.error());
  if (!s.config.modules_dir.empty()) {
    auto uses = s.store->count_module_uses(m->sha256);
    if (uses.ok() && *uses == 0) host::ModuleFiles(s.config.modules_dir).remove(m->content_path);
  }
  audit(s, c, req, "module.delete", "module", id);
  Response resp;
  resp.status = 204;
  return resp;
}

// The test panel's host: log lines are collected for the answer; no network or memory (a
// test run must not have effects outside the sandbox).
class TestRunHost final : public wasm::HostServices {
 public:
  void log(std::string_view line) override { logs.emplace_back(line); }
  Result<wasm::HttpResponse> http_fetch(const wasm::HttpRequest& request,
                                        std::chrono::steady_clock::time_point) override {
    return Error::make(ErrorCode::PermissionDenied,
                       "http_fetch is not available in a test run (" + request.url + "); run the flow instead");
  }
  wasm::KvStore* kv() override { return nullptr; }
  std::vector<std::string> logs;
};

Response run_module(ApiServices& s, const Request& req, const Caller& c) {
  if (!s.wasm_sandbox || s.config.modules_dir.empty()) return unavailable();
  auto m = s.store->get_module(c.org.id, req.path_param("id").value_or(""));
  if (!m.ok()) return http::from_error(m.error());
  auto body = parse_json_object(req);
  if (!body.ok()) return http::from_error(body.error());
  nlohmann::json payload = body->contains("payload") ? (*body)["payload"] : nlohmann::json::object();
  if (!payload.is_object()) return field_error("payload", "payload must be a JSON object");
  const std::string input = payload.dump();
  if (input.size() > kMaxRunInputBytes) return field_error("payload", "payload is over 256 KiB");
  wasm::Limits limits = upload_limits();
  auto fuel = optional_integer(*body, "fuel");
  if (!fuel.ok()) return http::from_error(fuel.error());
  if (*fuel) {
    if (**fuel < 1 || static_cast<std::uint64_t>(**fuel) > kMaxRunFuel) {
      return field_error("fuel", "fuel must be between 1 and " + std::to_string(kMaxRunFuel));
    }
    limits.fuel = static_cast<std::uint64_t>(**fuel);
  }
  auto bytes = host::ModuleFiles(s.config.modules_dir).read(m->content_path, limits.module_bytes);
  if (!bytes.ok()) return http::from_error(bytes.error());
  auto compiled = s.wasm_sandbox->compile(*bytes, limits);
  if (!compiled.ok()) return Response::error(422, "module_failed", compiled.error().message);
  TestRunHost host;
  auto instance = s.wasm_sandbox->instantiate(*compiled, host);
  if (!instance.ok()) {
    return Response::error(422, "module_failed", instance.error().message, {{"logs", host.logs}});
  }
  auto out = (*instance)->call_json("handle", input, limits, host);
  if (!out.ok()) {
    const Error& e = out.error();
    const char* code = e.code == ErrorCode::ResourceExhausted  ? "limit_exceeded"
                       : e.code == ErrorCode::DeadlineExceeded ? "timeout"
                                                               : "module_failed";
    return Response::error(422, code, e.message, {{"logs", host.logs}});
  }
  auto json = nlohmann::json::parse(out->json, nullptr, false);
  nlohmann::json answer = {{"fuelUsed", out->fuel_used},
                           {"elapsedMicros", out->elapsed.count()},
                           {"logs", host.logs},
                           {"to", nullptr}};
  if (json.is_discarded()) {
    answer["output"] = nullptr;
    answer["raw"] = out->json.substr(0, 64 * 1024);
    answer["error"] = "the module's output is not JSON";
  } else {
    if (json.is_object() && json.contains("_to") && json["_to"].is_string()) {
      answer["to"] = json["_to"];
      json.erase("_to");
    }
    answer["output"] = std::move(json);
  }
  return Response::json(200, answer);
}

nlohmann::json diagnostics_json(const std::vector<BuildDiagnostic>& diagnostics) {
  auto out = nlohmann::json::array();
  for (const auto& d : diagnostics) {
    out.push_back({{"file", d.file}, {"line", d.line}, {"column", d.column}, {"message", d.message},
                   {"severity", d.severity}});
  }
  return out;
}

// The answer to a build: the module (base64, size, exports, checked by the sandbox) or the
// compiler's diagnostics at their line and column.
Response build_answer(const std::shared_ptr<const wasm::Sandbox>& sandbox, const Result<BuildResult>& built) {
  if (!built.ok()) {
    const Error& e = built.error();
    if (e.code == ErrorCode::DeadlineExceeded) return Response::error(422, "build_timeout", e.message);
    return http::from_error(e);
  }
  if (!built->ok) {
    std::size_t errors = 0;
    for (const auto& d : built->diagnostics) errors += d.severity == "error";
    auto diagnostics = diagnostics_json(built->diagnostics);
    auto r = Response::error(422, "build_failed",
                             std::to_string(errors) + (errors == 1 ? " error" : " errors") + " in the source",
                             {{"diagnostics", diagnostics}});
    auto body = nlohmann::json::parse(r.body);
    body["ok"] = false;
    body["diagnostics"] = std::move(diagnostics);
    return Response::json(422, body);
  }
  auto exports = nlohmann::json::array();
  auto compiled = sandbox ? sandbox->compile(built->wasm, upload_limits())
                                 : Result<std::shared_ptr<const wasm::CompiledModule>>(
                                       Error::make(ErrorCode::Unavailable, "no sandbox"));
  if (!compiled.ok()) {
    return Response::error(422, "invalid_module", "the built module does not load: " + compiled.error().message);
  }
  for (const auto& x : (*compiled)->info().exports) exports.push_back(x.name);
  return Response::json(200, {{"ok", true},
                              {"wasmBase64", auth::base64_encode(built->wasm)},
                              {"sizeBytes", built->wasm.size()},
                              {"exports", std::move(exports)},
                              {"diagnostics", diagnostics_json(built->diagnostics)}});
}

// Compiling takes a second or more: it runs on its own thread and the answer comes later,
// so the io thread keeps serving other connections.
Response build_module(ApiServices& s, const Request& req, const Caller&) {
  auto body = parse_json_object(req);
  if (!body.ok()) return http::from_error(body.error());
  auto source = required_string(*body, "source", s.config.module_build.max_source_bytes);
  if (!source.ok()) return http::from_error(source.error());
  if (!build_available(s.config.module_build)) {
    return Response::error(503, "unavailable",
                           "the AssemblyScript compiler is not installed (scripts/setup.sh installs it under tools/asc; "
                           "NEXTRA_ASC names another asc.js)");
  }
  auto deferred = std::make_shared<http::DeferredResponse>();
  deferred->set_deadline(std::chrono::steady_clock::now() + s.config.module_build.timeout + std::chrono::seconds(5),
                         [] { return Response::error(503, "unavailable", "the build did not finish in time"); });
  // The thread owns copies of what it needs: it may outlive this server's services.
  std::thread([options = s.config.module_build, sandbox = s.wasm_sandbox, deferred, src = std::move(source).value()] {
    name_this_thread("wasm-build");
    auto built = build_assemblyscript(options, src);
    auto answer = std::make_shared<Response>(build_answer(sandbox, built));
    deferred->complete([answer] { return std::move(*answer); });
  }).detach();
  return Response::later(deferred);
}

}  // namespace

void add_module_routes(http::Router& router, ApiServices& s) {
  router.get("/api/modules", with_caller(s, Role::Viewer, list_modules));
  router.post("/api/modules/build", with_caller(s, Role::Member, build_module));
  router.post("/api/modules", with_caller(s, Role::Member, create_module));
  router.get("/api/modules/{id}", with_caller(s, Role::Viewer, get_module));
  router.del("/api/modules/{id}", with_caller(s, Role::Member, delete_module));
  router.post("/api/modules/{id}/run", with_caller(s, Role::Member, run_module));
}

}  // namespace nextra::api
