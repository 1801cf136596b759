// Conformance of the runtime's methods (issue #4: triggers, schedule claims, executions,
// steps, retention, usage counters) on every backend (store_test_fixture.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "core/uuid.h"
#include "store/store.h"
#include "store/store_test_fixture.h"

namespace nextra::store {
namespace {

constexpr std::int64_t kHour = 3600LL * 1000;
constexpr std::int64_t kT0 = 1'800'000'000'000;  // a fixed "now" in 2027

class StoreRuntimeConformance : public test::StoreBackendTest {
 protected:
  void SetUp() override {
    test::StoreBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    owner_ = user("owner@example.com");
    org_a_ = org(owner_, "A");
    org_b_ = org(owner_, "B");
    flow_a_ = flow(org_a_, owner_, "fa").id;
    flow_b_ = flow(org_b_, owner_, "fb").id;
  }

  Trigger trigger(const std::string& org_id, const std::string& flow_id, const std::string& kind,
                  const std::string& name, const std::string& token_hash = "",
                  bool enabled = true) {
    auto t = store_->create_trigger(
        {org_id, flow_id, kind, name, "{\"target\":\"in\"}", token_hash, enabled});
    EXPECT_TRUE(t.ok()) << t.error().message;
    return t.ok() ? *t : Trigger{};
  }

  CreateExecutionRequest exec_req(const std::string& org_id, const std::string& flow_id,
                                  std::int64_t started, const std::string& key = "",
                                  const std::string& status = "queued") {
    CreateExecutionRequest r;
    r.id = new_uuid_v4();
    r.org_id = org_id;
    r.flow_id = flow_id;
    r.flow_version = 1;
    r.status = status;
    r.input = "{\"target\":\"in\",\"payload\":\"<a/>\"}";
    r.idempotency_key = key;
    r.started_at_ms = started;
    return r;
  }
  ExecutionRecord execution(const std::string& org_id, const std::string& flow_id,
                            std::int64_t started, const std::string& status = "queued") {
    auto e = store_->create_execution(exec_req(org_id, flow_id, started, "", status));
    EXPECT_TRUE(e.ok()) << e.error().message;
    return e.ok() ? e->execution : ExecutionRecord{};
  }
  ExecutionRecord finished(const std::string& org_id, const std::string& flow_id,
                           std::int64_t started) {
    ExecutionRecord e = execution(org_id, flow_id, started, "running");
    auto f = store_->finish_execution({org_id, e.id, "success", "<out/>", "", started + 10});
    EXPECT_TRUE(f.ok()) << f.error().message;
    return f.ok() ? *f : ExecutionRecord{};
  }
  static ExecutionStep step(const std::string& execution_id, std::int64_t index) {
    ExecutionStep s;
    s.execution_id = execution_id;
    s.step_index = index;
    s.sender = "in";
    s.target = "out";
    s.payload_class = "Greeting";
    s.payload = "<greeting>" + std::to_string(index) + "</greeting>";
    s.status = "delivered";
    s.started_at_ms = kT0 + index;
    if (index % 2 == 0) s.finished_at_ms = kT0 + index + 1;
    return s;
  }

  // The ending of a synchronous call in org A's flow: no row yet, created by the ending.
  ExecutionEnding ending_without_row(const std::string& status, const std::string& error) {
    auto req = exec_req(org_a_, flow_a_, kT0, "", "running");
    req.id = new_uuid_v7();
    ExecutionEnding e;
    e.create = req;
    e.finish = {org_a_, req.id, status, "", error, kT0 + 9};
    return e;
  }

  std::string owner_, org_a_, org_b_, flow_a_, flow_b_;
};

// ---- triggers ---------------------------------------------------------------------------

TEST_P(StoreRuntimeConformance, TriggerCrudAndDuplicateNames) {
  Trigger t = trigger(org_a_, flow_a_, "webhook", "hook", "hash-1");
  EXPECT_EQ(t.org_id, org_a_);
  EXPECT_EQ(t.flow_id, flow_a_);
  EXPECT_EQ(t.kind, "webhook");
  EXPECT_EQ(t.token_hash, "hash-1");
  EXPECT_TRUE(t.enabled);
  EXPECT_GT(t.created_at_ms, 0);

  auto got = store_->get_trigger(org_a_, t.id);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->name, "hook");
  EXPECT_EQ(got->config, "{\"target\":\"in\"}");

  // Unique per flow; the same name on another flow is fine; a token hash is unique.
  EXPECT_CODE(store_->create_trigger({org_a_, flow_a_, "manual", "hook", "{}", "", true}),
              AlreadyExists);
  EXPECT_CODE(store_->create_trigger({org_a_, flow_a_, "webhook", "hook2", "{}", "hash-1", true}),
              AlreadyExists);
  std::string flow_a2 = flow(org_a_, owner_, "fa2").id;
  trigger(org_a_, flow_a2, "manual", "hook");
  trigger(org_a_, flow_a_, "schedule", "a-cron");

  EXPECT_CODE(store_->create_trigger({org_a_, "no-such-flow", "manual", "x", "{}", "", true}),
              NotFound);
  EXPECT_CODE(store_->create_trigger({org_a_, flow_a_, "carrier-pigeon", "x", "{}", "", true}),
              InvalidArgument);
  EXPECT_CODE(store_->create_trigger({org_a_, flow_a_, "manual", "", "{}", "", true}),
              InvalidArgument);

  auto list = store_->list_triggers(org_a_, flow_a_);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "a-cron");  // by name
  EXPECT_EQ((*list)[1].name, "hook");

