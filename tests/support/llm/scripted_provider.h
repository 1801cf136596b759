#pragma once
// Test support: a local server that speaks the three providers' documented APIs (OpenAI chat
// completions, Anthropic Messages, Gemini generateContent), streaming included, with scripted
// replies per backend: text, tool calls, errors with Retry-After, a reply that never comes,
// malformed JSON, and replies held until the test releases them. It is our own
// http::Server on an ephemeral 127.0.0.1 port, so the gateway's real HTTP path is used
// (the client must allowlist 127.0.0.1). Not linked into production code.

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/server.h"
#include "llm/config.h"

namespace nextra::llm::testing {

struct Reply {
  enum class Kind { Text, ToolCall, Status, Hang, Malformed, Held, EchoKeyUnauthorized };
  Kind kind = Kind::Text;
  std::string text = "ok";
  std::string tool_name;
  nlohmann::json tool_args = nlohmann::json::object();
  int status = 200;
  std::string body;
  std::string retry_after;
  long long prompt_tokens = 10;
  long long completion_tokens = 5;
  bool ignore_stream = false;  // answer one JSON body even when a stream was asked for

  static Reply text_reply(std::string t, long long prompt = 10, long long completion = 5);
  static Reply tool_call(std::string name, nlohmann::json args);
  static Reply error(int status, std::string retry_after = "", std::string body = "");
  static Reply hang();        // never answers; the client's timeout must end it
  static Reply malformed();   // 200 with a body that is not JSON
  static Reply held(std::string t);  // answers text once release_held() is called
  static Reply unauthorized_echoing_key();  // 401 whose message quotes the key it got, as real APIs do
};

struct Received {
  std::string backend;
  std::string path;
  std::map<std::string, std::string> headers;  // lower-case names
  nlohmann::json body;
};

class ScriptedProviderServer {
 public:
  ScriptedProviderServer();  // starts at once; check port() != 0
  ~ScriptedProviderServer();

  std::uint16_t port() const { return port_; }
  // The base_url for a backend named `backend` speaking `wire`.
  std::string base_url(const std::string& backend, WireFormat wire) const;

  // Appends replies to `backend`'s script; an empty script answers Reply::text_reply("ok").
  void script(const std::string& backend, std::vector<Reply> replies);
  void release_held();
  // Every later answer (text and tool calls alike) comes this long after its request, like a
  // model's think time; the server's threads serve other requests meanwhile. 0: at once.
  void set_latency(std::chrono::milliseconds latency);

  std::vector<Received> received(const std::string& backend) const;
  int calls(const std::string& backend) const;
  int max_in_flight(const std::string& backend) const;
  int in_flight(const std::string& backend) const;

 private:
  http::Response handle(WireFormat wire, const http::Request& req, const std::string& action);
  http::Response answer(WireFormat wire, const http::Request& req, const std::string& action);
  Reply next(const std::string& backend);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::vector<Reply>> scripts_;  // guarded by mu_
  std::vector<Received> received_;                     // guarded by mu_
  std::map<std::string, int> in_flight_, max_in_flight_;  // guarded by mu_
  bool released_ = false;                              // guarded by mu_
  bool stopping_ = false;                              // guarded by mu_
  std::chrono::milliseconds latency_{0};               // guarded by mu_
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
};

}  // namespace nextra::llm::testing
