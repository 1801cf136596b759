// SaaS tiers over HTTP: the free plan's monthly execution limit refuses the next run with
// 402 tier_limit; a self-hosted instance has no such limit.
#include <gtest/gtest.h>

#include "api_fixture.h"

namespace nextra::apitest {
namespace {

class TiersApi : public ApiTest {};

TEST_F(TiersApi, FreePlanStopsAtItsMonthlyExecutions) {
  options.saas = true;
  start();
  Client c = user("free@example.com");
  auto flow = c.post("/api/flows", {{"name", "counted"}});
  ASSERT_EQ(flow.status, 201) << flow.body;
  const std::string id = flow.json["id"];
  int accepted = 0;
  Reply last;
  for (int i = 0; i < 1001; ++i) {
    last = c.post("/api/triggers/" + id + "/inject", {{"payload", {{"text", "n" + std::to_string(i)}}}});
    if (last.status == 202) ++accepted;
    else break;
  }
  EXPECT_EQ(accepted, 1000);
  EXPECT_EQ(last.status, 402) << last.body;
  EXPECT_EQ(last.code(), "tier_limit");
  EXPECT_EQ(last.json["details"]["resource"], "executions");
}

TEST_F(TiersApi, SelfHostedHasNoExecutionLimit) {
  Client c = user("self@example.com");
  auto flow = c.post("/api/flows", {{"name", "unlimited"}});
  ASSERT_EQ(flow.status, 201);
  const std::string id = flow.json["id"];
  for (int i = 0; i < 1001; ++i) {
    auto r = c.post("/api/triggers/" + id + "/inject", {{"payload", {{"text", "x"}}}});
    ASSERT_EQ(r.status, 202) << i << ": " << r.body;
  }
}

}  // namespace
}  // namespace nextra::apitest