  UpdateTriggerRequest up;
  up.org_id = org_a_;
  up.trigger_id = t.id;
  up.config = "{\"target\":\"other\"}";
  up.enabled = false;
  auto updated = store_->update_trigger(up);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->name, "hook");  // unset: kept
  EXPECT_EQ(updated->token_hash, "hash-1");
  EXPECT_EQ(updated->config, "{\"target\":\"other\"}");
  EXPECT_FALSE(updated->enabled);

  UpdateTriggerRequest rename;
  rename.org_id = org_a_;
  rename.trigger_id = t.id;
  rename.name = "a-cron";
  EXPECT_CODE(store_->update_trigger(rename), AlreadyExists);
  rename.name = "renamed";
  rename.token_hash = "hash-2";
  auto renamed = store_->update_trigger(rename);
  ASSERT_TRUE(renamed.ok()) << renamed.error().message;
  EXPECT_EQ(renamed->name, "renamed");
  EXPECT_EQ(renamed->token_hash, "hash-2");
  EXPECT_FALSE(renamed->enabled);

  ASSERT_TRUE(store_->delete_trigger(org_a_, t.id).ok());
  EXPECT_CODE(store_->get_trigger(org_a_, t.id), NotFound);
  EXPECT_CODE(store_->delete_trigger(org_a_, t.id), NotFound);
  EXPECT_EQ(store_->list_triggers(org_a_, flow_a_)->size(), 1u);
}

TEST_P(StoreRuntimeConformance, TriggersAreTenantScoped) {
  Trigger t = trigger(org_a_, flow_a_, "manual", "run");
  EXPECT_CODE(store_->get_trigger(org_b_, t.id), NotFound);
  EXPECT_TRUE(store_->list_triggers(org_b_, flow_a_)->empty());
  UpdateTriggerRequest up;
  up.org_id = org_b_;
  up.trigger_id = t.id;
  up.name = "stolen";
  EXPECT_CODE(store_->update_trigger(up), NotFound);
  EXPECT_CODE(store_->delete_trigger(org_b_, t.id), NotFound);
  // A trigger cannot point at another org's flow.
  EXPECT_CODE(store_->create_trigger({org_b_, flow_a_, "manual", "x", "{}", "", true}), NotFound);
  EXPECT_EQ(store_->get_trigger(org_a_, t.id)->name, "run");
}

TEST_P(StoreRuntimeConformance, FindWebhookTriggerMatchesOnlyEnabledLiveWebhooks) {
  Trigger hook = trigger(org_a_, flow_a_, "webhook", "hook", "good-hash");
  auto found = store_->find_webhook_trigger(flow_a_, "good-hash");
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->id, hook.id);
  EXPECT_EQ(found->org_id, org_a_);

  EXPECT_CODE(store_->find_webhook_trigger(flow_b_, "good-hash"), NotFound);  // wrong flow
  EXPECT_CODE(store_->find_webhook_trigger(flow_a_, "bad-hash"), NotFound);   // wrong hash
  EXPECT_CODE(store_->find_webhook_trigger(flow_a_, ""), NotFound);
  EXPECT_CODE(store_->find_webhook_trigger("no-such-flow", "good-hash"), NotFound);

  // A non-webhook trigger with a hash is not a webhook.
  trigger(org_a_, flow_a_, "manual", "manual", "manual-hash");
  EXPECT_CODE(store_->find_webhook_trigger(flow_a_, "manual-hash"), NotFound);

  UpdateTriggerRequest off;
  off.org_id = org_a_;
  off.trigger_id = hook.id;
  off.enabled = false;
  ASSERT_TRUE(store_->update_trigger(off).ok());
  EXPECT_CODE(store_->find_webhook_trigger(flow_a_, "good-hash"), NotFound);  // disabled
  off.enabled = true;
  ASSERT_TRUE(store_->update_trigger(off).ok());
  EXPECT_TRUE(store_->find_webhook_trigger(flow_a_, "good-hash").ok());

  ASSERT_TRUE(store_->delete_flow(org_a_, flow_a_).ok());
  EXPECT_CODE(store_->find_webhook_trigger(flow_a_, "good-hash"), NotFound);  // deleted flow
  EXPECT_CODE(store_->get_trigger(org_a_, hook.id), NotFound);
}

TEST_P(StoreRuntimeConformance, ListScheduleTriggersSkipsDisabledAndDeletedFlows) {
  Trigger a = trigger(org_a_, flow_a_, "schedule", "every-minute");
  Trigger b = trigger(org_b_, flow_b_, "schedule", "nightly");
  trigger(org_a_, flow_a_, "schedule", "off", "", false);
  trigger(org_a_, flow_a_, "webhook", "hook", "h");
  std::string doomed = flow(org_a_, owner_, "doomed").id;
  trigger(org_a_, doomed, "schedule", "gone");
  ASSERT_TRUE(store_->delete_flow(org_a_, doomed).ok());

  auto list = store_->list_schedule_triggers();
  ASSERT_TRUE(list.ok()) << list.error().message;
  std::vector<std::string> ids;
  for (const Trigger& t : *list) ids.push_back(t.id);
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> want{a.id, b.id};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(ids, want);
}

