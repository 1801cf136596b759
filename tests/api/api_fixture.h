#pragma once
// The fixture for the REST API's integration tests: a real `nextra serve` App in-process on
// 127.0.0.1 with an ephemeral port and a temporary data directory (SQLite), reached over real
// sockets. `Client` keeps its session cookie and CSRF token like a browser would.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "http/raw_client_for_tests.h"

namespace nextra::apitest {

using http::test_support::RawResponse;

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  nlohmann::json json;  // null when the body is not JSON

  std::string code() const { return json.is_object() ? json.value("code", std::string()) : std::string(); }
};

class Client {
 public:
  explicit Client(std::uint16_t port) : port_(port) {}

  // Sends one request on a fresh connection. `body` is sent as application/json unless
  // `content_type` says otherwise. The session cookie and CSRF header are added when known.
  Reply call(const std::string& method, const std::string& target, const std::string& body = "",
             std::vector<std::pair<std::string, std::string>> headers = {},
             const std::string& content_type = "application/json");
  Reply call_json(const std::string& method, const std::string& target, const nlohmann::json& body,
                  std::vector<std::pair<std::string, std::string>> headers = {}) {
    return call(method, target, body.dump(), std::move(headers));
  }
  Reply get(const std::string& target) { return call("GET", target); }
  Reply post(const std::string& target, const nlohmann::json& body) { return call_json("POST", target, body); }
  Reply put(const std::string& target, const nlohmann::json& body) { return call_json("PUT", target, body); }
  Reply patch(const std::string& target, const nlohmann::json& body) { return call_json("PATCH", target, body); }
  Reply del(const std::string& target) { return call("DELETE", target); }

  // Signs up (or logs in) and keeps the session. Returns the sign-up reply.
  Reply signup(const std::string& email, const std::string& password = "correct horse battery",
               const std::string& name = "Test User");
  Reply login(const std::string& email, const std::string& password = "correct horse battery");

  // Authentication state, changeable by tests (forged cookies, missing CSRF, API keys).
  std::string session;   // the nextra_session cookie value
  std::string csrf;      // sent as X-CSRF-Token when non-empty
  std::string bearer;    // sent as Authorization: Bearer when non-empty
  std::string org_id;    // sent as X-Org-Id when non-empty

  // Handy after signup().
  std::string user_id;
  std::string personal_org_id;

 private:
  std::uint16_t port_;
};

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Options for the App; tests change them before calling start() again.
  app::AppOptions options;
  // (Re)starts the App with `options` (SetUp starts it with the defaults).
  void start();
  void stop();

  Client client() { return Client(port_); }
  // A signed-up client with its own personal organization.
  Client user(const std::string& email);
  // A flow (the default template unless `yaml` is given: `start` takes Request{text},
  // `output` gets Result{text}); returns its id.
  std::string create_flow(Client& c, const std::string& name, const std::string& yaml = "");
  // Polls GET /api/executions/{id} until the execution is final (bounded: 10 s).
  Reply wait_final(Client& c, const std::string& id);

  std::filesystem::path data_dir;
  std::uint16_t port_ = 0;
  std::unique_ptr<app::App> app_;
  app::StartInfo info_;
};

// A flow body that validates.
std::string valid_flow_yaml(const std::string& name = "test-flow");

// An agent flow: `poet` (handler: llm, CityQuery{city}) answers `done` (output, Poem{text})
// through one OpenAI-compatible backend `main` at `base_url`. `top_level` is added before
// the llm: section (for example "max_tokens_per_thread: 2000\n").
std::string poet_agent_yaml(const std::string& base_url, const std::string& model = "test-model",
                            const std::string& top_level = "");

}  // namespace nextra::apitest
