// The process driver end to end (issue #4): `nextra serve --driver process` with a real
// Redis, each flow in its own `nextra pump` child. A webhook's execution runs in the child
// and is recorded once, also when the child is killed with SIGKILL under load and when
// Redis restarts under load.
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "api_fixture.h"
#include "redis/redis_fixture.h"

namespace nextra::apitest {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// The pid of the `nextra pump` child running `flow_id`, 0 if there is none.
pid_t pump_pid(const std::string& flow_id) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream f(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (cmdline.find(std::string("pump") + '\0' + "--flow" + '\0' + flow_id) != std::string::npos) {
      return static_cast<pid_t>(std::stol(name));
    }
  }
  return 0;
}

class ProcessDriverApi : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    auto server = redis::RedisServer::start();
    if (!server.ok() && server.error().code == ErrorCode::NotFound) GTEST_SKIP() << "redis-server is not installed";
    ASSERT_TRUE(server.ok()) << server.error().message;
    redis_ = std::move(server).value();
    options.driver = "process";
    options.redis_url = redis_->url();
    options.pump_binary = NEXTRA_DEFAULT_BIN;
    start();
  }
  void TearDown() override {
    ApiTest::TearDown();  // stops the pumps before Redis goes
    redis_.reset();
  }

  // Pumps keep context buffers and threads in Redis (the default is their own memory).
  void run_in_pumps_with_redis_backend() {
    options.pump_backend = "redis";
    start();
  }

  // A flow with a webhook; returns {flow id, webhook path}.
  std::pair<std::string, std::string> flow_with_webhook(Client& c) {
    auto flow = create_flow(c, "hello");
    auto t = c.post("/api/flows/" + flow + "/triggers", {{"type", "webhook"}, {"name", "hook"}});
    EXPECT_EQ(t.status, 201) << t.body;
    return {flow, t.json.value("webhookPath", std::string())};
  }

  // Fires webhooks from `threads` clients until `stop`; every 202 is remembered.
  void fire(const std::string& path, int threads, int per_thread, std::set<std::string>& accepted) {
    std::mutex mu;
    std::vector<std::thread> clients;
    for (int t = 0; t < threads; ++t) {
      clients.emplace_back([&, t] {
        for (int i = 0; i < per_thread; ++i) {
          Client anon = client();
          auto r = anon.call("POST", path, json{{"text", "m" + std::to_string(t) + "-" + std::to_string(i)}}.dump());
          if (r.status == 202) {
            std::lock_guard lock(mu);
            accepted.insert(r.json.value("executionId", std::string()));
          }
          std::this_thread::sleep_for(5ms);
        }
      });
    }
    for (auto& c : clients) c.join();
  }

  // Every accepted execution has ended in success, and each exists exactly once.
  void expect_each_recorded_once(Client& c, const std::string& flow, const std::set<std::string>& accepted) {
    const auto deadline = std::chrono::steady_clock::now() + 90s;
    std::map<std::string, std::string> status;
    std::map<std::string, std::string> errors;
    while (std::chrono::steady_clock::now() < deadline) {
      status.clear();
      std::size_t open = 0, total = 0;
      for (int p = 1;; ++p) {
        auto page = c.get("/api/flows/" + flow + "/executions?pageSize=100&page=" + std::to_string(p));
        ASSERT_EQ(page.status, 200) << page.body;
        for (const auto& e : page.json["items"]) {
          ++total;
          const std::string id = e["id"];
          EXPECT_EQ(status.count(id), 0u) << "execution listed twice: " << id;
          status[id] = e["status"];
          if (e["status"] == "error") errors[id] = e.dump();
          if (e["status"] == "queued" || e["status"] == "running") ++open;
        }
        if (!page.json.value("hasMore", false)) break;
      }
      if (open == 0 && total >= accepted.size()) break;
      std::this_thread::sleep_for(200ms);
    }
    EXPECT_EQ(status.size(), accepted.size());
    for (const auto& id : accepted) {
      ASSERT_TRUE(status.count(id)) << "accepted but not recorded: " << id;
      EXPECT_EQ(status[id], "success") << errors[id];
    }
  }

  std::unique_ptr<redis::RedisServer> redis_;
};