TEST_P(StoreRuntimeConformance, ScheduleSlotIsClaimedExactlyOnce) {
  Trigger t = trigger(org_a_, flow_a_, "schedule", "cron");
  auto first = store_->claim_schedule_slot(t.id, kT0);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(*first);
  auto again = store_->claim_schedule_slot(t.id, kT0);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_FALSE(*again);
  EXPECT_TRUE(*store_->claim_schedule_slot(t.id, kT0 + 60'000));  // the next slot
  // The store still works after a lost claim (no aborted transaction left behind).
  EXPECT_TRUE(store_->get_trigger(org_a_, t.id).ok());
  EXPECT_CODE(store_->claim_schedule_slot("no-such-trigger", kT0), NotFound);
}

TEST_P(StoreRuntimeConformance, ConcurrentClaimsFromSeveralStoresOneWinsPerSlot) {
  Trigger t = trigger(org_a_, flow_a_, "schedule", "cron");
  constexpr int kStores = 4;
  constexpr int kSlots = 20;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kStores; ++i) {
    stores.push_back(open());
    ASSERT_NE(stores.back(), nullptr);
  }
  std::atomic<int> wins{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kStores; ++i) {
    for (int copy = 0; copy < 2; ++copy) {  // two threads per store as well
      threads.emplace_back([&, i]() {
        for (int slot = 0; slot < kSlots; ++slot) {
          for (int attempt = 0;; ++attempt) {
            auto r = stores[i]->claim_schedule_slot(t.id, kT0 + slot * 60'000);
            if (r.ok()) {
              if (*r) ++wins;
              break;
            }
            if (r.error().code != ErrorCode::Unavailable || attempt > 20) {
              ++errors;
              break;
            }
          }
        }
      });
    }
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(wins.load(), kSlots);
}

// ---- executions -------------------------------------------------------------------------

TEST_P(StoreRuntimeConformance, RecordEndingsWritesABatchInOneGo) {
  ExecutionRecord a = execution(org_a_, flow_a_, kT0, "running");
  ExecutionRecord b = execution(org_a_, flow_a_, kT0 + 1, "running");
  ASSERT_TRUE(store_->finish_execution({org_a_, b.id, "cancelled", "", "cancelled", kT0 + 2}).ok());
  std::vector<ExecutionEnding> endings(3);
  endings[0].finish = {org_a_, a.id, "success", "<out/>", "", kT0 + 5};
  endings[0].steps = {step(a.id, 0), step(a.id, 1)};
  endings[1].finish = {org_a_, b.id, "success", "<late/>", "", kT0 + 6};  // already ended
  endings[2].finish = {org_a_, new_uuid_v4(), "success", "", "", kT0 + 7};  // no such execution
  auto written = store_->record_endings(endings);
  ASSERT_TRUE(written.ok()) << written.error().message;
  ASSERT_EQ(written->size(), 2u);
  EXPECT_EQ((*written)[0].status, "success");
  EXPECT_EQ((*written)[0].output, "<out/>");
  EXPECT_EQ((*written)[1].status, "cancelled");  // the first ending stands
  EXPECT_EQ(store_->list_execution_steps(org_a_, a.id)->size(), 2u);
}

// A synchronous call's execution has no row until it ends: the ending creates it, final,
// with its steps and its usage count; one for a deleted flow is skipped, not fatal.
TEST_P(StoreRuntimeConformance, RecordEndingsCreatesExecutionsThatRanWithoutARow) {
  std::vector<ExecutionEnding> endings(2);
  auto req = exec_req(org_a_, flow_a_, kT0, "", "running");
  req.id = new_uuid_v7();
  req.usage_month = "2027-02";
  endings[0].create = req;
  endings[0].finish = {org_a_, req.id, "success", "<out/>", "", kT0 + 9};
  endings[0].steps = {step(req.id, 0), step(req.id, 1), step(req.id, 2)};
  auto gone = exec_req(org_a_, flow_a_, kT0, "", "running");
  gone.flow_id = new_uuid_v4();  // no such flow
  endings[1].create = gone;
  endings[1].finish = {org_a_, gone.id, "error", "", "boom", kT0 + 9};
  auto written = store_->record_endings(endings);
  ASSERT_TRUE(written.ok()) << written.error().message;
  ASSERT_EQ(written->size(), 1u);
  auto rec = store_->get_execution(org_a_, req.id);
  ASSERT_TRUE(rec.ok()) << rec.error().message;
  EXPECT_EQ(rec->status, "success");
  EXPECT_EQ(rec->output, "<out/>");
  EXPECT_EQ(rec->attempts, 1);
  EXPECT_EQ(rec->started_at_ms, kT0);
  EXPECT_EQ(rec->finished_at_ms, kT0 + 9);
  EXPECT_EQ(store_->list_execution_steps(org_a_, req.id)->size(), 3u);
  EXPECT_EQ(*store_->executions_in_month(org_a_, "2027-02"), 1);
  EXPECT_EQ(store_->get_execution(org_b_, req.id).error().code, ErrorCode::NotFound);  // scoped
}

// The batch's steps are written together, several executions' to a statement: each still
// lands on its own execution, under its own organization.
TEST_P(StoreRuntimeConformance, RecordEndingsKeepsEachExecutionsStepsApart) {
  std::vector<ExecutionEnding> endings;
  std::vector<std::pair<std::string, std::string>> ids;  // (org, execution)
  for (int i = 0; i < 9; ++i) {
    const bool b = i % 4 == 3;
    auto req = exec_req(b ? org_b_ : org_a_, b ? flow_b_ : flow_a_, kT0 + i, "", "running");
    req.id = new_uuid_v7();
    ExecutionEnding e;
    e.create = req;
    e.finish = {req.org_id, req.id, "success", "", "", kT0 + 20};
    for (int k = 0; k <= i % 3 + 1; ++k) {  // 2 to 4 steps each, 26 in all
      auto st = step(req.id, k);
      st.payload = "<n>" + std::to_string(i) + "." + std::to_string(k) + "</n>";
      e.steps.push_back(st);
    }
    endings.push_back(std::move(e));
    ids.emplace_back(req.org_id, req.id);
  }
  auto written = store_->record_endings(endings);
  ASSERT_TRUE(written.ok()) << written.error().message;
  ASSERT_EQ(written->size(), endings.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto steps = store_->list_execution_steps(ids[i].first, ids[i].second);
    ASSERT_TRUE(steps.ok()) << steps.error().message;
    ASSERT_EQ(steps->size(), endings[i].steps.size()) << i;
    for (std::size_t k = 0; k < steps->size(); ++k) {
      EXPECT_EQ((*steps)[k].step_index, static_cast<std::int64_t>(k));
      EXPECT_EQ((*steps)[k].payload, "<n>" + std::to_string(i) + "." + std::to_string(k) + "</n>");
    }
    const auto& other_org = ids[i].first == org_a_ ? org_b_ : org_a_;
    EXPECT_FALSE(store_->list_execution_steps(other_org, ids[i].second).ok());
  }
}

// An ending's steps are kept in the execution's row (step_codec.h): every field comes back
// exactly, whatever the text holds, and steps appended as rows while it ran merge in order.
TEST_P(StoreRuntimeConformance, EndingStepsComeBackExactlyAndInOrder) {
  ExecutionEnding e = ending_without_row("error", "boom");
  const CreateExecutionRequest& req = *e.create;
  auto odd = step(req.id, 1);
  odd.sender = "s\"q\\uote";
  odd.payload = "<t a=\"1\">line\nnext\ttab \x01 caf\xc3\xa9 \xf0\x9f\x98\x80 [1,2] {}</t>";
  odd.error = "bad \"thing\"\r\n";
  odd.finished_at_ms.reset();
  e.steps = {step(req.id, 0), odd, step(req.id, 3)};
  ASSERT_TRUE(store_->record_endings({e}).ok());
  // A step appended as a row afterwards (as a run that recorded progressively would).
  ASSERT_TRUE(store_->append_execution_steps(org_a_, {step(req.id, 2)}).ok());

  auto steps = store_->list_execution_steps(org_a_, req.id);
  ASSERT_TRUE(steps.ok()) << steps.error().message;
  ASSERT_EQ(steps->size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ((*steps)[k].step_index, static_cast<std::int64_t>(k));
  const ExecutionStep& back = (*steps)[1];
  EXPECT_EQ(back.execution_id, req.id);
  EXPECT_EQ(back.sender, odd.sender);
  EXPECT_EQ(back.target, odd.target);
  EXPECT_EQ(back.payload_class, odd.payload_class);
  EXPECT_EQ(back.payload, odd.payload);
  EXPECT_EQ(back.status, odd.status);
  EXPECT_EQ(back.error, odd.error);
  EXPECT_EQ(back.started_at_ms, odd.started_at_ms);
  EXPECT_FALSE(back.finished_at_ms.has_value());
  EXPECT_EQ((*steps)[0].finished_at_ms, std::optional<std::int64_t>(kT0 + 1));
  EXPECT_EQ(store_->list_execution_steps(org_b_, req.id).error().code, ErrorCode::NotFound);
}

// An execution that had a row before it ended gets its ending's steps the same way.
TEST_P(StoreRuntimeConformance, EndingStepsOfAnExecutionWithARow) {
  ExecutionRecord a = execution(org_a_, flow_a_, kT0, "running");
  ExecutionEnding e;
  e.finish = {org_a_, a.id, "success", "<out/>", "", kT0 + 5};
  e.steps = {step(a.id, 0), step(a.id, 1)};
  ASSERT_TRUE(store_->record_endings({e}).ok());
  auto steps = store_->list_execution_steps(org_a_, a.id);
  ASSERT_TRUE(steps.ok()) << steps.error().message;
  ASSERT_EQ(steps->size(), 2u);
  EXPECT_EQ((*steps)[1].payload, "<greeting>1</greeting>");
}

// What the step rows' constraints refused is refused for steps kept in the row too.
TEST_P(StoreRuntimeConformance, EndingStepsMustBelongToTheirExecutionOnceEach) {
  ExecutionEnding e = ending_without_row("success", "");
  const CreateExecutionRequest req = *e.create;
  e.steps = {step(req.id, 0), step(new_uuid_v7(), 1)};
  EXPECT_EQ(store_->record_endings({e}).error().code, ErrorCode::InvalidArgument);
  e.steps = {step(req.id, 0), step(req.id, 0)};
  EXPECT_EQ(store_->record_endings({e}).error().code, ErrorCode::AlreadyExists);
  EXPECT_EQ(store_->get_execution(org_a_, req.id).error().code, ErrorCode::NotFound);  // nothing written
}

TEST_P(StoreRuntimeConformance, ExecutionsPerDayCountsByUtcDayAndOrganization) {
  constexpr std::int64_t kDay = 86400000;
  const std::int64_t day0 = (kT0 / kDay) * kDay;
  execution(org_a_, flow_a_, day0 + 10, "running");
  ExecutionRecord done = execution(org_a_, flow_a_, day0 + 20, "running");
  ASSERT_TRUE(store_->finish_execution({org_a_, done.id, "success", "", "", day0 + 30}).ok());
  ExecutionRecord failed = execution(org_a_, flow_a_, day0 + kDay + 5, "running");
  ASSERT_TRUE(store_->finish_execution({org_a_, failed.id, "error", "", "boom", day0 + kDay + 6}).ok());
  execution(org_b_, flow_b_, day0 + 40, "running");  // another organization's
  auto days = store_->executions_per_day(org_a_, day0);
  ASSERT_TRUE(days.ok()) << days.error().message;
  ASSERT_EQ(days->size(), 2u);
  EXPECT_EQ((*days)[0].day_start_ms, day0);
  EXPECT_EQ((*days)[0].succeeded, 1);
  EXPECT_EQ((*days)[0].open, 1);
  EXPECT_EQ((*days)[1].day_start_ms, day0 + kDay);
  EXPECT_EQ((*days)[1].failed, 1);
  EXPECT_EQ(store_->executions_per_day(org_a_, day0 + 2 * kDay)->size(), 0u);
}

TEST_P(StoreRuntimeConformance, CreateExecutionCountsUsageOnceInTheSameTransaction) {
  auto req = exec_req(org_a_, flow_a_, kT0, "counted", "running");
  req.usage_month = "2027-01";
  auto first = store_->create_execution(req);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->execution.status, "running");
  EXPECT_EQ(first->execution.attempts, 1);  // running from the start = its first attempt
  auto dup = exec_req(org_a_, flow_a_, kT0 + 1, "counted", "running");
  dup.usage_month = "2027-01";
  EXPECT_FALSE(store_->create_execution(dup)->created);  // a replay is not counted again
  EXPECT_EQ(*store_->executions_in_month(org_a_, "2027-01"), 1);
  EXPECT_EQ(*store_->executions_in_month(org_b_, "2027-01"), 0);
  auto bad = exec_req(org_a_, flow_a_, kT0, "", "running");
  bad.usage_month = "January";
  EXPECT_EQ(store_->create_execution(bad).error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(store_->list_executions({org_a_, flow_a_, "", 0, 50})->total, 1);  // rolled back
}

TEST_P(StoreRuntimeConformance, CreateExecutionIsIdempotentWithinTheWindow) {
  auto req = exec_req(org_a_, flow_a_, kT0, "delivery-1");
  req.trigger_id = trigger(org_a_, flow_a_, "webhook", "hook", "h").id;
  auto first = store_->create_execution(req);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->execution.id, req.id);
  EXPECT_EQ(first->execution.status, "queued");
  EXPECT_EQ(first->execution.trigger_id, req.trigger_id);
  EXPECT_EQ(first->execution.idempotency_key, "delivery-1");
  EXPECT_EQ(first->execution.input, req.input);
  EXPECT_EQ(first->execution.attempts, 0);
  EXPECT_EQ(first->execution.started_at_ms, kT0);
  EXPECT_FALSE(first->execution.finished_at_ms.has_value());

  // Same key an hour later: the first execution, not a new one.
  auto dup_req = exec_req(org_a_, flow_a_, kT0 + kHour, "delivery-1");
  auto dup = store_->create_execution(dup_req);
  ASSERT_TRUE(dup.ok()) << dup.error().message;
  EXPECT_FALSE(dup->created);
  EXPECT_EQ(dup->execution.id, req.id);
  EXPECT_CODE(store_->get_execution(org_a_, dup_req.id), NotFound);

  // Same key on another flow, or in another org, is a different execution.
  EXPECT_TRUE(store_->create_execution(exec_req(org_b_, flow_b_, kT0, "delivery-1"))->created);
  std::string flow_a2 = flow(org_a_, owner_, "fa2").id;
  EXPECT_TRUE(store_->create_execution(exec_req(org_a_, flow_a2, kT0, "delivery-1"))->created);

  // After the window: a new execution; the old one keeps its record but loses its key.
  auto later_req = exec_req(org_a_, flow_a_, kT0 + 25 * kHour, "delivery-1");
  auto later = store_->create_execution(later_req);
  ASSERT_TRUE(later.ok()) << later.error().message;
  EXPECT_TRUE(later->created);
  EXPECT_EQ(later->execution.id, later_req.id);
  auto old = store_->get_execution(org_a_, req.id);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->idempotency_key, "");
  // ...and the key now leads to the new one.
  auto again = store_->create_execution(exec_req(org_a_, flow_a_, kT0 + 26 * kHour, "delivery-1"));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->execution.id, later_req.id);

  // A custom, shorter window.
  auto short_req = exec_req(org_a_, flow_a_, kT0 + 26 * kHour + 1000, "delivery-1");
  short_req.idempotency_window_ms = 500;
  EXPECT_TRUE(store_->create_execution(short_req)->created);

  // No key: never deduplicated. A reused id: AlreadyExists.
  EXPECT_TRUE(store_->create_execution(exec_req(org_a_, flow_a_, kT0))->created);
  EXPECT_TRUE(store_->create_execution(exec_req(org_a_, flow_a_, kT0))->created);
  auto reused = exec_req(org_a_, flow_a_, kT0);
  reused.id = req.id;
  EXPECT_CODE(store_->create_execution(reused), AlreadyExists);

  EXPECT_CODE(store_->create_execution(exec_req(org_a_, flow_a_, kT0, "", "success")),
              InvalidArgument);
  EXPECT_CODE(store_->create_execution(exec_req(org_a_, "no-such-flow", kT0)), NotFound);
  EXPECT_CODE(store_->create_execution(exec_req(org_b_, flow_a_, kT0)), NotFound);
}

TEST_P(StoreRuntimeConformance, ConcurrentCreatesWithOneKeyMakeOneExecution) {
  constexpr int kThreads = 6;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kThreads; ++i) stores.push_back(open());
  std::atomic<int> created{0};
  std::atomic<int> errors{0};
  std::vector<std::string> ids(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i]() {
      auto r = stores[i]->create_execution(exec_req(org_a_, flow_a_, kT0, "same-key"));
      if (!r.ok()) {
        ++errors;
        return;
      }
      if (r->created) ++created;
      ids[i] = r->execution.id;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(created.load(), 1);
  for (const std::string& id : ids) EXPECT_EQ(id, ids[0]);
  EXPECT_EQ(store_->list_executions({org_a_, flow_a_, "", 0, 50})->total, 1);
}

TEST_P(StoreRuntimeConformance, StartAndFinishTransitions) {
  ExecutionRecord e = execution(org_a_, flow_a_, kT0);
  auto started = store_->start_execution(org_a_, e.id, kT0 + 5);
  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_EQ(started->status, "running");
  EXPECT_EQ(started->attempts, 1);
  EXPECT_CODE(store_->start_execution(org_a_, e.id, kT0 + 6), Conflict);  // already running

  auto done = store_->finish_execution({org_a_, e.id, "success", "<out>hi</out>", "", kT0 + 100});
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->status, "success");
  EXPECT_EQ(done->output, "<out>hi</out>");
  EXPECT_EQ(done->finished_at_ms, kT0 + 100);
  EXPECT_EQ(done->attempts, 1);

  // Final is final: a second ending and a restart are Conflicts and change nothing.
  EXPECT_CODE(store_->finish_execution({org_a_, e.id, "cancelled", "", "", kT0 + 200}), Conflict);
  EXPECT_CODE(store_->start_execution(org_a_, e.id, kT0 + 300), Conflict);
  auto got = store_->get_execution(org_a_, e.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, "success");
  EXPECT_EQ(got->finished_at_ms, kT0 + 100);

  // A queued execution can be finished (cancelled) directly.
  ExecutionRecord q = execution(org_a_, flow_a_, kT0);
  auto cancelled = store_->finish_execution({org_a_, q.id, "cancelled", "", "by user", kT0 + 1});
  ASSERT_TRUE(cancelled.ok()) << cancelled.error().message;
  EXPECT_EQ(cancelled->error, "by user");

  EXPECT_CODE(store_->finish_execution({org_a_, e.id, "running", "", "", kT0}), InvalidArgument);
  EXPECT_CODE(store_->finish_execution({org_a_, "no-such-id", "error", "", "", kT0}), NotFound);
  EXPECT_CODE(store_->start_execution(org_a_, "no-such-id", kT0), NotFound);
}

