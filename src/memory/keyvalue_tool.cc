#include "memory/keyvalue_tool.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace nextra::memory {
namespace {

struct Answer {
  std::string value;
  bool found = false;
  std::string error;
};

Answer failed(std::string why) { return Answer{"", false, std::move(why)}; }

std::string text_field(const schema::Payload& p, const char* name) {
  const schema::Value* v = p.record.get(name);
  return v && v->is<std::string>() ? v->as<std::string>() : std::string();
}

bool namespace_ok(const std::string& ns) {
  return !ns.empty() && ns.size() <= kMaxNamespaceBytes && std::all_of(ns.begin(), ns.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '_' || c == '.' || c == '-';
         });
}

// The store's wording is for operators; an agent gets what it can act on.
std::string store_error(const Error& e) {
  switch (e.code) {
    case ErrorCode::InvalidArgument:
    case ErrorCode::ResourceExhausted:
      return e.message;
    case ErrorCode::NotFound:
      return "this flow no longer exists";
    default:
      return "project memory is unavailable right now (" + e.message + "); try again later";
  }
}

Answer run(ProjectMemory* memory, const schema::Payload& in) {
  std::string op = text_field(in, "operation");
  std::transform(op.begin(), op.end(), op.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (op != "get" && op != "set" && op != "delete") {
    return failed("operation must be get, set or delete, not '" + op.substr(0, 40) + "'");
  }
  if (!memory) return failed(kMemoryNotEnabled);
  std::string key = text_field(in, "key");
  if (key.empty()) return failed("key is required");
  const std::string ns = text_field(in, "namespace");
  if (!ns.empty()) {
    if (!namespace_ok(ns)) return failed("namespace must be 1 to 64 of the characters A-Z a-z 0-9 _ . -");
    key = ns + ":" + key;
  }
  if (key.rfind(kModulePrefix, 0) == 0) return failed("keys starting with 'wasm:' belong to code blocks");
  if (auto st = check_key(key); !st.ok()) return failed(st.error().message + " (namespace included)");

  if (op == "get") {
    auto got = memory->get(key);
    if (!got.ok()) return failed(store_error(got.error()));
    if (!*got) return Answer{};
    return Answer{std::move(**got), true, ""};
  }
  if (op == "delete") {
    auto removed = memory->remove(key);
    if (!removed.ok()) return failed(store_error(removed.error()));
    return Answer{"", *removed, ""};
  }
  const schema::Value* value = in.record.get("value");
  if (!value || !value->is<std::string>()) return failed("set needs a value (JSON text, for example \"text\", 42 or {\"a\": 1})");
  const std::string& text = value->as<std::string>();
  if (text.size() > kMaxValueBytes) return failed("value is larger than 64 KiB");
  if (!nlohmann::json::accept(text)) {
    return failed("value must be JSON text: quote a string (\"like this\"), or give a number, true/false, null, an array or an object");
  }
  std::int64_t ttl = 0;
  if (const schema::Value* t = in.record.get("ttl_seconds"); t && t->is<std::int64_t>()) ttl = t->as<std::int64_t>();
  auto replaced = memory->set(key, text, ttl);
  if (!replaced.ok()) return failed(store_error(replaced.error()));
  return Answer{text, *replaced, ""};
}

class KeyValueTool final : public pump::Handler {
 public:
  KeyValueTool(std::shared_ptr<ProjectMemory> memory, const schema::Schema& schema)
      : memory_(std::move(memory)), schema_(schema) {}
  // A store call is one short transaction (SQLite's busy timeout or the pool bounds the
  // wait), so the tool answers on the pump's worker like the other native tools.
  pump::HandlerOutcome handle(const pump::HandlerContext& ctx) override {
    pump::HandlerOutcome o;
    auto answer = keyvalue_response(memory_.get(), *ctx.message.payload, schema_);
    if (!answer.ok()) {
      o.error = answer.take_error();
      return o;
    }
    o.emissions.push_back(pump::Emission{std::move(answer).value(), {}, true});
    return o;
  }

 private:
  std::shared_ptr<ProjectMemory> memory_;
  const schema::Schema& schema_;
};

}  // namespace

Result<schema::PayloadPtr> keyvalue_response(ProjectMemory* memory, const schema::Payload& request,
                                             const schema::Schema& schema) {
  if (!request.record.cls || request.record.cls->name != schema::kKeyValueRequest) {
    return Error::invalid("tool:keyvalue takes a KeyValueRequest payload");
  }
  const schema::PayloadClass* out = schema.find(schema::kKeyValueResponse);
  if (!out) return Error::make(ErrorCode::Internal, "the schema has no KeyValueResponse class");
  Answer a = run(memory, request);
  schema::Payload p;
  p.record = schema::zero_record(*out);
  if (auto* v = p.record.get("key")) *v = schema::Value(text_field(request, "key"));
  if (auto* v = p.record.get("value")) *v = schema::Value(std::move(a.value));
  if (auto* v = p.record.get("found")) *v = schema::Value(a.found);
  if (auto* v = p.record.get("error")) *v = schema::Value(std::move(a.error));
  return std::make_shared<const schema::Payload>(std::move(p));
}

pump::HandlerFactory make_keyvalue_tool_factory(std::shared_ptr<ProjectMemory> memory) {
  return [memory](const flow::ListenerSpec& l, const schema::Schema& schema) -> Result<std::unique_ptr<pump::Handler>> {
    if (l.payload_class != schema::kKeyValueRequest) {
      return Error::invalid("tool:keyvalue accepts KeyValueRequest, not " + l.payload_class);
    }
    return std::unique_ptr<pump::Handler>(std::make_unique<KeyValueTool>(memory, schema));
  };
}

}  // namespace nextra::memory
