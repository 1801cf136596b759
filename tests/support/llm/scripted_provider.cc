#include "llm/scripted_provider.h"

#include <cctype>

namespace nextra::llm::testing {

namespace {

using nlohmann::json;

// "The quick fox" -> "The", " quick", " fox": a few tokens to stream.
std::vector<std::string> pieces(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ' ' && !cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
    cur.push_back(c);
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

json openai_body(const Reply& r, const std::string& model) {
  json message{{"role", "assistant"}, {"content", r.text}};
  std::string finish = "stop";
  if (r.kind == Reply::Kind::ToolCall) {
    message["content"] = nullptr;
    message["tool_calls"] = json::array({{{"id", "call_1"}, {"type", "function"},
                                          {"function", {{"name", r.tool_name}, {"arguments", r.tool_args.dump()}}}}});
    finish = "tool_calls";
  }
  return {{"id", "chatcmpl-1"}, {"object", "chat.completion"}, {"model", model},
          {"choices", json::array({{{"index", 0}, {"message", message}, {"finish_reason", finish}}})},
          {"usage", {{"prompt_tokens", r.prompt_tokens}, {"completion_tokens", r.completion_tokens},
                     {"total_tokens", r.prompt_tokens + r.completion_tokens}}}};
}

json anthropic_body(const Reply& r, const std::string& model) {
  json content = json::array();
  std::string stop = "end_turn";
  if (r.kind == Reply::Kind::ToolCall) {
    content.push_back({{"type", "tool_use"}, {"id", "toolu_1"}, {"name", r.tool_name}, {"input", r.tool_args}});
    stop = "tool_use";
  } else {
    content.push_back({{"type", "text"}, {"text", r.text}});
  }
  return {{"id", "msg_1"}, {"type", "message"}, {"role", "assistant"}, {"model", model}, {"content", content},
          {"stop_reason", stop}, {"usage", {{"input_tokens", r.prompt_tokens}, {"output_tokens", r.completion_tokens}}}};
}

json gemini_usage(const Reply& r) {
  return {{"promptTokenCount", r.prompt_tokens}, {"candidatesTokenCount", r.completion_tokens},
          {"totalTokenCount", r.prompt_tokens + r.completion_tokens}};
}

json gemini_body(const Reply& r, const std::string& model) {
  json parts = json::array();
  if (r.kind == Reply::Kind::ToolCall) {
    parts.push_back({{"functionCall", {{"name", r.tool_name}, {"args", r.tool_args}}}});
  } else {
    parts.push_back({{"text", r.text}});
  }
  return {{"candidates", json::array({{{"content", {{"role", "model"}, {"parts", parts}}}, {"finishReason", "STOP"}, {"index", 0}}})},
          {"usageMetadata", gemini_usage(r)}, {"modelVersion", model}};
}

void stream_openai(http::EventStream& s, const Reply& r, const std::string& model) {
  auto chunk = [&](json delta, json finish = nullptr) {
    s.send("", json{{"id", "chatcmpl-1"}, {"object", "chat.completion.chunk"}, {"model", model},
                    {"choices", json::array({{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}})}}.dump());
  };
  if (r.kind == Reply::Kind::ToolCall) {
    std::string args = r.tool_args.dump();
    std::size_t half = args.size() / 2;
    chunk({{"tool_calls", json::array({{{"index", 0}, {"id", "call_1"}, {"type", "function"},
                                        {"function", {{"name", r.tool_name}, {"arguments", args.substr(0, half)}}}}})}});
    chunk({{"tool_calls", json::array({{{"index", 0}, {"function", {{"arguments", args.substr(half)}}}}})}});
    chunk(json::object(), "tool_calls");
  } else {
    chunk({{"role", "assistant"}, {"content", ""}});
    for (const auto& p : pieces(r.text)) chunk({{"content", p}});
    chunk(json::object(), "stop");
  }
  s.send("", json{{"id", "chatcmpl-1"}, {"object", "chat.completion.chunk"}, {"choices", json::array()},
                  {"usage", {{"prompt_tokens", r.prompt_tokens}, {"completion_tokens", r.completion_tokens}}}}.dump());
  s.send("", "[DONE]");
}

void stream_anthropic(http::EventStream& s, const Reply& r, const std::string& model) {
  auto ev = [&](const char* name, json data) {
    data["type"] = name;
    s.send(name, data.dump());
  };
  ev("message_start", {{"message", {{"id", "msg_1"}, {"model", model}, {"content", json::array()},
                                    {"usage", {{"input_tokens", r.prompt_tokens}, {"output_tokens", 1}}}}}});
  std::string stop = "end_turn";
  if (r.kind == Reply::Kind::ToolCall) {
    std::string args = r.tool_args.dump();
    std::size_t half = args.size() / 2;
    ev("content_block_start", {{"index", 0}, {"content_block", {{"type", "tool_use"}, {"id", "toolu_1"}, {"name", r.tool_name}, {"input", json::object()}}}});
    ev("content_block_delta", {{"index", 0}, {"delta", {{"type", "input_json_delta"}, {"partial_json", args.substr(0, half)}}}});
    ev("content_block_delta", {{"index", 0}, {"delta", {{"type", "input_json_delta"}, {"partial_json", args.substr(half)}}}});
    stop = "tool_use";
  } else {
    ev("content_block_start", {{"index", 0}, {"content_block", {{"type", "text"}, {"text", ""}}}});
    ev("ping", json::object());
    for (const auto& p : pieces(r.text)) ev("content_block_delta", {{"index", 0}, {"delta", {{"type", "text_delta"}, {"text", p}}}});
  }
  ev("content_block_stop", {{"index", 0}});
  ev("message_delta", {{"delta", {{"stop_reason", stop}}}, {"usage", {{"output_tokens", r.completion_tokens}}}});
  ev("message_stop", json::object());
}

void stream_gemini(http::EventStream& s, const Reply& r, const std::string& model) {
  if (r.kind == Reply::Kind::ToolCall) {
    json body = gemini_body(r, model);
    s.send("", body.dump());
    return;
  }
  auto parts = pieces(r.text);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    json cand{{"content", {{"role", "model"}, {"parts", json::array({{{"text", parts[i]}}})}}}, {"index", 0}};
    json chunk{{"candidates", json::array()}, {"modelVersion", model}};
    if (i + 1 == parts.size()) {
      cand["finishReason"] = "STOP";
      chunk["usageMetadata"] = gemini_usage(r);
    }
    chunk["candidates"].push_back(cand);
    s.send("", chunk.dump());
  }
}

}  // namespace

Reply Reply::text_reply(std::string t, long long prompt, long long completion) {
  Reply r;
  r.text = std::move(t);
  r.prompt_tokens = prompt;
  r.completion_tokens = completion;
  return r;
}
Reply Reply::tool_call(std::string name, nlohmann::json args) {
  Reply r;
  r.kind = Kind::ToolCall;
  r.tool_name = std::move(name);
  r.tool_args = std::move(args);
  return r;
}
Reply Reply::error(int status, std::string retry_after, std::string body) {
  Reply r;
  r.kind = Kind::Status;
  r.status = status;
  r.retry_after = std::move(retry_after);
  r.body = body.empty() ? json{{"error", {{"message", "scripted " + std::to_string(status)}, {"type", "scripted"}}}}.dump() : std::move(body);
  return r;
}
Reply Reply::hang() {
  Reply r;
  r.kind = Kind::Hang;
  return r;
}
Reply Reply::malformed() {
  Reply r;
  r.kind = Kind::Malformed;
  return r;
}
Reply Reply::held(std::string t) {
  Reply r = text_reply(std::move(t));
  r.kind = Kind::Held;
  return r;
}
Reply Reply::unauthorized_echoing_key() {
  Reply r;
  r.kind = Kind::EchoKeyUnauthorized;
  return r;
}

ScriptedProviderServer::ScriptedProviderServer() {
  http::Router r;
  r.post("/{backend}/v1/chat/completions", [this](const http::Request& q) { return handle(WireFormat::OpenAi, q, ""); });
  r.post("/{backend}/v1/messages", [this](const http::Request& q) { return handle(WireFormat::Anthropic, q, ""); });
  r.post("/{backend}/v1beta/models/{action}", [this](const http::Request& q) {
    return handle(WireFormat::Gemini, q, q.path_param("action").value_or(""));
  });
  http::ServerOptions o;
  o.threads = 8;  // held and hanging replies each occupy an io thread
  o.shutdown_timeout = std::chrono::milliseconds(2000);
  server_ = std::make_unique<http::Server>(o, std::move(r));
  auto port = server_->start();
  if (port.ok()) port_ = *port;
}

ScriptedProviderServer::~ScriptedProviderServer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  server_->stop();
}

