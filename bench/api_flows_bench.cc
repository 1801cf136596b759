// GET /api/flows/{id} and PUT /api/flows/{id} through the whole control plane (HTTP server,
// API-key authentication, organization scoping, YAML validation on save, the store), on SQLite
// or on a throw-away PostgreSQL server, against GET /healthz in the same run as the baseline.
//
// Each client thread keeps one keep-alive connection and works on its own flow (saves carry
// the version they edit, so threads sharing a flow would measure conflicts, not saves).
//
// Usage: nextra_api_flows_bench [sqlite|postgres] [threads] [seconds]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "app/app.h"
#include "http/raw_client_for_tests.h"
#include "store/postgres_fixture.h"

using nextra::http::test_support::Client;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kYaml =
    "organism:\n  name: bench\npayloads:\n  Ping:\n    text: string\nlisteners:\n"
    "  - name: start\n    payload_class: Ping\n    handler: transform\n    description: passes it on\n"
    "    peers: [out]\n    transform:\n      payload: Ping\n      fields:\n        text: \"{{ text }}\"\n"
    "  - name: out\n    payload_class: Ping\n    handler: output\n    description: the result\n";

struct Stats {
  double per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
  long errors = 0;
};

// Runs `threads` clients for `seconds`; `step(client, thread, i)` sends one request and returns
// whether it got the expected status.
template <typename Step>
Stats load(int threads, double seconds, std::uint16_t port, Step step) {
  std::vector<std::vector<double>> lat(threads);
  std::atomic<long> errors{0};
  const auto until = Clock::now() + std::chrono::duration<double>(seconds);
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      Client c(port);
      for (long i = 0; Clock::now() < until; ++i) {
        auto start = Clock::now();
        bool ok = step(c, t, i);
        lat[t].push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        if (!ok) ++errors;
      }
    });
  }
  for (auto& th : ts) th.join();
  std::vector<double> all;
  for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  Stats s;
  s.per_second = static_cast<double>(all.size()) / seconds;
  if (!all.empty()) {
    s.p50_us = all[all.size() / 2];
    s.p99_us = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  }
  s.errors = errors;
  return s;
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string backend = argc > 1 ? argv[1] : "sqlite";
  const int threads = argc > 2 ? std::atoi(argv[2]) : 4;
  const double seconds = argc > 3 ? std::atof(argv[3]) : 3;

  auto dir = std::filesystem::temp_directory_path() / ("nextra-api-bench-" + std::to_string(getpid()));
  nextra::app::AppOptions o;
  o.port = 0;
  o.threads = 2;
  o.data_dir = dir;
  o.fast_password_hashing = true;
  std::unique_ptr<nextra::store::PostgresServer> pg;
  if (backend == "postgres") {
    auto server = nextra::store::PostgresServer::start();
    if (!server.ok()) {
      std::fprintf(stderr, "postgres: %s\n", server.error().message.c_str());
      return 1;
    }
    pg = std::move(server).value();
    auto url = pg->create_database("bench");
    if (!url.ok()) return 1;
    o.database_url = *url;
  }
  auto app = nextra::app::App::create(o);
  if (!app.ok()) {
    std::fprintf(stderr, "%s\n", app.error().message.c_str());
    return 1;
  }
  auto started = (*app)->start();
  if (!started.ok()) return 1;
  const auto port = started->port;

  // An account, an API key and one flow per thread.
  Client setup(port);
  auto signup = setup.request("POST", "/api/auth/signup",
                              R"({"email":"bench@example.com","password":"bench password","name":"Bench"})",
                              "Content-Type: application/json\r\n");
  auto cookie = signup->headers["set-cookie"].substr(0, signup->headers["set-cookie"].find(';'));
  auto csrf = signup->json()["csrfToken"].get<std::string>();
  auto key = setup.request("POST", "/api/api-keys", R"({"name":"bench"})",
                           "Content-Type: application/json\r\nCookie: " + cookie + "\r\nX-CSRF-Token: " + csrf + "\r\n");
  const std::string auth = "Authorization: Bearer " + key->json()["key"].get<std::string>() + "\r\n";
  std::vector<std::string> ids;
  std::vector<long> versions;
  for (int t = 0; t < threads; ++t) {
    auto f = setup.request("POST", "/api/flows",
                           "{\"name\":\"bench " + std::to_string(t) + "\",\"organismYaml\":\"" + json_escape(kYaml) + "\"}",
                           "Content-Type: application/json\r\n" + auth);
    ids.push_back(f->json()["id"].get<std::string>());
    versions.push_back(1);
  }

  auto healthz = load(threads, seconds, port, [&](Client& c, int, long) {
    auto r = c.request("GET", "/healthz");
    return r && r->status == 200;
  });
  auto get = load(threads, seconds, port, [&](Client& c, int t, long) {
    auto r = c.request("GET", "/api/flows/" + ids[t], "", auth);
    return r && r->status == 200;
  });
  const std::string yaml_json = json_escape(kYaml);
  auto put = load(threads, seconds, port, [&](Client& c, int t, long i) {
    std::string body = "{\"version\":" + std::to_string(versions[t]) + ",\"description\":\"save " + std::to_string(i) +
                       "\",\"organismYaml\":\"" + yaml_json + "\"}";
    auto r = c.request("PUT", "/api/flows/" + ids[t], body, "Content-Type: application/json\r\n" + auth);
    if (!r || r->status != 200) return false;
    ++versions[t];
    return true;
  });

  std::printf("backend %s, %d client threads, %d server io threads, %.0f s each\n", backend.c_str(), threads, o.threads, seconds);
  std::printf("%-28s %12s %10s %10s %8s\n", "request", "req/s", "p50 us", "p99 us", "errors");
  auto row = [](const char* name, const Stats& s) {
    std::printf("%-28s %12.0f %10.0f %10.0f %8ld\n", name, s.per_second, s.p50_us, s.p99_us, s.errors);
  };
  row("GET /healthz (baseline)", healthz);
  row("GET /api/flows/{id}", get);
  row("PUT /api/flows/{id}", put);
  std::printf("ratios to the baseline: GET %.2f, PUT %.2f\n", get.per_second / healthz.per_second,
              put.per_second / healthz.per_second);
  (*app)->stop();
  std::filesystem::remove_all(dir);
  return 0;
}