TEST_P(StoreRuntimeConformance, RacingEndingsExactlyOneWins) {
  ExecutionRecord e = execution(org_a_, flow_a_, kT0, "running");
  auto other = open();
  ASSERT_NE(other, nullptr);
  std::atomic<int> wins{0};
  std::atomic<int> conflicts{0};
  auto end = [&](Store* s, const char* status) {
    auto r = s->finish_execution({org_a_, e.id, status, "", "", kT0 + 1});
    if (r.ok()) ++wins;
    else if (r.error().code == ErrorCode::Conflict) ++conflicts;
  };
  std::thread a(end, store_.get(), "success");
  std::thread b(end, other.get(), "cancelled");
  a.join();
  b.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(conflicts.load(), 1);
}

TEST_P(StoreRuntimeConformance, ListExecutionsFiltersPaginatesNewestFirst) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(finished(org_a_, flow_a_, kT0 + i * 1000).id);
  ExecutionRecord open_one = execution(org_a_, flow_a_, kT0 + 10'000);
  execution(org_b_, flow_b_, kT0 + 20'000);  // another org's

  auto all = store_->list_executions({org_a_, flow_a_, "", 0, 50});
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(all->total, 6);
  ASSERT_EQ(all->items.size(), 6u);
  EXPECT_EQ(all->items[0].id, open_one.id);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(all->items[static_cast<size_t>(i) + 1].id, ids[4 - i]);

  auto page = store_->list_executions({org_a_, flow_a_, "success", 1, 2});
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page->total, 5);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].id, ids[3]);
  EXPECT_EQ(page->items[1].id, ids[2]);

  auto queued = store_->list_executions({org_a_, flow_a_, "queued", 0, 50});
  ASSERT_TRUE(queued.ok());
  ASSERT_EQ(queued->items.size(), 1u);
  EXPECT_EQ(queued->items[0].id, open_one.id);

  EXPECT_CODE(store_->list_executions({org_a_, flow_a_, "", 0, 0}), InvalidArgument);
  EXPECT_CODE(store_->list_executions({org_a_, flow_a_, "", -1, 10}), InvalidArgument);
  EXPECT_CODE(store_->list_executions({org_a_, "", "", 0, 10}), InvalidArgument);
  EXPECT_CODE(store_->list_executions({org_a_, flow_a_, "bogus", 0, 10}), InvalidArgument);
}