std::string ScriptedProviderServer::base_url(const std::string& backend, WireFormat wire) const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/" + backend + (wire == WireFormat::Gemini ? "/v1beta" : "/v1");
}

void ScriptedProviderServer::script(const std::string& backend, std::vector<Reply> replies) {
  std::lock_guard lock(mu_);
  auto& s = scripts_[backend];
  s.insert(s.end(), replies.begin(), replies.end());
}

void ScriptedProviderServer::release_held() {
  {
    std::lock_guard lock(mu_);
    released_ = true;
  }
  cv_.notify_all();
}

std::vector<Received> ScriptedProviderServer::received(const std::string& backend) const {
  std::lock_guard lock(mu_);
  std::vector<Received> out;
  for (const auto& r : received_) {
    if (backend.empty() || r.backend == backend) out.push_back(r);
  }
  return out;
}

int ScriptedProviderServer::calls(const std::string& backend) const { return static_cast<int>(received(backend).size()); }

int ScriptedProviderServer::max_in_flight(const std::string& backend) const {
  std::lock_guard lock(mu_);
  auto it = max_in_flight_.find(backend);
  return it == max_in_flight_.end() ? 0 : it->second;
}

int ScriptedProviderServer::in_flight(const std::string& backend) const {
  std::lock_guard lock(mu_);
  auto it = in_flight_.find(backend);
  return it == in_flight_.end() ? 0 : it->second;
}

