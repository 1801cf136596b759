// Conformance of LLM usage (issue #5) on every backend (store_test_fixture.h): calls are
// summed per group and per month, an execution's calls are found, another organization sees
// nothing, and the monthly cap is kept on the organization.
#include <gtest/gtest.h>

#include "store/store.h"
#include "store/store_test_fixture.h"

namespace nextra::store {
namespace {

constexpr std::int64_t kJan15 = 1799971200000;   // 2027-01-15T00:00:00Z
constexpr std::int64_t kJanLast = 1801439999000; // 2027-01-31T23:59:59Z
constexpr std::int64_t kFeb1 = 1801440000000;    // 2027-02-01T00:00:00Z
constexpr std::int64_t kDay = 86400000;

class StoreUsageConformance : public test::StoreBackendTest {
 protected:
  void SetUp() override {
    test::StoreBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const std::string owner = user("owner@example.com");
    org_a_ = org(owner, "A");
    org_b_ = org(owner, "B");
  }

  LlmCall call(const std::string& org_id, const std::string& flow, const std::string& execution, std::int64_t at,
               std::int64_t in, std::int64_t out, std::optional<std::int64_t> cost, const std::string& model = "gpt-4o") {
    LlmCall c;
    c.org_id = org_id;
    c.flow_id = flow;
    c.execution_id = execution;
    c.agent = "researcher";
    c.model = model;
    c.provider = "openai";
    c.backend = "main";
    c.prompt_tokens = in;
    c.completion_tokens = out;
    c.latency_ms = 120;
    c.cost_micros = cost;
    c.attempts = 1;
    c.started_at_ms = at;
    return c;
  }