TEST_P(StoreRuntimeConformance, OpenExecutionsAcrossOrgsOldestFirst) {
  ExecutionRecord b_old = execution(org_b_, flow_b_, kT0 + 1);
  ExecutionRecord a_mid = execution(org_a_, flow_a_, kT0 + 2, "running");
  ExecutionRecord a_new = execution(org_a_, flow_a_, kT0 + 3);
  finished(org_a_, flow_a_, kT0);  // final: not open

  auto open_list = store_->list_open_executions(100);
  ASSERT_TRUE(open_list.ok()) << open_list.error().message;
  ASSERT_EQ(open_list->size(), 3u);
  EXPECT_EQ((*open_list)[0].id, b_old.id);
  EXPECT_EQ((*open_list)[0].org_id, org_b_);
  EXPECT_EQ((*open_list)[1].id, a_mid.id);
  EXPECT_EQ((*open_list)[2].id, a_new.id);
  EXPECT_EQ(store_->list_open_executions(2)->size(), 2u);
  EXPECT_CODE(store_->list_open_executions(0), InvalidArgument);
}

TEST_P(StoreRuntimeConformance, ExecutionsAreTenantScoped) {
  ExecutionRecord e = execution(org_a_, flow_a_, kT0);
  EXPECT_CODE(store_->get_execution(org_b_, e.id), NotFound);
  EXPECT_CODE(store_->start_execution(org_b_, e.id, kT0), NotFound);
  EXPECT_CODE(store_->finish_execution({org_b_, e.id, "cancelled", "", "", kT0}), NotFound);
  EXPECT_TRUE(store_->list_executions({org_b_, flow_a_, "", 0, 50})->items.empty());
  EXPECT_CODE(store_->append_execution_steps(org_b_, {step(e.id, 0)}), NotFound);
  EXPECT_CODE(store_->list_execution_steps(org_b_, e.id), NotFound);
  auto got = store_->get_execution(org_a_, e.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, "queued");
}

