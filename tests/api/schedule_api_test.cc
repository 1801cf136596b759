// Schedules over HTTP (issue #4): the cron preview, schedule triggers' validation, and the
// scheduler firing executions — driven by a moved clock and tick() for determinism, and once
// by the real background scheduler. Two schedulers on one database fire a slot once.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "api_fixture.h"
#include "runtime/scheduler.h"
#include "store/store.h"

namespace nextra::apitest {
namespace {

using nlohmann::json;

std::int64_t system_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class ScheduleApi : public ApiTest {
 protected:
  std::string create_flow(Client& c, const std::string& name) {
    auto r = c.post("/api/flows", {{"name", name}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.is_object() && r.json.contains("id") ? r.json["id"].get<std::string>() : std::string();
  }
  Reply create_schedule(Client& c, const std::string& flow_id, const json& config, const std::string& name = "tick") {
    return c.post("/api/flows/" + flow_id + "/triggers", {{"type", "schedule"}, {"name", name}, {"config", config}});
  }
  // Polls until the flow has `n` executions, all final (bounded).
  Reply wait_executions(Client& c, const std::string& flow_id, int n) {
    Reply r;
    for (int i = 0; i < 200; ++i) {
      r = c.get("/api/flows/" + flow_id + "/executions?pageSize=100");
      if (r.status == 200 && r.json["total"].get<int>() >= n) {
        bool open = false;
        for (const auto& e : r.json["items"]) open = open || e["status"] == "queued" || e["status"] == "running";
        if (!open) return r;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "expected " << n << " final executions: " << r.body;
    return r;
  }
};

TEST_F(ScheduleApi, PreviewListsTheNextTimes) {
  Client c = user("ada@example.com");
  auto r = c.get("/api/schedule/preview?cron=*/15%20*%20*%20*%20*&timezone=Europe/Berlin&count=3");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["timezone"], "Europe/Berlin");
  ASSERT_EQ(r.json["next"].size(), 3u) << r.body;
  std::string prev;
  for (const auto& t : r.json["next"]) {
    const auto s = t.get<std::string>();
    EXPECT_GT(s, prev) << r.body;  // ISO times in one zone sort as text
    prev = s;
  }
  auto defaults = c.get("/api/schedule/preview?cron=0%202%20*%20*%20*");
  ASSERT_EQ(defaults.status, 200) << defaults.body;
  EXPECT_EQ(defaults.json["timezone"], "UTC");
  EXPECT_EQ(defaults.json["next"].size(), 5u);

  auto bad_cron = c.get("/api/schedule/preview?cron=not%20a%20cron");
  EXPECT_EQ(bad_cron.status, 400) << bad_cron.body;
  EXPECT_EQ(bad_cron.json["details"]["field"], "cron") << bad_cron.body;
  auto no_cron = c.get("/api/schedule/preview");
  EXPECT_EQ(no_cron.status, 400);
  EXPECT_EQ(no_cron.json["details"]["field"], "cron");
  auto bad_zone = c.get("/api/schedule/preview?cron=*%20*%20*%20*%20*&timezone=Mars/Olympus");
  EXPECT_EQ(bad_zone.status, 400) << bad_zone.body;
  EXPECT_EQ(bad_zone.json["details"]["field"], "timezone") << bad_zone.body;
  auto bad_count = c.get("/api/schedule/preview?cron=*%20*%20*%20*%20*&count=0");
  EXPECT_EQ(bad_count.status, 400) << bad_count.body;

  Client anon = client();
  EXPECT_EQ(anon.get("/api/schedule/preview?cron=*%20*%20*%20*%20*").status, 401);
}

TEST_F(ScheduleApi, ScheduleTriggersAreValidated) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "sched");
  auto no_cron = create_schedule(c, flow, json::object());
  EXPECT_EQ(no_cron.status, 400);
  EXPECT_EQ(no_cron.json["details"]["field"], "config.cron") << no_cron.body;
  auto bad_cron = create_schedule(c, flow, {{"cron", "every day"}});
  EXPECT_EQ(bad_cron.status, 400);
  EXPECT_EQ(bad_cron.json["details"]["field"], "config.cron") << bad_cron.body;
  auto bad_zone = create_schedule(c, flow, {{"cron", "0 2 * * *"}, {"timezone", "Nowhere/Land"}});
  EXPECT_EQ(bad_zone.status, 400);
  EXPECT_EQ(bad_zone.json["details"]["field"], "config.timezone") << bad_zone.body;
  auto bad_missed = create_schedule(c, flow, {{"cron", "0 2 * * *"}, {"missed", "sometimes"}});
  EXPECT_EQ(bad_missed.status, 400);
  EXPECT_EQ(bad_missed.json["details"]["field"], "config.missed") << bad_missed.body;
  auto bad_target = create_schedule(c, flow, {{"cron", "0 2 * * *"}, {"target", "ghost"}});
  EXPECT_EQ(bad_target.status, 400);
  EXPECT_EQ(bad_target.json["details"]["field"], "config.target") << bad_target.body;
  auto good = create_schedule(c, flow, {{"cron", "0 2 * * *"}, {"timezone", "Europe/Berlin"}});
  ASSERT_EQ(good.status, 201) << good.body;
  EXPECT_FALSE(good.json.contains("token"));
}

class ScheduleClockApi : public ScheduleApi {
 protected:
  void SetUp() override {
    ScheduleApi::SetUp();
    clock_ms = (system_ms() / 60000) * 60000 + 10000;  // 10 s into a minute
    options.clock = [this] { return clock_ms.load(); };
    options.run_scheduler = false;  // the test ticks
    start();
  }
  std::unique_ptr<runtime::Scheduler> scheduler(std::unique_ptr<store::Store>& store) {
    auto opened = store::make_sqlite_store((data_dir / "nextra.db").string());
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    store = std::move(opened).value();
    runtime::SchedulerOptions so;
    so.now_ms = [this] { return clock_ms.load(); };
    return std::make_unique<runtime::Scheduler>(*store, *app_->runtime(), so);
  }
  std::atomic<std::int64_t> clock_ms{0};
};

TEST_F(ScheduleClockApi, EachSlotFiresOnceEvenWithTwoSchedulers) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "sched");
  auto t = create_schedule(c, flow, {{"cron", "* * * * *"}, {"payload", {{"text", "tick"}}}});
  ASSERT_EQ(t.status, 201) << t.body;
  ASSERT_EQ(app_->scheduler(), nullptr);