  std::string org_a_, org_b_;
};

TEST_P(StoreUsageConformance, CallsAreSummedPerGroupAndPerMonth) {
  auto failed = call(org_a_, "f2", "e3", kJan15 + kDay, 10, 0, std::nullopt);
  failed.ok = false;
  failed.error_code = "unavailable";
  ASSERT_TRUE(store_->record_llm_calls({call(org_a_, "f1", "e1", kJan15, 100, 20, 1500),
                                        call(org_a_, "f1", "e1", kJan15 + 1, 200, 40, 3000),
                                        call(org_a_, "f2", "e2", kJanLast, 50, 5, std::nullopt, "local-llama"),
                                        failed, call(org_a_, "f1", "e4", kFeb1, 1, 1, 7)})
                  .ok());

  LlmUsageRequest req;
  req.org_id = org_a_;
  req.from_ms = kJan15;
  req.to_ms = kFeb1;  // February's call is outside
  auto total = store_->llm_usage(req);
  ASSERT_TRUE(total.ok()) << total.error().message;
  ASSERT_EQ(total->size(), 1u);
  EXPECT_EQ((*total)[0].calls, 4);
  EXPECT_EQ((*total)[0].failed_calls, 1);
  EXPECT_EQ((*total)[0].unpriced_calls, 1);  // the failed call has no price but is not "unpriced"
  EXPECT_EQ((*total)[0].prompt_tokens, 360);
  EXPECT_EQ((*total)[0].completion_tokens, 65);
  EXPECT_EQ((*total)[0].cost_micros, 4500);

  req.group_by = "flow";
  auto by_flow = store_->llm_usage(req);
  ASSERT_TRUE(by_flow.ok());
  ASSERT_EQ(by_flow->size(), 2u);
  EXPECT_EQ((*by_flow)[0].key, "f1");
  EXPECT_EQ((*by_flow)[0].cost_micros, 4500);
  EXPECT_EQ((*by_flow)[1].key, "f2");
  EXPECT_EQ((*by_flow)[1].calls, 2);

  req.group_by = "day";
  auto by_day = store_->llm_usage(req);
  ASSERT_TRUE(by_day.ok());
  ASSERT_EQ(by_day->size(), 3u);
  EXPECT_EQ((*by_day)[0].key, "2027-01-15");
  EXPECT_EQ((*by_day)[0].calls, 2);
  EXPECT_EQ((*by_day)[2].key, "2027-01-31");

  req.group_by = "model";
  req.flow_id = "f2";
  auto by_model = store_->llm_usage(req);
  ASSERT_TRUE(by_model.ok());
  ASSERT_EQ(by_model->size(), 2u);
  EXPECT_EQ((*by_model)[0].key, "gpt-4o");
  EXPECT_EQ((*by_model)[1].key, "local-llama");

  auto jan = store_->llm_month(org_a_, "2027-01");
  ASSERT_TRUE(jan.ok()) << jan.error().message;
  EXPECT_EQ(jan->prompt_tokens, 360);
  EXPECT_EQ(jan->completion_tokens, 65);
  EXPECT_EQ(jan->cost_micros, 4500);
  EXPECT_FALSE(jan->cap_micros.has_value());
  EXPECT_EQ(store_->llm_month(org_a_, "2027-02")->cost_micros, 7);
  EXPECT_EQ(store_->llm_month(org_a_, "2027-03")->cost_micros, 0);
}

TEST_P(StoreUsageConformance, AnExecutionsCallsAreListedOldestFirst) {
  ASSERT_TRUE(store_->record_llm_calls({call(org_a_, "f1", "e1", kJan15 + 5, 2, 2, 2),
                                        call(org_a_, "f1", "e1", kJan15, 1, 1, 1), call(org_a_, "f1", "e2", kJan15, 9, 9, 9)})
                  .ok());
  auto calls = store_->list_llm_calls(org_a_, "e1");
  ASSERT_TRUE(calls.ok()) << calls.error().message;
  ASSERT_EQ(calls->size(), 2u);
  EXPECT_EQ((*calls)[0].prompt_tokens, 1);
  EXPECT_EQ((*calls)[1].prompt_tokens, 2);
  EXPECT_EQ((*calls)[1].cost_micros.value_or(-1), 2);
  EXPECT_EQ((*calls)[1].agent, "researcher");
  EXPECT_TRUE((*calls)[1].ok);
}

TEST_P(StoreUsageConformance, AnotherOrganizationSeesNone) {
  ASSERT_TRUE(store_->record_llm_calls({call(org_a_, "f1", "e1", kJan15, 100, 20, 1500)}).ok());
  EXPECT_TRUE(store_->list_llm_calls(org_b_, "e1")->empty());
  LlmUsageRequest req;
  req.org_id = org_b_;
  req.from_ms = 0;
  req.to_ms = kFeb1;
  EXPECT_TRUE(store_->llm_usage(req)->empty());
  EXPECT_EQ(store_->llm_month(org_b_, "2027-01")->cost_micros, 0);
}

TEST_P(StoreUsageConformance, TheCapIsKeptAndRemoved) {
  ASSERT_TRUE(store_->set_llm_cap(org_a_, 25'000'000).ok());
  EXPECT_EQ(store_->llm_month(org_a_, "2027-01")->cap_micros.value_or(-1), 25'000'000);
  EXPECT_FALSE(store_->llm_month(org_b_, "2027-01")->cap_micros.has_value());
  ASSERT_TRUE(store_->set_llm_cap(org_a_, std::nullopt).ok());
  EXPECT_FALSE(store_->llm_month(org_a_, "2027-01")->cap_micros.has_value());
  EXPECT_CODE(store_->set_llm_cap("no-such-org", 1), NotFound);
  EXPECT_CODE(store_->set_llm_cap(org_a_, -1), InvalidArgument);
}

TEST_P(StoreUsageConformance, BadInputIsRefusedAndWritesNothing) {
  auto bad = call(org_a_, "f1", "e1", kJan15, -1, 0, 0);
  EXPECT_CODE(store_->record_llm_calls({call(org_a_, "f1", "e1", kJan15, 5, 5, 5), bad}), InvalidArgument);
  EXPECT_TRUE(store_->list_llm_calls(org_a_, "e1")->empty());  // the good call went with the bad one
  EXPECT_EQ(store_->llm_month(org_a_, "2027-01")->prompt_tokens, 0);
  EXPECT_CODE(store_->record_llm_calls({call("no-such-org", "f1", "e1", kJan15, 1, 1, 1)}), NotFound);
  LlmUsageRequest req;
  req.org_id = org_a_;
  req.from_ms = kFeb1;
  req.to_ms = kJan15;
  EXPECT_CODE(store_->llm_usage(req), InvalidArgument);
  req.to_ms = kFeb1 + 1;
  req.group_by = "colour";
  EXPECT_CODE(store_->llm_usage(req), InvalidArgument);
  EXPECT_CODE(store_->llm_month(org_a_, "2027-13"), InvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreUsageConformance, NEXTRA_STORE_BACKENDS);

}  // namespace
}  // namespace nextra::store