TEST_P(StoreRuntimeConformance, StepsAppendInOrderAndAllOrNothing) {
  ExecutionRecord e = execution(org_a_, flow_a_, kT0, "running");
  ASSERT_TRUE(store_->append_execution_steps(org_a_, {step(e.id, 0), step(e.id, 1)}).ok());
  ASSERT_TRUE(store_->append_execution_steps(org_a_, {step(e.id, 3), step(e.id, 2)}).ok());
  ASSERT_TRUE(store_->append_execution_steps(org_a_, {}).ok());

  // A batch with a foreign execution writes nothing, nor does a repeated index.
  ExecutionRecord foreign = execution(org_b_, flow_b_, kT0);
  EXPECT_CODE(store_->append_execution_steps(org_a_, {step(e.id, 4), step(foreign.id, 0)}),
              NotFound);
  EXPECT_CODE(store_->append_execution_steps(org_a_, {step(e.id, 5), step(e.id, 1)}),
              AlreadyExists);

  auto steps = store_->list_execution_steps(org_a_, e.id);
  ASSERT_TRUE(steps.ok()) << steps.error().message;
  ASSERT_EQ(steps->size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    const ExecutionStep& s = (*steps)[i];
    EXPECT_EQ(s.step_index, static_cast<std::int64_t>(i));
    EXPECT_EQ(s.execution_id, e.id);
    EXPECT_EQ(s.payload, "<greeting>" + std::to_string(i) + "</greeting>");
    EXPECT_EQ(s.payload_class, "Greeting");
    EXPECT_EQ(s.status, "delivered");
    EXPECT_EQ(s.started_at_ms, kT0 + static_cast<std::int64_t>(i));
    EXPECT_EQ(s.finished_at_ms.has_value(), i % 2 == 0);
  }
  EXPECT_TRUE(store_->list_execution_steps(org_b_, foreign.id)->empty());
  EXPECT_CODE(store_->list_execution_steps(org_a_, "no-such-id"), NotFound);
}

