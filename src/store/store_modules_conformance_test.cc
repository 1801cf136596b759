// Conformance of the WASM module rows (issue #7) on every backend (store_test_fixture.h):
// names and versions per organization, lookup by id or newest by name, org scoping, and the
// use count that decides when a module's file can go.
#include <gtest/gtest.h>

#include "store/store.h"
#include "store/store_test_fixture.h"

namespace nextra::store {
namespace {

class StoreModulesConformance : public test::StoreBackendTest {
 protected:
  void SetUp() override {
    test::StoreBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    owner_ = user("owner@example.com");
    org_a_ = org(owner_, "A");
    org_b_ = org(owner_, "B");
  }

  CreateModuleRequest req(const std::string& org_id, const std::string& name, const std::string& version,
                          const std::string& sha = "ab12") {
    CreateModuleRequest r;
    r.org_id = org_id;
    r.name = name;
    r.version = version;
    r.sha256 = sha;
    r.size_bytes = 123;
    r.content_path = sha + ".wasm";
    r.wit = "handle: func(input: req) -> resp";
    r.exports = R"(["handle","alloc","memory"])";
    r.created_by = owner_;
    return r;
  }

  std::string owner_, org_a_, org_b_;
};

TEST_P(StoreModulesConformance, CreatedModulesAreListedAndFoundByIdOrNewestName) {
  auto v1 = store_->create_module(req(org_a_, "shout", "1.0.0"));
  ASSERT_TRUE(v1.ok()) << v1.error().message;
  EXPECT_EQ(v1->name, "shout");
  EXPECT_EQ(v1->size_bytes, 123);
  EXPECT_EQ(v1->exports, R"(["handle","alloc","memory"])");
  EXPECT_FALSE(v1->source.has_value());
  auto v2r = req(org_a_, "shout", "1.1.0", "cd34");
  v2r.source = "export function handle(): void {}";
  auto v2 = store_->create_module(v2r);
  ASSERT_TRUE(v2.ok()) << v2.error().message;
  EXPECT_EQ(v2->source.value_or(""), "export function handle(): void {}");

  EXPECT_EQ(store_->get_module(org_a_, v1->id)->version, "1.0.0");
  EXPECT_EQ(store_->find_module(org_a_, v1->id)->version, "1.0.0");
  // By name: the newest version (created last; ties broken by id, so still one answer).
  auto newest = store_->find_module(org_a_, "shout");
  ASSERT_TRUE(newest.ok());
  EXPECT_TRUE(newest->version == "1.1.0" || newest->created_at_ms == v1->created_at_ms);
  EXPECT_EQ(store_->list_modules(org_a_)->size(), 2u);
  EXPECT_EQ(*store_->count_modules(org_a_), 2);
  EXPECT_CODE(store_->find_module(org_a_, "nope"), NotFound);
}

TEST_P(StoreModulesConformance, ANameAndVersionAreTakenOncePerOrganization) {
  ASSERT_TRUE(store_->create_module(req(org_a_, "shout", "1.0.0")).ok());
  EXPECT_CODE(store_->create_module(req(org_a_, "shout", "1.0.0")), AlreadyExists);
  EXPECT_TRUE(store_->create_module(req(org_b_, "shout", "1.0.0")).ok());  // another org's namespace
  EXPECT_CODE(store_->create_module(req(org_a_, "", "1.0.0")), InvalidArgument);
}

TEST_P(StoreModulesConformance, AnotherOrganizationsModuleIsInvisible) {
  auto a = store_->create_module(req(org_a_, "secret-sauce", "1.0.0"));
  ASSERT_TRUE(a.ok());
  EXPECT_CODE(store_->get_module(org_b_, a->id), NotFound);
  EXPECT_CODE(store_->find_module(org_b_, a->id), NotFound);
  EXPECT_CODE(store_->find_module(org_b_, "secret-sauce"), NotFound);
  EXPECT_TRUE(store_->list_modules(org_b_)->empty());
  EXPECT_CODE(store_->delete_module(org_b_, a->id), NotFound);
  EXPECT_TRUE(store_->get_module(org_a_, a->id).ok());
}

TEST_P(StoreModulesConformance, DeletingCountsDownTheUsesOfTheBytes) {
  auto a = store_->create_module(req(org_a_, "m", "1", "same"));
  auto b = store_->create_module(req(org_b_, "m", "1", "same"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*store_->count_module_uses("same"), 2);
  ASSERT_TRUE(store_->delete_module(org_a_, a->id).ok());
  EXPECT_EQ(*store_->count_module_uses("same"), 1);
  EXPECT_CODE(store_->get_module(org_a_, a->id), NotFound);
  EXPECT_CODE(store_->delete_module(org_a_, a->id), NotFound);
  EXPECT_EQ(*store_->count_modules(org_a_), 0);
}

TEST_P(StoreModulesConformance, APlansModuleLimitIsCheckedInTheInsert) {
  auto first = req(org_a_, "m", "1");
  first.max_modules = 1;
  ASSERT_TRUE(store_->create_module(first).ok());
  auto second = req(org_a_, "m", "2");
  second.max_modules = 1;
  EXPECT_CODE(store_->create_module(second), ResourceExhausted);
  second.max_modules = 2;
  EXPECT_TRUE(store_->create_module(second).ok());
  auto other_org = req(org_b_, "m", "1");
  other_org.max_modules = 1;
  EXPECT_TRUE(store_->create_module(other_org).ok());  // counted per organization
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreModulesConformance, NEXTRA_STORE_BACKENDS);

}  // namespace
}  // namespace nextra::store