  std::unique_ptr<store::Store> store_a, store_b;
  auto a = scheduler(store_a);
  auto b = scheduler(store_b);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->tick(), 0);  // learns the trigger; nothing is due yet
  EXPECT_EQ(b->tick(), 0);

  clock_ms += 60000;  // one slot, the start of the next minute, is now due
  const int fired = a->tick() + b->tick() + a->tick() + b->tick();
  EXPECT_EQ(fired, 1);
  auto list = wait_executions(c, flow, 1);
  ASSERT_EQ(list.json["total"], 1) << list.body;
  const auto& e = list.json["items"][0];
  EXPECT_EQ(e["status"], "success") << e.dump();
  EXPECT_EQ(e["triggerId"], t.json["id"]);
  auto detail = c.get("/api/executions/" + e["id"].get<std::string>());
  EXPECT_NE(detail.json["output"].get<std::string>().find("tick"), std::string::npos) << detail.body;

  // Three more minutes pass without ticks: "skip" fires only the latest slot.
  clock_ms += 3 * 60000;
  EXPECT_EQ(b->tick() + a->tick(), 1);
  wait_executions(c, flow, 2);

  // A disabled trigger does not fire (the list is re-read after the refresh interval).
  auto off = c.patch("/api/flows/" + flow + "/triggers/" + t.json["id"].get<std::string>(), {{"enabled", false}});
  ASSERT_EQ(off.status, 200) << off.body;
  clock_ms += 60000;
  EXPECT_EQ(a->tick() + b->tick(), 0);
  EXPECT_EQ(c.get("/api/flows/" + flow + "/executions").json["total"], 2);
}

TEST_F(ScheduleClockApi, UserStoppedFlowSkipsItsSchedule) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "sched");
  ASSERT_EQ(create_schedule(c, flow, {{"cron", "* * * * *"}}).status, 201);
  ASSERT_EQ(c.post("/api/flows/" + flow + "/stop", json::object()).status, 200);
  std::unique_ptr<store::Store> store;
  auto s = scheduler(store);
  s->tick();
  clock_ms += 60000;
  EXPECT_EQ(s->tick(), 0);
  EXPECT_EQ(c.get("/api/flows/" + flow + "/executions").json["total"], 0);
}

TEST_F(ScheduleApi, BackgroundSchedulerFiresEverySecondSchedule) {
  Client c = user("ada@example.com");
  auto flow = create_flow(c, "sched");
  auto t = create_schedule(c, flow, {{"cron", "* * * * * *"}});
  ASSERT_EQ(t.status, 201) << t.body;
  ASSERT_NE(app_->scheduler(), nullptr);
  // The scheduler re-reads triggers every 10 s: allow up to 30 s for the first firing.
  Reply list;
  for (int i = 0; i < 300; ++i) {
    list = c.get("/api/flows/" + flow + "/executions?status=success");
    if (list.status == 200 && list.json["total"].get<int>() >= 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_GE(list.json["total"].get<int>(), 1) << list.body;
  EXPECT_EQ(list.json["items"][0]["triggerId"], t.json["id"]);
}

}  // namespace
}  // namespace nextra::apitest
