#include "api_fixture.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace nextra::apitest {

Reply Client::call(const std::string& method, const std::string& target, const std::string& body,
                   std::vector<std::pair<std::string, std::string>> headers, const std::string& content_type) {
  http::test_support::Client c(port_);
  std::string extra;
  if (!body.empty() && !content_type.empty()) extra += "Content-Type: " + content_type + "\r\n";
  if (!session.empty()) extra += "Cookie: nextra_session=" + session + "\r\n";
  if (!csrf.empty()) extra += "X-CSRF-Token: " + csrf + "\r\n";
  if (!bearer.empty()) extra += "Authorization: Bearer " + bearer + "\r\n";
  if (!org_id.empty()) extra += "X-Org-Id: " + org_id + "\r\n";
  for (const auto& [k, v] : headers) extra += k + ": " + v + "\r\n";
  std::string send_body = body;
  std::string m = method;
  if (send_body.empty() && (m == "DELETE" || m == "PATCH")) extra += "Content-Length: 0\r\n";
  auto r = c.request(method, target, send_body, extra);
  Reply out;
  if (!r) {
    ADD_FAILURE() << method << " " << target << ": no response";
    return out;
  }
  out.status = r->status;
  out.headers = r->headers;
  out.body = r->body;
  out.json = nlohmann::json::parse(r->body, nullptr, false);
  if (out.json.is_discarded()) out.json = nullptr;
  return out;
}

namespace {
void keep_session(Client& c, const Reply& r) {
  auto it = r.headers.find("set-cookie");
  if (it != r.headers.end()) {
    auto v = it->second;
    auto eq = v.find('=');
    auto semi = v.find(';');
    c.session = v.substr(eq + 1, semi - eq - 1);
  }
  if (r.json.is_object() && r.json.contains("csrfToken")) c.csrf = r.json["csrfToken"].get<std::string>();
  if (r.json.is_object() && r.json.contains("user")) c.user_id = r.json["user"]["id"].get<std::string>();
  if (r.json.is_object() && r.json.contains("organization")) {
    c.personal_org_id = r.json["organization"]["id"].get<std::string>();
  }
}
}  // namespace

Reply Client::signup(const std::string& email, const std::string& password, const std::string& name) {
  auto r = post("/api/auth/signup", {{"email", email}, {"password", password}, {"name", name}});
  if (r.status == 201) keep_session(*this, r);
  return r;
}

Reply Client::login(const std::string& email, const std::string& password) {
  session.clear();
  csrf.clear();
  auto r = post("/api/auth/login", {{"email", email}, {"password", password}});
  if (r.status == 200) keep_session(*this, r);
  return r;
}

void ApiTest::SetUp() {
  static std::atomic<int> counter{0};
  data_dir = std::filesystem::temp_directory_path() /
             ("nextra-api-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(data_dir);
  options.port = 0;
  options.threads = 2;
  options.data_dir = data_dir;
  options.fast_password_hashing = true;
  options.master_key.clear();
  start();
}

void ApiTest::start() {
  stop();
  auto created = app::App::create(options);
  ASSERT_TRUE(created.ok()) << created.error().message;
  app_ = std::move(created).value();
  auto started = app_->start();
  ASSERT_TRUE(started.ok()) << started.error().message;
  info_ = *started;
  port_ = started->port;
}

void ApiTest::stop() {
  if (app_) app_->stop();
  app_.reset();
}

void ApiTest::TearDown() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(data_dir, ec);
}

Client ApiTest::user(const std::string& email) {
  Client c = client();
  auto r = c.signup(email);
  EXPECT_EQ(r.status, 201) << r.body;
  return c;
}

std::string ApiTest::create_flow(Client& c, const std::string& name, const std::string& yaml) {
  nlohmann::json body = {{"name", name}};
  if (!yaml.empty()) body["organismYaml"] = yaml;
  auto r = c.post("/api/flows", body);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json.is_object() && r.json.contains("id") ? r.json["id"].get<std::string>() : std::string();
}

Reply ApiTest::wait_final(Client& c, const std::string& id) {
  Reply r;
  for (int i = 0; i < 200; ++i) {
    r = c.get("/api/executions/" + id);
    if (r.status == 0) break;  // no server: fail now
    if (r.status == 200) {
      auto st = r.json.value("status", std::string());
      if (st != "queued" && st != "running") return r;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "execution " << id << " did not finish: " << r.body;
  return r;
}

std::string valid_flow_yaml(const std::string& name) {
  return "organism:\n  name: " + name +
         "\npayloads:\n  Ping:\n    text: string\n"
         "listeners:\n"
         "  - name: start\n    payload_class: Ping\n    handler: transform\n    description: passes it on\n"
         "    peers: [out]\n    transform:\n      payload: Ping\n      fields:\n        text: \"{{ text }}\"\n"
         "  - name: out\n    payload_class: Ping\n    handler: output\n    description: the result\n";
}

std::string poet_agent_yaml(const std::string& base_url, const std::string& model, const std::string& top_level) {
  return "organism:\n  name: poet\n" + top_level + "llm:\n  default_model: " + model +
         "\n  backends:\n    - name: main\n      provider: openai-compatible\n      base_url: \"" + base_url +
         "\"\n"
         "payloads:\n  CityQuery:\n    city: string\n  Poem:\n    text: string\n"
         "listeners:\n"
         "  - name: poet\n    payload_class: CityQuery\n    handler: llm\n    agent: true\n"
         "    description: Writes a poem about a city\n    prompt: Write a short poem.\n    peers: [done]\n"
         "  - name: done\n    payload_class: Poem\n    handler: output\n    description: The poem\n";
}

}  // namespace nextra::apitest