TEST_F(ProcessDriverApi, WebhookRunsInAPumpProcessAndIsRecorded) {
  run_in_pumps_with_redis_backend();
  Client c = user("ada@example.com");
  auto [flow, path] = flow_with_webhook(c);
  auto r = client().call("POST", path + "?wait=true", R"({"text":"hi from a process"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["status"], "success");
  EXPECT_EQ(r.json["output"]["text"], "hi from a process");
  const pid_t pid = pump_pid(flow);
  EXPECT_NE(pid, 0) << "no `nextra pump` process for the flow";
  EXPECT_NE(pid, ::getpid());

  auto detail = c.get("/api/executions/" + r.json["executionId"].get<std::string>());
  ASSERT_EQ(detail.status, 200) << detail.body;
  EXPECT_EQ(detail.json["status"], "success");
  EXPECT_GE(detail.json["steps"].size(), 2u) << detail.body;  // recorded by the child, with its steps

  auto status = c.get("/api/flows/" + flow + "/status");
  EXPECT_EQ(status.json["status"], "running") << status.body;
  ASSERT_EQ(c.post("/api/flows/" + flow + "/stop", json::object()).status, 200);
  for (int i = 0; i < 100 && pump_pid(flow) != 0; ++i) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(pump_pid(flow), 0) << "stopping the flow ends its pump process";
}

TEST_F(ProcessDriverApi, LiveLogsComeFromThePumpProcess) {
  Client c = user("ada@example.com");
  auto [flow, path] = flow_with_webhook(c);
  auto r = client().call("POST", path + "?wait=true", R"({"text":"logged"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto logs = c.get("/api/flows/" + flow + "/logs");
  ASSERT_EQ(logs.status, 200) << logs.body;
  std::set<std::string> types;
  for (const auto& e : logs.json["items"]) types.insert(e.value("type", std::string()));
  EXPECT_TRUE(types.count("step")) << logs.body;
  EXPECT_TRUE(types.count("execution.finished")) << logs.body;
}

TEST_F(ProcessDriverApi, PumpKilledUnderLoadLosesNothingAndRecordsEachOnce) {
  Client c = user("ada@example.com");
  auto [flow, path] = flow_with_webhook(c);
  auto warm = client().call("POST", path + "?wait=true", R"({"text":"warm"})");
  ASSERT_EQ(warm.status, 200) << warm.body;
  std::set<std::string> accepted = {warm.json["executionId"].get<std::string>()};
  std::atomic<int> kills{0};
  std::thread killer([&] {
    for (int k = 0; k < 2; ++k) {
      std::this_thread::sleep_for(400ms);
      pid_t pid = 0;
      for (int i = 0; i < 200 && (pid = pump_pid(flow)) == 0; ++i) std::this_thread::sleep_for(20ms);
      if (pid != 0 && ::kill(pid, SIGKILL) == 0) ++kills;
    }
  });
  fire(path, 4, 60, accepted);
  killer.join();
  EXPECT_EQ(kills.load(), 2);
  EXPECT_GT(accepted.size(), 200u);
  expect_each_recorded_once(c, flow, accepted);
  // The supervisor restarts the pump with backoff; meanwhile the status says why it is down.
  Reply status;
  for (int i = 0; i < 100; ++i) {
    status = c.get("/api/flows/" + flow + "/status");
    if (status.json["status"] == "running") break;
    EXPECT_EQ(status.json["status"], "error") << status.body;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(status.json["status"], "running") << "the pump was restarted: " << status.body;
}

TEST_F(ProcessDriverApi, RedisRestartUnderLoadLosesNothingAccepted) {
  Client c = user("ada@example.com");
  auto [flow, path] = flow_with_webhook(c);
  auto warm = client().call("POST", path + "?wait=true", R"({"text":"warm"})");
  ASSERT_EQ(warm.status, 200) << warm.body;
  std::set<std::string> accepted = {warm.json["executionId"].get<std::string>()};
  std::thread restarter([&] {
    std::this_thread::sleep_for(500ms);
    auto restarted = redis_->restart();
    EXPECT_TRUE(restarted.ok()) << restarted.error().message;
  });
  fire(path, 4, 60, accepted);
  restarter.join();
  expect_each_recorded_once(c, flow, accepted);
  // And it keeps serving afterwards.
  auto r = client().call("POST", path + "?wait=true", R"({"text":"after"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["output"]["text"], "after");
}

}  // namespace
}  // namespace nextra::apitest
