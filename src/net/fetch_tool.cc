#include "net/fetch_tool.h"

#include <set>

#include "auth/tokens.h"
#include "xml/escape.h"

namespace nextra::net {
namespace {

constexpr std::size_t kMaxBody = 10 * 1024 * 1024;

std::string field(const schema::Payload& p, const char* name) {
  const schema::Value* v = p.record.get(name);
  return v && !v->is_null() ? v->to_text() : std::string();
}

pump::HandlerOutcome answer(const schema::PayloadClass* cls, std::string url, int status, std::string body,
                            std::string content_type, std::string error) {
  schema::Payload p;
  p.record = schema::zero_record(*cls);
  *p.record.get("url") = schema::Value(std::move(url));
  *p.record.get("status_code") = schema::Value(status);
  *p.record.get("body") = schema::Value(std::move(body));
  *p.record.get("content_type") = schema::Value(std::move(content_type));
  *p.record.get("error") = schema::Value(std::move(error));
  pump::HandlerOutcome o;
  o.emissions.push_back(pump::Emission{std::make_shared<const schema::Payload>(std::move(p)), {}, true});
  return o;
}

class FetchTool final : public pump::Handler {
 public:
  FetchTool(std::shared_ptr<HttpClient> client, const schema::PayloadClass* response)
      : client_(std::move(client)), response_(response) {}
  bool is_async() const override { return true; }
  pump::HandlerOutcome handle(const pump::HandlerContext&) override {
    pump::HandlerOutcome o;
    o.error = Error::make(ErrorCode::Internal, "tool:fetch runs asynchronously");
    return o;
  }

  void handle_async(const pump::HandlerContext& ctx, std::function<void(pump::HandlerOutcome)> done) override {
    const schema::Payload& in = *ctx.message.payload;
    HttpRequest r;
    r.url = field(in, "url");
    r.method = field(in, "method");
    for (char& c : r.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (r.method.empty()) r.method = "GET";
    r.body = field(in, "body");
    r.max_response_bytes = kMaxBody;
    r.max_redirects = 5;
    static const std::set<std::string> kMethods = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"};
    if (!kMethods.count(r.method)) return done(answer(response_, r.url, 0, "", "", "unsupported method '" + r.method.substr(0, 20) + "'"));
    const std::string timeout = field(in, "timeout");
    long long seconds = timeout.empty() ? 30 : std::atoll(timeout.c_str());
    if (seconds < 1 || seconds > 300) return done(answer(response_, r.url, 0, "", "", "timeout must be 1 to 300 seconds"));
    r.timeout = std::chrono::seconds(seconds);
    std::string headers = field(in, "headers");
    for (std::size_t pos = 0; pos < headers.size();) {
      auto nl = headers.find('\n', pos);
      std::string line = headers.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      pos = nl == std::string::npos ? headers.size() : nl + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      auto colon = line.find(':');
      if (colon == std::string::npos || colon == 0) return done(answer(response_, r.url, 0, "", "", "header line without 'Key: Value'"));
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      r.headers.emplace_back(line.substr(0, colon), value);
      if (r.headers.size() > 64) return done(answer(response_, r.url, 0, "", "", "more than 64 headers"));
    }
    Status queued = client_->send_async(std::move(r), [cls = response_, url = field(in, "url"), done](Result<HttpResponse> got) {
      if (!got.ok()) return done(answer(cls, url, 0, "", "", got.error().message));
      std::string body = std::move(got->body);
      // Only text a payload can carry stays text (UTF-8 of XML characters); the rest is base64.
      if (!xml::is_valid_xml_text(body)) body = auth::base64_encode(body);
      done(answer(cls, got->url.empty() ? url : got->url, got->status, std::move(body), got->header("Content-Type").value_or(""), ""));
    });
    if (!queued.ok()) done(answer(response_, field(in, "url"), 0, "", "", queued.error().message));
  }

 private:
  std::shared_ptr<HttpClient> client_;
  const schema::PayloadClass* response_;
};

}  // namespace

pump::HandlerFactory make_fetch_tool_factory(std::shared_ptr<HttpClient> client) {
  return [client](const flow::ListenerSpec& l, const schema::Schema& schema) -> Result<std::unique_ptr<pump::Handler>> {
    if (l.payload_class != schema::kFetchRequest) {
      return Error::invalid("tool:fetch accepts FetchRequest, not " + l.payload_class);
    }
    return std::unique_ptr<pump::Handler>(std::make_unique<FetchTool>(client, schema.find(schema::kFetchResponse)));
  };
}

}  // namespace nextra::net
