#pragma once
// Test support shared by the store conformance suites: a fixture parameterised by backend
// ("sqlite": a temporary file per test; "postgres": a database per test on one throw-away
// server per process, skipped only when initdb is not installed). A suite derives from
// StoreBackendTest and instantiates itself with NEXTRA_STORE_BACKENDS.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"

namespace nextra::store::test {

class StoreBackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Another Store (another connection) on the same database.
  std::unique_ptr<Store> open();

  // Fixtures: a user, an organization owned by `owner`, a flow.
  std::string user(const std::string& email);
  std::string org(const std::string& owner, const std::string& name = "Org");
  Flow flow(const std::string& org_id, const std::string& author, const std::string& name = "flow");

  std::filesystem::path dir_;
  std::string target_;
  std::unique_ptr<Store> store_;
};

std::string backend_name(const ::testing::TestParamInfo<std::string>& p);

}  // namespace nextra::store::test

// INSTANTIATE_TEST_SUITE_P(Backends, Suite, NEXTRA_STORE_BACKENDS);
#define NEXTRA_STORE_BACKENDS \
  ::testing::Values("sqlite", "postgres"), ::nextra::store::test::backend_name

#define EXPECT_CODE(expr, code_)                                            \
  do {                                                                      \
    auto r_ = (expr);                                                       \
    ASSERT_FALSE(r_.ok()) << #expr " unexpectedly succeeded";               \
    EXPECT_EQ(r_.error().code, ErrorCode::code_) << r_.error().message;     \
  } while (0)