TEST_P(StoreRuntimeConformance, PruneByCountKeepsNewestAndOpenOnes) {
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    ExecutionRecord e = finished(org_a_, flow_a_, kT0 + i * 1000);
    ASSERT_TRUE(store_->append_execution_steps(org_a_, {step(e.id, 0), step(e.id, 1)}).ok());
    ids.push_back(e.id);
  }
  ExecutionRecord old_open = execution(org_a_, flow_a_, kT0 - 100'000);  // oldest of all
  ExecutionRecord other_org = finished(org_b_, flow_b_, kT0);

  auto pruned = store_->prune_executions({org_a_, flow_a_, 2, 0});
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  EXPECT_EQ(*pruned, 4);
  auto left = store_->list_executions({org_a_, flow_a_, "", 0, 50});
  ASSERT_EQ(left->items.size(), 3u);
  EXPECT_EQ(left->items[0].id, ids[5]);
  EXPECT_EQ(left->items[1].id, ids[4]);
  EXPECT_EQ(left->items[2].id, old_open.id);
  for (int i = 0; i < 4; ++i) {
    EXPECT_CODE(store_->get_execution(org_a_, ids[static_cast<size_t>(i)]), NotFound);
  }
  EXPECT_EQ(store_->list_execution_steps(org_a_, ids[5])->size(), 2u);
  EXPECT_TRUE(store_->get_execution(org_b_, other_org.id).ok());

  // Nothing more to do; keep 0 removes every final one but never the open one.
  EXPECT_EQ(*store_->prune_executions({org_a_, flow_a_, 2, 0}), 0);
  EXPECT_EQ(*store_->prune_executions({org_a_, flow_a_, 0, 0}), 2);
  EXPECT_TRUE(store_->get_execution(org_a_, old_open.id).ok());
  // Another org's prune touches nothing of this one.
  EXPECT_EQ(*store_->prune_executions({org_b_, flow_a_, 0, 0}), 0);
  EXPECT_CODE(store_->prune_executions({org_a_, flow_a_, -1, 0}), InvalidArgument);
}

