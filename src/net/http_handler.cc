#include "net/http_handler.h"

#include <nlohmann/json.hpp>

#include "net/http_handler_config.h"
#include "net/target.h"

namespace nextra::net {

namespace {

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) {
    if (s.size() < 4) continue;
    for (auto pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos)) text.replace(pos, s.size(), "[redacted]");
  }
  return text;
}

// The value for one output field from the response; nullopt keeps the zero value.
Result<std::optional<schema::Value>> field_value(const schema::Field& f, const HttpResponse& r, const nlohmann::json& body) {
  const schema::TypeRef* type = &f.type;
  if (type->kind == schema::TypeKind::Optional && type->element) type = type->element.get();
  bool scalar = type->kind == schema::TypeKind::String || type->kind == schema::TypeKind::Int ||
                type->kind == schema::TypeKind::Decimal || type->kind == schema::TypeKind::Bool;
  if (!scalar) return std::optional<schema::Value>();
  std::optional<std::string> text;
  if (f.name == "status" || f.name == "status_code") {
    text = std::to_string(r.status);
  } else if (f.name == "body") {
    text = r.body;
  } else if (f.name == "content_type") {
    text = r.header("Content-Type").value_or("");
  } else if (f.name == "url") {
    text = describe_url(r.url);
  } else if (f.name == "ok") {
    text = r.status >= 200 && r.status < 300 ? "true" : "false";
  } else if (body.is_object() && body.contains(f.name) && !body[f.name].is_null()) {
    const auto& v = body[f.name];
    text = v.is_string() ? v.get<std::string>() : v.dump();
  }
  if (!text) return std::optional<schema::Value>();
  auto v = schema::scalar_from_text(*type, *text);
  if (!v.ok()) {
    return Error{ErrorCode::SchemaViolation, "building " + f.name + " from the response: " + v.error().message, f.name};
  }
  return std::optional<schema::Value>(std::move(v).value());
}

// Immutable after construction and shared with in-flight callbacks, so a response that
// arrives after the handler is gone still finds its configuration.
class HttpCall {
 public:
  explicit HttpCall(HttpHandlerConfig config) : config_(std::move(config)) {
    for (const auto& f : config_.output->fields) {
      if (f.name == "status" || f.name == "status_code") flow_sees_status_ = true;
    }
  }

 public:
  Result<HttpRequest> build(const pump::HandlerContext& ctx) const {
    handlers::Scope scope{&ctx.message.payload->record, ctx.message.from, ctx.message.thread, ctx.listener.name};
    HttpRequest req;
    req.method = config_.method;
    NEXTRA_ASSIGN_OR_RETURN(req.url, config_.url->render(scope));
    for (const auto& [name, t] : config_.headers) {
      NEXTRA_ASSIGN_OR_RETURN(std::string value, t.render(scope));
      req.headers.emplace_back(name, std::move(value));
    }
    req.headers.insert(req.headers.end(), config_.auth_headers.begin(), config_.auth_headers.end());
    if (config_.body) {
      NEXTRA_ASSIGN_OR_RETURN(req.body, config_.body->render(scope));
    }
    req.timeout = config_.timeout;
    req.max_response_bytes = config_.max_response_bytes;
    return req;
  }

  pump::HandlerOutcome failure(Error e) const {
    e.message = "http: " + redact(std::move(e.message), config_.secrets);
    pump::HandlerOutcome o;
    o.error = std::move(e);
    return o;
  }

  pump::HandlerOutcome outcome(const std::string& where, Result<HttpResponse> r) const {
    if (!r.ok()) return failure(r.take_error());
    if (r->status >= 400 && !flow_sees_status_) {
      return failure(Error::make(ErrorCode::Unavailable, where + " answered " + std::to_string(r->status)));
    }
    nlohmann::json body = nlohmann::json::parse(r->body, nullptr, false);
    schema::Record rec = schema::zero_record(*config_.output);
    for (std::size_t i = 0; i < config_.output->fields.size(); ++i) {
      auto v = field_value(config_.output->fields[i], *r, body);
      if (!v.ok()) return failure(v.take_error());
      if (*v) rec.fields[i] = std::move(**v);
    }
    auto payload = std::make_shared<schema::Payload>();
    payload->record = std::move(rec);
    pump::HandlerOutcome o;
    o.emissions.push_back({std::move(payload), config_.to, config_.respond});
    return o;
  }

 private:
  HttpHandlerConfig config_;
  bool flow_sees_status_ = false;
};

class HttpHandler final : public pump::Handler {
 public:
  HttpHandler(HttpHandlerConfig config, std::shared_ptr<HttpClient> client)
      : call_(std::make_shared<HttpCall>(std::move(config))), client_(std::move(client)) {}

  bool is_async() const override { return true; }

  pump::HandlerOutcome handle(const pump::HandlerContext&) override {
    pump::HandlerOutcome o;
    o.error = Error::make(ErrorCode::Internal, "the http handler is asynchronous");
    return o;
  }

  void handle_async(const pump::HandlerContext& ctx, std::function<void(pump::HandlerOutcome)> done) override {
    auto request = call_->build(ctx);
    if (!request.ok()) {
      done(call_->failure(request.take_error()));
      return;
    }
    std::string where = request->method + " " + describe_url(request->url);
    Status queued = client_->send_async(std::move(request).value(), [call = call_, where, done](Result<HttpResponse> r) {
      done(call->outcome(where, std::move(r)));
    });
    if (!queued.ok()) done(call_->failure(queued.take_error()));
  }

 private:
  std::shared_ptr<const HttpCall> call_;
  std::shared_ptr<HttpClient> client_;
};

}  // namespace

pump::HandlerFactory make_http_handler_factory(std::shared_ptr<HttpClient> client) {
  return [client](const flow::ListenerSpec& spec, const schema::Schema& schema) -> Result<std::unique_ptr<pump::Handler>> {
    auto config = parse_http_handler_config(spec, schema);
    if (!config.ok()) return config.take_error();
    return std::unique_ptr<pump::Handler>(std::make_unique<HttpHandler>(std::move(config).value(), client));
  };
}

}  // namespace nextra::net