Reply ScriptedProviderServer::next(const std::string& backend) {
  auto& s = scripts_[backend];
  if (s.empty()) return Reply::text_reply("ok");
  Reply r = s.front();
  s.erase(s.begin());
  return r;
}

void ScriptedProviderServer::set_latency(std::chrono::milliseconds latency) {
  std::lock_guard lock(mu_);
  latency_ = latency;
}

// The answer, after the latency: the deferred response's deadline is the timer, so a waiting
// answer holds no server thread.
http::Response ScriptedProviderServer::handle(WireFormat wire, const http::Request& req, const std::string& action) {
  std::chrono::milliseconds latency;
  {
    std::lock_guard lock(mu_);
    latency = latency_;
  }
  http::Response now = answer(wire, req, action);
  if (latency.count() <= 0) return now;
  // Counted in flight until the answer leaves (answer() counted only its own run).
  const std::string backend = req.path_param("backend").value_or("");
  {
    std::lock_guard lock(mu_);
    int n = ++in_flight_[backend];
    max_in_flight_[backend] = std::max(max_in_flight_[backend], n);
  }
  auto later = std::make_shared<http::DeferredResponse>();
  later->set_deadline(std::chrono::steady_clock::now() + latency, [this, backend, now] {
    std::lock_guard lock(mu_);
    --in_flight_[backend];
    return now;
  });
  return http::Response::later(later);
}

http::Response ScriptedProviderServer::answer(WireFormat wire, const http::Request& req, const std::string& action) {
  std::string backend = req.path_param("backend").value_or("");
  Received rec;
  rec.backend = backend;
  rec.path = req.path;
  for (const auto& [k, v] : req.headers.entries()) {
    std::string lk = k;
    for (char& c : lk) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    rec.headers[lk] = v;
  }
  rec.body = json::parse(req.body, nullptr, false);
  Reply reply;
  {
    std::unique_lock lock(mu_);
    received_.push_back(rec);
    reply = next(backend);
    int now = ++in_flight_[backend];
    max_in_flight_[backend] = std::max(max_in_flight_[backend], now);
    if (reply.kind == Reply::Kind::Hang) {
      cv_.wait_for(lock, std::chrono::seconds(30), [&] { return stopping_; });
    } else if (reply.kind == Reply::Kind::Held) {
      cv_.wait_for(lock, std::chrono::seconds(30), [&] { return stopping_ || released_; });
    }
    --in_flight_[backend];
  }
  std::string model = rec.body.is_object() ? rec.body.value("model", std::string()) : std::string();
  if (wire == WireFormat::Gemini) model = action.substr(0, action.find(':'));
  switch (reply.kind) {
    case Reply::Kind::Hang:
      return http::Response::error(503, "gone", "the scripted server is stopping");
    case Reply::Kind::Malformed:
      return http::Response::text(200, "{\"choices\": [ this is not json", "application/json");
    case Reply::Kind::Status: {
      auto resp = http::Response::text(reply.status, reply.body, "application/json");
      if (!reply.retry_after.empty()) resp.headers.set("Retry-After", reply.retry_after);
      return resp;
    }
    case Reply::Kind::EchoKeyUnauthorized: {
      std::string key = rec.headers.count("authorization") ? rec.headers["authorization"].substr(7)
                        : rec.headers.count("x-api-key")   ? rec.headers["x-api-key"]
                                                           : rec.headers["x-goog-api-key"];
      return http::Response::json(401, {{"error", {{"message", "Incorrect API key provided: " + key}, {"type", "invalid_request_error"}}}});
    }
    default:
      break;
  }
  bool stream = wire == WireFormat::Gemini ? action.find(":streamGenerateContent") != std::string::npos
                                           : rec.body.is_object() && rec.body.value("stream", false);
  if (stream && !reply.ignore_stream) {
    auto s = std::make_shared<http::EventStream>();
    if (wire == WireFormat::OpenAi) stream_openai(*s, reply, model);
    if (wire == WireFormat::Anthropic) stream_anthropic(*s, reply, model);
    if (wire == WireFormat::Gemini) stream_gemini(*s, reply, model);
    s->close();
    return http::Response::event_stream(s);
  }
  json body = wire == WireFormat::OpenAi ? openai_body(reply, model)
              : wire == WireFormat::Anthropic ? anthropic_body(reply, model)
                                              : gemini_body(reply, model);
  return http::Response::json(200, body);
}

}  // namespace nextra::llm::testing