// A bounded prune takes the oldest first and leaves the rest for the next call, so a large
// backlog goes in short transactions (regression: one transaction deleting ~600,000
// executions held the store for minutes and stalled every synchronous call).
TEST_P(StoreRuntimeConformance, BoundedPruneTakesTheOldestFirst) {
  std::vector<std::string> ids;  // oldest first
  for (int i = 0; i < 7; ++i) ids.push_back(finished(org_a_, flow_a_, kT0 + i * 1000).id);
  RetentionRequest rr{org_a_, flow_a_, 2, 0};
  rr.max_delete = 3;
  EXPECT_EQ(*store_->prune_executions(rr), 3);
  for (int i = 0; i < 3; ++i) EXPECT_CODE(store_->get_execution(org_a_, ids[static_cast<size_t>(i)]), NotFound);
  EXPECT_TRUE(store_->get_execution(org_a_, ids[3]).ok());
  EXPECT_EQ(*store_->prune_executions(rr), 2);  // what is left beyond the newest 2
  EXPECT_EQ(*store_->prune_executions(rr), 0);
  EXPECT_TRUE(store_->get_execution(org_a_, ids[5]).ok());
  EXPECT_TRUE(store_->get_execution(org_a_, ids[6]).ok());
  rr.max_delete = -1;
  EXPECT_CODE(store_->prune_executions(rr), InvalidArgument);
}

TEST_P(StoreRuntimeConformance, PruneByAgeKeepsOpenOnes) {
  ExecutionRecord old_final = finished(org_a_, flow_a_, kT0);
  ASSERT_TRUE(store_->append_execution_steps(org_a_, {step(old_final.id, 0)}).ok());
  ExecutionRecord old_open = execution(org_a_, flow_a_, kT0 + 1, "running");
  ExecutionRecord new_final = finished(org_a_, flow_a_, kT0 + 10 * kHour);

  auto pruned = store_->prune_executions({org_a_, flow_a_, 1000, kT0 + kHour});
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  EXPECT_EQ(*pruned, 1);
  EXPECT_CODE(store_->get_execution(org_a_, old_final.id), NotFound);
  EXPECT_CODE(store_->list_execution_steps(org_a_, old_final.id), NotFound);
  EXPECT_TRUE(store_->get_execution(org_a_, old_open.id).ok());
  EXPECT_TRUE(store_->get_execution(org_a_, new_final.id).ok());
}

// ---- usage ------------------------------------------------------------------------------

TEST_P(StoreRuntimeConformance, CountExecutionIsAtomicAcrossThreadsAndStores) {
  EXPECT_EQ(*store_->executions_in_month(org_a_, "2026-11"), 0);
  auto first = store_->count_execution(org_a_, "2026-11");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(*first, 1);

  constexpr int kStores = 3;
  constexpr int kThreadsPerStore = 2;
  constexpr int kEach = 25;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kStores; ++i) stores.push_back(open());
  std::atomic<int> errors{0};
  std::vector<std::vector<std::int64_t>> seen(kStores * kThreadsPerStore);
  std::vector<std::thread> threads;
  for (int t = 0; t < kStores * kThreadsPerStore; ++t) {
    threads.emplace_back([&, t]() {
      Store* s = stores[static_cast<size_t>(t / kThreadsPerStore)].get();
      for (int i = 0; i < kEach; ++i) {
        for (int attempt = 0;; ++attempt) {
          auto r = s->count_execution(org_a_, "2026-11");
          if (r.ok()) {
            seen[static_cast<size_t>(t)].push_back(*r);
            break;
          }
          if (r.error().code != ErrorCode::Unavailable || attempt > 20) {
            ++errors;
            break;
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  const std::int64_t total = 1 + kStores * kThreadsPerStore * kEach;
  EXPECT_EQ(*store_->executions_in_month(org_a_, "2026-11"), total);
  // Every caller got a distinct new count: 2..total, each once.
  std::vector<std::int64_t> all;
  for (const auto& v : seen) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), static_cast<size_t>(total - 1));
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], static_cast<std::int64_t>(i) + 2);

  // Other months and other orgs are separate counters.
  EXPECT_EQ(*store_->executions_in_month(org_a_, "2026-12"), 0);
  EXPECT_EQ(*store_->executions_in_month(org_b_, "2026-11"), 0);
  EXPECT_EQ(*store_->count_execution(org_b_, "2026-11"), 1);
  EXPECT_EQ(*store_->executions_in_month(org_a_, "2026-11"), total);
  EXPECT_CODE(store_->count_execution(org_a_, "November"), InvalidArgument);
  EXPECT_CODE(store_->executions_in_month(org_a_, "2026-13"), InvalidArgument);
  EXPECT_CODE(store_->count_execution("no-such-org", "2026-11"), NotFound);
}

TEST_P(StoreRuntimeConformance, RuntimeTablesExistAfterReopen) {
  // Migration 2 applied once; a reopened store still sees the runtime's rows.
  Trigger t = trigger(org_a_, flow_a_, "schedule", "cron");
  ASSERT_TRUE(*store_->claim_schedule_slot(t.id, kT0));
  store_.reset();
  store_ = open();
  ASSERT_NE(store_, nullptr);
  EXPECT_FALSE(*store_->claim_schedule_slot(t.id, kT0));
  EXPECT_EQ(store_->list_schedule_triggers()->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreRuntimeConformance, NEXTRA_STORE_BACKENDS);

}  // namespace
}  // namespace nextra::store
