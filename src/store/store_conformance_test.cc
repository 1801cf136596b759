// One conformance suite for the Store seam, run against every backend: SQLite always (a
// temporary file per test), PostgreSQL on a throw-away local server (a database per test),
// skipped only when initdb is not installed (store_test_fixture.h). The runtime's methods
// (triggers, executions) have their own suite: store_runtime_conformance_test.cc.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "core/uuid.h"
#include "store/migrations.h"
#include "store/store.h"
#include "store/store_test_fixture.h"

namespace nextra::store {
namespace {

class StoreConformance : public test::StoreBackendTest {};

// ---- migrations -------------------------------------------------------------------------

TEST_P(StoreConformance, MigrationsAppliedAndIdempotentOnReopen) {
  auto v = store_->schema_version();
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(*v, migrations().back().version);
  std::string u = user("a@example.com");
  store_.reset();
  for (int i = 0; i < 2; ++i) {
    auto again = open();
    ASSERT_NE(again, nullptr);
    EXPECT_EQ(*again->schema_version(), migrations().back().version);
    EXPECT_TRUE(again->get_user(u).ok());
  }
}

// ---- accounts ---------------------------------------------------------------------------

TEST_P(StoreConformance, UsersAreUniqueByEmail) {
  std::string id = user("u@example.com");
  auto by_id = store_->get_user(id);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->email, "u@example.com");
  EXPECT_EQ(by_id->password_hash, "argon2id$hash");
  EXPECT_EQ(store_->get_user_by_email("u@example.com")->id, id);
  EXPECT_CODE(store_->create_user({"u@example.com", "dup", "h"}), AlreadyExists);
  EXPECT_CODE(store_->get_user(new_uuid_v4()), NotFound);
  EXPECT_CODE(store_->get_user_by_email("nobody@example.com"), NotFound);
  EXPECT_CODE(store_->create_user({"", "x", "h"}), InvalidArgument);
}

TEST_P(StoreConformance, OrganizationsListedForTheirMembers) {
  std::string a = user("a@example.com"), b = user("b@example.com");
  std::string o1 = org(a, "One"), o2 = org(b, "Two");
  ASSERT_TRUE(store_->add_member({o2, a, Role::Viewer}).ok());
  auto list = store_->list_organizations_for_user(a);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].organization.id, o1);
  EXPECT_EQ((*list)[0].role, Role::Owner);
  EXPECT_EQ((*list)[1].organization.name, "Two");
  EXPECT_EQ((*list)[1].role, Role::Viewer);
  EXPECT_EQ(store_->get_organization(o1)->name, "One");
  EXPECT_CODE(store_->get_organization(new_uuid_v4()), NotFound);
  EXPECT_CODE(store_->create_organization({"X", new_uuid_v4()}), NotFound);
}

TEST_P(StoreConformance, RolesAndTheLastOwnerRule) {
  std::string owner = user("o@example.com"), m = user("m@example.com"), v = user("v@example.com");
  std::string o = org(owner);
  ASSERT_TRUE(store_->add_member({o, m, Role::Member}).ok());
  ASSERT_TRUE(store_->add_member({o, v, Role::Viewer}).ok());
  EXPECT_CODE(store_->add_member({o, m, Role::Admin}), AlreadyExists);
  EXPECT_CODE(store_->add_member({o, new_uuid_v4(), Role::Admin}), NotFound);
  auto members = store_->list_members(o);
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 3u);
  EXPECT_EQ(*store_->get_role(o, v), Role::Viewer);

  EXPECT_CODE(store_->change_role({o, owner, Role::Admin}), Conflict);
  EXPECT_CODE(store_->remove_member(o, owner), Conflict);
  EXPECT_EQ(*store_->get_role(o, owner), Role::Owner);

  auto promoted = store_->change_role({o, m, Role::Owner});
  ASSERT_TRUE(promoted.ok());
  EXPECT_EQ(promoted->role, Role::Owner);
  ASSERT_TRUE(store_->change_role({o, owner, Role::Admin}).ok());
  EXPECT_CODE(store_->remove_member(o, m), Conflict);  // m is now the last owner
  ASSERT_TRUE(store_->remove_member(o, v).ok());
  EXPECT_CODE(store_->get_role(o, v), NotFound);
  EXPECT_CODE(store_->remove_member(o, v), NotFound);
  EXPECT_CODE(store_->change_role({o, v, Role::Admin}), NotFound);
  EXPECT_EQ(store_->list_members(o)->size(), 2u);
}

// ---- identity sync, user lifecycle, plans -------------------------------------------------

TEST_P(StoreConformance, ExternalUserUpsertCreatesThenUpdates) {
  auto created = store_->upsert_external_user({"user_clerk1", "c@example.com", "Clerk One"});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_TRUE(created->created);
  EXPECT_EQ(created->user.external_id, "user_clerk1");
  EXPECT_EQ(created->user.email, "c@example.com");
  EXPECT_EQ(created->user.password_hash, "");

  auto updated = store_->upsert_external_user({"user_clerk1", "c2@example.com", "Renamed"});
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_FALSE(updated->created);
  EXPECT_EQ(updated->user.id, created->user.id);
  EXPECT_EQ(updated->user.email, "c2@example.com");
  EXPECT_EQ(updated->user.name, "Renamed");
  EXPECT_EQ(updated->user.created_at_ms, created->user.created_at_ms);

  // Every read of a user carries the external id; password users have none.
  EXPECT_EQ(store_->get_user(created->user.id)->external_id, "user_clerk1");
  EXPECT_EQ(store_->get_user_by_email("c2@example.com")->external_id, "user_clerk1");
  EXPECT_EQ(store_->get_user_by_external_id("user_clerk1")->id, created->user.id);
  EXPECT_CODE(store_->get_user_by_email("c@example.com"), NotFound);
  EXPECT_CODE(store_->get_user_by_external_id("user_nobody"), NotFound);
  EXPECT_CODE(store_->get_user_by_external_id(""), InvalidArgument);
  std::string plain = user("p@example.com");
  EXPECT_EQ(store_->get_user(plain)->external_id, "");
  EXPECT_CODE(store_->upsert_external_user({"", "x@example.com", "x"}), InvalidArgument);
  EXPECT_CODE(store_->upsert_external_user({"user_x", "", "x"}), InvalidArgument);
}

TEST_P(StoreConformance, ExternalUserUpsertRefusesAnotherUsersEmail) {
  std::string taken = user("taken@example.com");
  // A new external user cannot take it...
  EXPECT_CODE(store_->upsert_external_user({"user_new", "taken@example.com", "N"}), AlreadyExists);
  EXPECT_CODE(store_->get_user_by_external_id("user_new"), NotFound);
  // ...nor can an existing one move onto it; nothing changes.
  ASSERT_TRUE(store_->upsert_external_user({"user_old", "old@example.com", "Old"}).ok());
  EXPECT_CODE(store_->upsert_external_user({"user_old", "taken@example.com", "Moved"}), AlreadyExists);
  auto old = store_->get_user_by_external_id("user_old");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->email, "old@example.com");
  EXPECT_EQ(old->name, "Old");
  EXPECT_EQ(store_->get_user(taken)->external_id, "");
  EXPECT_EQ(*store_->count_users(), 2);
}

TEST_P(StoreConformance, UpdateUserKeepsUnsetFieldsAndRefusesTakenEmail) {
  std::string a = user("a@example.com"), b = user("b@example.com");
  auto renamed = store_->update_user({a, std::nullopt, std::string("Alice"), std::nullopt});
  ASSERT_TRUE(renamed.ok()) << renamed.error().message;
  EXPECT_EQ(renamed->name, "Alice");
  EXPECT_EQ(renamed->email, "a@example.com");
  EXPECT_EQ(renamed->password_hash, "argon2id$hash");
  auto moved = store_->update_user({a, std::string("a2@example.com"), std::nullopt,
                                    std::string("argon2id$new")});
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(moved->email, "a2@example.com");
  EXPECT_EQ(moved->name, "Alice");
  EXPECT_EQ(store_->get_user_by_email("a2@example.com")->password_hash, "argon2id$new");

  EXPECT_CODE(store_->update_user({a, std::string("b@example.com"), std::string("X"), std::nullopt}),
              AlreadyExists);
  EXPECT_EQ(store_->get_user(a)->name, "Alice");  // the failed update changed nothing
  EXPECT_EQ(store_->get_user(b)->email, "b@example.com");
  EXPECT_CODE(store_->update_user({new_uuid_v4(), std::nullopt, std::string("X"), std::nullopt}),
              NotFound);
  EXPECT_CODE(store_->update_user({a, std::string(""), std::nullopt, std::nullopt}), InvalidArgument);
  EXPECT_CODE(store_->update_user({"", std::nullopt, std::string("X"), std::nullopt}), InvalidArgument);
}

TEST_P(StoreConformance, DeleteUserRemovesAccessButKeepsHistory) {
  EXPECT_EQ(*store_->count_users(), 0);
  std::string owner = user("o@example.com"), gone = user("gone@example.com");
  EXPECT_EQ(*store_->count_users(), 2);
  std::string o = org(owner), own = org(gone, "Own");
  ASSERT_TRUE(store_->add_member({o, gone, Role::Admin}).ok());
  ASSERT_TRUE(store_->create_session({"tok-gone", gone, "csrf", 1'000'000}).ok());
  ASSERT_TRUE(store_->create_session({"tok-owner", owner, "csrf", 1'000'000}).ok());
  ASSERT_TRUE(store_->create_api_key({o, gone, "ci", "nx_g", "hash-gone"}).ok());
  ASSERT_TRUE(store_->create_api_key({o, owner, "ci", "nx_o", "hash-owner"}).ok());
  ASSERT_TRUE(store_->append_audit({o, gone, "flow.create", "flow", "f1", "127.0.0.1", "{}"}).ok());
  Flow f = flow(o, gone);

  ASSERT_TRUE(store_->delete_user(gone).ok());
  EXPECT_CODE(store_->get_user(gone), NotFound);
  EXPECT_CODE(store_->get_user_by_email("gone@example.com"), NotFound);
  EXPECT_CODE(store_->get_role(o, gone), NotFound);
  EXPECT_TRUE(store_->list_organizations_for_user(gone)->empty());
  // The contract does not refuse deleting a last owner: their organization is left without
  // members (the caller decides what happens to it).
  EXPECT_TRUE(store_->list_members(own)->empty());
  EXPECT_CODE(store_->get_session("tok-gone", 0), NotFound);
  EXPECT_CODE(store_->find_api_key_by_hash("hash-gone"), NotFound);
  ASSERT_EQ(store_->list_api_keys(o)->size(), 1u);
  EXPECT_EQ(store_->list_members(o)->size(), 1u);
  EXPECT_EQ(*store_->count_users(), 1);
  // Other users' rows and the history stay.
  EXPECT_TRUE(store_->get_session("tok-owner", 0).ok());
  EXPECT_TRUE(store_->find_api_key_by_hash("hash-owner").ok());
  auto audit = store_->list_audit({o, 0, 50});
  ASSERT_EQ(audit->total, 1);
  EXPECT_EQ(audit->items[0].actor_user_id, gone);
  EXPECT_EQ(store_->get_flow(o, f.id)->created_by, gone);

  EXPECT_CODE(store_->delete_user(gone), NotFound);
  EXPECT_CODE(store_->delete_user(""), InvalidArgument);
  // The email is free again.
  EXPECT_TRUE(store_->create_user({"gone@example.com", "Back", ""}).ok());
}

TEST_P(StoreConformance, SetPlanAcceptsOnlyKnownTiers) {
  std::string u = user("u@example.com"), o = org(u);
  EXPECT_EQ(store_->get_organization(o)->plan, "enterprise");
  for (const char* plan : {"free", "paid", "pro", "enterprise", "free"}) {
    auto set = store_->set_plan(o, plan);
    ASSERT_TRUE(set.ok()) << set.error().message;
    EXPECT_EQ(set->plan, plan);
    EXPECT_EQ(set->id, o);
  }
  EXPECT_EQ(store_->get_organization(o)->plan, "free");
  EXPECT_CODE(store_->set_plan(o, "platinum"), InvalidArgument);
  EXPECT_CODE(store_->set_plan(o, ""), InvalidArgument);
  EXPECT_CODE(store_->set_plan(o, "Free"), InvalidArgument);
  EXPECT_EQ(store_->get_organization(o)->plan, "free");
  EXPECT_CODE(store_->set_plan(new_uuid_v4(), "pro"), NotFound);
}

TEST_P(StoreConformance, CountFlowsIgnoresDeletedAndForeignFlows) {
  std::string ua = user("a@example.com"), ub = user("b@example.com");
  std::string a = org(ua, "A"), b = org(ub, "B");
  EXPECT_EQ(*store_->count_flows(a), 0);
  Flow f1 = flow(a, ua, "one");
  flow(a, ua, "two");
  flow(a, ua, "three");
  flow(b, ub, "theirs");
  EXPECT_EQ(*store_->count_flows(a), 3);
  ASSERT_TRUE(store_->delete_flow(a, f1.id).ok());
  EXPECT_EQ(*store_->count_flows(a), 2);
  EXPECT_EQ(*store_->count_flows(b), 1);
  EXPECT_EQ(*store_->count_flows(new_uuid_v4()), 0);
}

// ---- invitations --------------------------------------------------------------------------

constexpr std::int64_t kNow = 1'700'000'000'000;
constexpr std::int64_t kDay = 86'400'000;

TEST_P(StoreConformance, InvitationsListPendingNewestFirst) {
  std::string u = user("u@example.com"), o = org(u);
  auto first = store_->create_invitation({o, "x@example.com", Role::Admin, "th-1", u, kNow + kDay});
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->org_id, o);
  EXPECT_EQ(first->role, Role::Admin);
  EXPECT_EQ(first->invited_by, u);
  EXPECT_EQ(first->expires_at_ms, kNow + kDay);
  EXPECT_FALSE(first->accepted_at_ms.has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  auto second = store_->create_invitation({o, "y@example.com", Role::Viewer, "th-2", u, kNow + 2 * kDay});
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(store_->create_invitation({o, "z@example.com", Role::Member, "th-3", u, kNow - 1}).ok());

  auto pending = store_->list_invitations(o, kNow);
  ASSERT_TRUE(pending.ok()) << pending.error().message;
  ASSERT_EQ(pending->size(), 2u);  // the expired one is hidden
  EXPECT_EQ((*pending)[0].id, second->id);
  EXPECT_EQ((*pending)[0].email, "y@example.com");
  EXPECT_EQ((*pending)[0].role, Role::Viewer);
  EXPECT_EQ((*pending)[1].id, first->id);
  EXPECT_EQ(store_->list_invitations(o, kNow + kDay)->size(), 1u);  // expiry is exclusive
  EXPECT_TRUE(store_->list_invitations(o, kNow + 2 * kDay)->empty());

  EXPECT_CODE(store_->create_invitation({o, "w@example.com", Role::Member, "th-1", u, kNow + kDay}),
              AlreadyExists);  // token hash reused
  EXPECT_CODE(store_->create_invitation({new_uuid_v4(), "w@example.com", Role::Member, "th-9", u,
                                         kNow + kDay}),
              NotFound);
  EXPECT_CODE(store_->create_invitation({o, "", Role::Member, "th-8", u, kNow + kDay}), InvalidArgument);
  EXPECT_CODE(store_->create_invitation({o, "w@example.com", Role::Member, "", u, kNow + kDay}),
              InvalidArgument);
}

TEST_P(StoreConformance, AcceptInvitationAddsMemberOnce) {
  std::string owner = user("o@example.com"), guest = user("g@example.com");
  std::string o = org(owner);
  auto inv = store_->create_invitation({o, "g@example.com", Role::Admin, "th-accept", owner, kNow + kDay});
  ASSERT_TRUE(inv.ok());

  auto accepted = store_->accept_invitation({"th-accept", guest, kNow});
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_EQ(accepted->invitation.id, inv->id);
  EXPECT_EQ(accepted->invitation.accepted_at_ms, kNow);
  EXPECT_EQ(accepted->member.user_id, guest);
  EXPECT_EQ(accepted->member.email, "g@example.com");
  EXPECT_EQ(accepted->member.role, Role::Admin);
  EXPECT_EQ(*store_->get_role(o, guest), Role::Admin);
  EXPECT_TRUE(store_->list_invitations(o, kNow)->empty());

  // A token works once, for anybody.
  std::string third = user("t@example.com");
  EXPECT_CODE(store_->accept_invitation({"th-accept", third, kNow}), NotFound);
  EXPECT_CODE(store_->accept_invitation({"th-accept", guest, kNow}), NotFound);
  EXPECT_CODE(store_->get_role(o, third), NotFound);
  EXPECT_CODE(store_->accept_invitation({"th-unknown", third, kNow}), NotFound);
  EXPECT_CODE(store_->accept_invitation({"", third, kNow}), InvalidArgument);
}

TEST_P(StoreConformance, AcceptInvitationExpiredOrAlreadyMemberChangesNothing) {
  std::string owner = user("o@example.com"), member = user("m@example.com");
  std::string o = org(owner);
  ASSERT_TRUE(store_->add_member({o, member, Role::Viewer}).ok());
  ASSERT_TRUE(store_->create_invitation({o, "late@example.com", Role::Member, "th-late", owner, kNow}).ok());
  ASSERT_TRUE(store_->create_invitation({o, "m@example.com", Role::Owner, "th-dup", owner, kNow + kDay}).ok());
  std::string late = user("late@example.com");

  EXPECT_CODE(store_->accept_invitation({"th-late", late, kNow}), NotFound);  // expires_at == now
  EXPECT_CODE(store_->get_role(o, late), NotFound);

  EXPECT_CODE(store_->accept_invitation({"th-dup", member, kNow}), AlreadyExists);
  EXPECT_EQ(*store_->get_role(o, member), Role::Viewer);  // not promoted
  auto pending = store_->list_invitations(o, kNow);
  ASSERT_EQ(pending->size(), 1u);  // still pending
  EXPECT_FALSE((*pending)[0].accepted_at_ms.has_value());

  EXPECT_CODE(store_->accept_invitation({"th-dup", new_uuid_v4(), kNow}), NotFound);  // no such user
  EXPECT_EQ(store_->list_invitations(o, kNow)->size(), 1u);
  // The pending invitation still works for somebody who is not a member yet.
  auto ok = store_->accept_invitation({"th-dup", late, kNow});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(*store_->get_role(o, late), Role::Owner);
}

TEST_P(StoreConformance, InvitationsAreTenantScoped) {
  std::string ua = user("a@example.com"), ub = user("b@example.com");
  std::string a = org(ua, "A"), b = org(ub, "B");
  ASSERT_TRUE(store_->create_invitation({b, "x@example.com", Role::Admin, "th-b", ub, kNow + kDay}).ok());
  EXPECT_TRUE(store_->list_invitations(a, kNow)->empty());
  EXPECT_EQ(store_->list_invitations(b, kNow)->size(), 1u);
  // Accepting B's token makes the user a member of B only.
  auto accepted = store_->accept_invitation({"th-b", ua, kNow});
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_EQ(accepted->invitation.org_id, b);
  EXPECT_EQ(*store_->get_role(a, ua), Role::Owner);
  EXPECT_EQ(*store_->get_role(b, ua), Role::Admin);
}

// Two users racing for one token over two connections: exactly one becomes a member.
TEST_P(StoreConformance, ConcurrentAcceptsOfOneTokenExactlyOneWins) {
  std::string owner = user("o@example.com"), o = org(owner);
  std::unique_ptr<Store> second = open();
  ASSERT_NE(second, nullptr);
  for (int round = 0; round < 10; ++round) {
    std::string token = "th-race-" + std::to_string(round);
    ASSERT_TRUE(store_->create_invitation({o, "r@example.com", Role::Member, token, owner, kNow + kDay}).ok());
    std::string u1 = user("r1-" + std::to_string(round) + "@example.com");
    std::string u2 = user("r2-" + std::to_string(round) + "@example.com");
    std::atomic<int> wins{0}, lost{0}, go{0};
    auto accept = [&](Store* s, const std::string& uid) {
      go.fetch_add(1);
      while (go.load() < 2) std::this_thread::yield();
      auto r = s->accept_invitation({token, uid, kNow});
      if (r.ok()) {
        wins.fetch_add(1);
      } else if (r.error().code == ErrorCode::NotFound) {
        lost.fetch_add(1);
      } else {
        ADD_FAILURE() << r.error().message;
      }
    };
    std::thread t1(accept, store_.get(), u1);
    std::thread t2(accept, second.get(), u2);
    t1.join();
    t2.join();
    ASSERT_EQ(wins.load(), 1) << "round " << round;
    ASSERT_EQ(lost.load(), 1) << "round " << round;
    EXPECT_EQ(store_->get_role(o, u1).ok() + store_->get_role(o, u2).ok(), 1);
  }
  EXPECT_EQ(store_->list_members(o)->size(), 11u);
}

// ---- flows ------------------------------------------------------------------------------

TEST_P(StoreConformance, FlowsPaginateWithTotalsAndFilter) {
  std::string u = user("u@example.com"), o = org(u);
  for (int i = 0; i < 25; ++i) flow(o, u, (i % 5 == 0 ? "beta-" : "alpha-") + std::to_string(i));
  flow(o, u, "100%_literal");
  auto page = store_->list_flows({o, "", 20, 10});
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page->total, 26);
  EXPECT_EQ(page->items.size(), 6u);
  auto beta = store_->list_flows({o, "beta", 0, 2});
  ASSERT_TRUE(beta.ok());
  EXPECT_EQ(beta->total, 5);
  EXPECT_EQ(beta->items.size(), 2u);
  EXPECT_EQ(store_->list_flows({o, "%", 0, 50})->total, 1);  // literal, not a wildcard
  EXPECT_EQ(store_->list_flows({o, "_", 0, 50})->total, 1);
  EXPECT_EQ(store_->list_flows({o, "ALPHA", 0, 50})->total, 0);
  EXPECT_EQ(store_->list_flows({o, "", 100, 50})->items.size(), 0u);
  EXPECT_CODE(store_->list_flows({o, "", 0, 0}), InvalidArgument);
  EXPECT_CODE(store_->list_flows({o, "", -1, 10}), InvalidArgument);
  EXPECT_CODE(store_->list_flows({o, "", 0, 1001}), InvalidArgument);
}

TEST_P(StoreConformance, StaleSaveIsConflictAndWritesNothing) {
  std::string u = user("u@example.com"), o = org(u);
  Flow f = flow(o, u);
  EXPECT_EQ(f.version, 1);
  UpdateFlowRequest up{o, f.id, 1, std::nullopt, std::nullopt, std::string("yaml v2"),
                       std::string("{\"v\":2}"), u, "second"};
  auto v2 = store_->update_flow(up);
  ASSERT_TRUE(v2.ok()) << v2.error().message;
  EXPECT_EQ(v2->version, 2);
  EXPECT_EQ(v2->name, "flow");  // unset fields keep their value
  EXPECT_EQ(v2->organism_yaml, "yaml v2");

  up.organism_yaml = "stale";
  up.name = "stale name";
  auto stale = store_->update_flow(up);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::Conflict);
  EXPECT_EQ(conflict_current_version(stale.error()), 2);

  auto now = store_->get_flow(o, f.id);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->version, 2);
  EXPECT_EQ(now->organism_yaml, "yaml v2");
  EXPECT_EQ(now->name, "flow");
  EXPECT_EQ(store_->list_flow_versions({o, f.id, 0, 50})->total, 2);
  EXPECT_CODE(store_->get_flow_version(o, f.id, 3), NotFound);

  up.flow_id = new_uuid_v4();
  EXPECT_CODE(store_->update_flow(up), NotFound);
  EXPECT_FALSE(conflict_current_version(Error::make(ErrorCode::NotFound, "x")).has_value());
}

TEST_P(StoreConformance, StoppedByUserIsKeptAndScopedToTheOrganization) {
  std::string u = user("stop@example.com"), o = org(u);
  std::string u2 = user("other@example.com"), o2 = org(u2);
  Flow f = flow(o, u);
  EXPECT_FALSE(f.stopped_by_user);
  auto stopped = store_->set_stopped_by_user(o, f.id, true);
  ASSERT_TRUE(stopped.ok()) << stopped.error().message;
  EXPECT_TRUE(stopped->stopped_by_user);
  EXPECT_TRUE(store_->get_flow(o, f.id)->stopped_by_user);
  EXPECT_EQ(store_->set_stopped_by_user(o2, f.id, false).error().code, ErrorCode::NotFound);
  EXPECT_TRUE(store_->get_flow(o, f.id)->stopped_by_user);
  ASSERT_TRUE(store_->set_stopped_by_user(o, f.id, false).ok());
  EXPECT_FALSE(store_->get_flow(o, f.id)->stopped_by_user);
}

TEST_P(StoreConformance, VersionHistoryIsImmutableAndLivePointerMoves) {
  std::string u = user("u@example.com"), o = org(u);
  Flow f = flow(o, u);
  for (int v = 1; v <= 4; ++v) {
    auto r = store_->update_flow({o, f.id, v, std::nullopt, std::nullopt,
                                  "yaml " + std::to_string(v + 1), std::nullopt, u,
                                  "save " + std::to_string(v + 1)});
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  auto v1 = store_->get_flow_version(o, f.id, 1);
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->organism_yaml, f.organism_yaml);
  EXPECT_EQ(v1->canvas_state, f.canvas_state);
  EXPECT_EQ(v1->author_user_id, u);
  auto v3 = store_->get_flow_version(o, f.id, 3);
  ASSERT_TRUE(v3.ok());
  EXPECT_EQ(v3->organism_yaml, "yaml 3");
  EXPECT_EQ(v3->message, "save 3");
  EXPECT_EQ(v3->canvas_state, f.canvas_state);

  auto list = store_->list_flow_versions({o, f.id, 1, 2});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->total, 5);
  ASSERT_EQ(list->items.size(), 2u);
  EXPECT_EQ(list->items[0].version, 4);  // newest first
  EXPECT_EQ(list->items[1].version, 3);

  EXPECT_FALSE(store_->get_flow(o, f.id)->live_version.has_value());
  auto live = store_->set_live_version(o, f.id, 2);
  ASSERT_TRUE(live.ok()) << live.error().message;
  EXPECT_EQ(live->live_version, 2);
  EXPECT_EQ(store_->get_flow(o, f.id)->live_version, 2);
  EXPECT_CODE(store_->set_live_version(o, f.id, 9), NotFound);
  EXPECT_EQ(store_->get_flow_version(o, f.id, 1)->organism_yaml, f.organism_yaml);
}

TEST_P(StoreConformance, DeletedFlowsDisappear) {
  std::string u = user("u@example.com"), o = org(u);
  Flow keep = flow(o, u, "keep");
  Flow gone = flow(o, u, "gone");
  ASSERT_TRUE(store_->delete_flow(o, gone.id).ok());
  EXPECT_CODE(store_->get_flow(o, gone.id), NotFound);
  EXPECT_CODE(store_->delete_flow(o, gone.id), NotFound);
  EXPECT_CODE(store_->update_flow({o, gone.id, 1, std::string("x"), {}, {}, {}, u, ""}), NotFound);
  EXPECT_CODE(store_->get_flow_version(o, gone.id, 1), NotFound);
  EXPECT_CODE(store_->list_flow_versions({o, gone.id, 0, 10}), NotFound);
  EXPECT_CODE(store_->set_live_version(o, gone.id, 1), NotFound);
  auto list = store_->list_flows({o, "", 0, 50});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->total, 1);
  EXPECT_EQ(list->items[0].id, keep.id);
}

// Two writers holding the same version: exactly one save wins per version, the other gets
// Conflict, and the history has no gaps or duplicates. Also across two connections.
TEST_P(StoreConformance, ConcurrentSavesExactlyOneWinsPerVersion) {
  std::string u = user("u@example.com"), o = org(u);
  Flow f = flow(o, u);
  std::unique_ptr<Store> second = open();
  ASSERT_NE(second, nullptr);
  constexpr int kRounds = 15;
  for (int round = 0; round < kRounds; ++round) {
    std::int64_t expected = 1 + round;
    std::atomic<int> wins{0}, conflicts{0}, go{0};
    auto writer = [&](Store* s, const std::string& tag) {
      go.fetch_add(1);
      while (go.load() < 2) std::this_thread::yield();
      auto r = s->update_flow({o, f.id, expected, std::nullopt, std::nullopt,
                               tag + std::to_string(round), std::nullopt, u, tag});
      if (r.ok()) {
        wins.fetch_add(1);
      } else if (r.error().code == ErrorCode::Conflict) {
        conflicts.fetch_add(1);
      } else {
        ADD_FAILURE() << r.error().message;
      }
    };
    Store* other = round % 2 == 0 ? store_.get() : second.get();
    std::thread t1(writer, store_.get(), std::string("a"));
    std::thread t2(writer, other, std::string("b"));
    t1.join();
    t2.join();
    ASSERT_EQ(wins.load(), 1) << "round " << round;
    ASSERT_EQ(conflicts.load(), 1) << "round " << round;
  }
  auto now = store_->get_flow(o, f.id);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->version, 1 + kRounds);
  auto versions = store_->list_flow_versions({o, f.id, 0, 100});
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->total, 1 + kRounds);
  for (size_t i = 0; i < versions->items.size(); ++i) {
    EXPECT_EQ(versions->items[i].version, 1 + kRounds - static_cast<std::int64_t>(i));
  }
  // The flow row and the newest version row were committed together.
  EXPECT_EQ(versions->items[0].organism_yaml, now->organism_yaml);
}

// A plan's flow limit is checked in the insert's transaction: creates racing from two
// connections (two servers) against a limit of one leave exactly one flow.
TEST_P(StoreConformance, RacingCreatesCannotBothPassAFlowLimit) {
  std::string u = user("u@example.com"), o = org(u);
  std::unique_ptr<Store> second = open();
  ASSERT_NE(second, nullptr);
  std::atomic<int> created{0}, refused{0}, go{0};
  auto creator = [&](Store* s, int i) {
    go.fetch_add(1);
    while (go.load() < 4) std::this_thread::yield();
    CreateFlowRequest req{o, "f" + std::to_string(i), "", "organism: {name: x}", "{}", u};
    req.max_flows = 1;
    auto r = s->create_flow(req);
    if (r.ok()) {
      created.fetch_add(1);
    } else if (r.error().code == ErrorCode::ResourceExhausted) {
      refused.fetch_add(1);
    } else {
      ADD_FAILURE() << r.error().message;
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back(creator, i % 2 ? second.get() : store_.get(), i);
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(refused.load(), 3);
  EXPECT_EQ(*store_->count_flows(o), 1);
  // Without a limit the same organization may go on.
  EXPECT_TRUE(store_->create_flow({o, "free", "", "organism: {name: x}", "{}", u}).ok());
}

// ---- tenant isolation -------------------------------------------------------------------

TEST_P(StoreConformance, OrgACannotSeeOrTouchOrgB) {
  std::string ua = user("a@example.com"), ub = user("b@example.com");
  std::string a = org(ua, "A"), b = org(ub, "B");
  Flow fb = flow(b, ub, "secret-flow");
  ASSERT_TRUE(store_->put_secret({b, "TOKEN", "cipher", "nonce"}).ok());
  auto kb = store_->create_api_key({b, ub, "ci", "nx_ab", "hash-b"});
  ASSERT_TRUE(kb.ok());
  ASSERT_TRUE(store_->append_audit({b, ub, "flow.create", "flow", fb.id, "10.0.0.1", "{}"}).ok());

  EXPECT_CODE(store_->get_flow(a, fb.id), NotFound);
  EXPECT_CODE(store_->update_flow({a, fb.id, 1, std::string("pwned"), {}, {}, {}, ua, ""}), NotFound);
  EXPECT_CODE(store_->update_flow({a, fb.id, 7, std::string("pwned"), {}, {}, {}, ua, ""}), NotFound);
  EXPECT_CODE(store_->delete_flow(a, fb.id), NotFound);
  EXPECT_CODE(store_->get_flow_version(a, fb.id, 1), NotFound);
  EXPECT_CODE(store_->list_flow_versions({a, fb.id, 0, 10}), NotFound);
  EXPECT_CODE(store_->set_live_version(a, fb.id, 1), NotFound);
  EXPECT_EQ(store_->list_flows({a, "", 0, 50})->total, 0);
  EXPECT_EQ(store_->list_flows({a, "secret", 0, 50})->total, 0);

  EXPECT_CODE(store_->get_secret(a, "TOKEN"), NotFound);
  EXPECT_CODE(store_->delete_secret(a, "TOKEN"), NotFound);
  EXPECT_TRUE(store_->list_secrets(a)->empty());
  ASSERT_TRUE(store_->put_secret({a, "TOKEN", "mine", "n"}).ok());  // same name, own row

  EXPECT_TRUE(store_->list_api_keys(a)->empty());
  EXPECT_CODE(store_->revoke_api_key(a, kb->id), NotFound);
  EXPECT_CODE(store_->touch_api_key(a, kb->id, 123), NotFound);

  EXPECT_EQ(store_->list_audit({a, 0, 50})->total, 0);
  EXPECT_CODE(store_->get_role(a, ub), NotFound);
  EXPECT_CODE(store_->change_role({a, ub, Role::Owner}), NotFound);
  EXPECT_CODE(store_->remove_member(a, ub), NotFound);

  // B's data is untouched.
  auto still = store_->get_flow(b, fb.id);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->name, "secret-flow");
  EXPECT_EQ(still->version, 1);
  EXPECT_EQ(store_->get_secret(b, "TOKEN")->ciphertext, "cipher");
  EXPECT_EQ(store_->get_secret(a, "TOKEN")->ciphertext, "mine");
  EXPECT_TRUE(store_->find_api_key_by_hash("hash-b").ok());
  EXPECT_FALSE(store_->find_api_key_by_hash("hash-b")->last_used_at_ms.has_value());
  EXPECT_EQ(store_->list_audit({b, 0, 50})->total, 1);
}

// ---- secrets, keys, audit, sessions -------------------------------------------------------

TEST_P(StoreConformance, SecretsStoreOpaqueBytes) {
  std::string u = user("u@example.com"), o = org(u);
  std::string cipher("\x00\x01\xff\xfe'\"\\ binary", 15);
  std::string nonce(24, '\0');
  nonce[3] = '\x80';
  auto put = store_->put_secret({o, "B_KEY", cipher, nonce});
  ASSERT_TRUE(put.ok()) << put.error().message;
  ASSERT_TRUE(store_->put_secret({o, "A_KEY", "x", "y"}).ok());
  auto got = store_->get_secret(o, "B_KEY");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->ciphertext, cipher);
  EXPECT_EQ(got->nonce, nonce);
  auto replaced = store_->put_secret({o, "B_KEY", "new", "n2"});
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->created_at_ms, put->created_at_ms);
  EXPECT_EQ(store_->get_secret(o, "B_KEY")->ciphertext, "new");
  auto names = store_->list_secrets(o);
  ASSERT_TRUE(names.ok());
  ASSERT_EQ(names->size(), 2u);
  EXPECT_EQ((*names)[0].name, "A_KEY");
  EXPECT_EQ((*names)[1].name, "B_KEY");
  ASSERT_TRUE(store_->delete_secret(o, "B_KEY").ok());
  EXPECT_CODE(store_->get_secret(o, "B_KEY"), NotFound);
  EXPECT_CODE(store_->delete_secret(o, "B_KEY"), NotFound);
}

TEST_P(StoreConformance, ApiKeysCreateFindTouchRevoke) {
  std::string u = user("u@example.com"), o = org(u);
  auto k = store_->create_api_key({o, u, "deploy", "nx_12", "sha256:abc"});
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_CODE(store_->create_api_key({o, u, "dup", "nx_12", "sha256:abc"}), AlreadyExists);
  auto found = store_->find_api_key_by_hash("sha256:abc");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, k->id);
  EXPECT_EQ(found->org_id, o);
  EXPECT_EQ(found->prefix, "nx_12");
  ASSERT_TRUE(store_->touch_api_key(o, k->id, 424242).ok());
  EXPECT_EQ(store_->find_api_key_by_hash("sha256:abc")->last_used_at_ms, 424242);
  ASSERT_EQ(store_->list_api_keys(o)->size(), 1u);
  ASSERT_TRUE(store_->revoke_api_key(o, k->id).ok());
  EXPECT_CODE(store_->find_api_key_by_hash("sha256:abc"), NotFound);
  EXPECT_CODE(store_->revoke_api_key(o, k->id), NotFound);
  auto listed = store_->list_api_keys(o);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE((*listed)[0].revoked_at_ms.has_value());
}

TEST_P(StoreConformance, AuditLogPaginatesNewestFirst) {
  std::string u = user("u@example.com"), o = org(u);
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(store_->append_audit({o, u, "act." + std::to_string(i), "flow", "id", "127.0.0.1",
                                      "{\"i\":" + std::to_string(i) + "}"})
                    .ok());
  }
  auto page = store_->list_audit({o, 0, 3});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 7);
  ASSERT_EQ(page->items.size(), 3u);
  EXPECT_EQ(page->items[0].action, "act.6");
  EXPECT_GT(page->items[0].seq, page->items[1].seq);
  auto last = store_->list_audit({o, 6, 3});
  ASSERT_EQ(last->items.size(), 1u);
  EXPECT_EQ(last->items[0].action, "act.0");
  EXPECT_EQ(last->items[0].details, "{\"i\":0}");
  EXPECT_CODE(store_->append_audit({o, u, "", "", "", "", ""}), InvalidArgument);
}

TEST_P(StoreConformance, SessionsExpire) {
  std::string u = user("u@example.com");
  ASSERT_TRUE(store_->create_session({"tok-1", u, "csrf-1", 1000}).ok());
  ASSERT_TRUE(store_->create_session({"tok-2", u, "csrf-2", 5000}).ok());
  EXPECT_CODE(store_->create_session({"tok-1", u, "c", 9}), AlreadyExists);
  EXPECT_CODE(store_->create_session({"tok-3", new_uuid_v4(), "c", 9}), NotFound);
  auto s = store_->get_session("tok-1", 999);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->user_id, u);
  EXPECT_EQ(s->csrf_token, "csrf-1");
  EXPECT_CODE(store_->get_session("tok-1", 1000), NotFound);
  EXPECT_EQ(*store_->delete_expired_sessions(1000), 1);
  ASSERT_TRUE(store_->delete_session("tok-2").ok());
  ASSERT_TRUE(store_->delete_session("tok-2").ok());
  EXPECT_CODE(store_->get_session("tok-2", 0), NotFound);
}

// ---- hostile text -----------------------------------------------------------------------

TEST_P(StoreConformance, InjectionStringsRoundTripVerbatim) {
  const std::vector<std::string> evil = {
      "'; DROP TABLE flows; --",
      "Robert'); DROP TABLE users;--",
      "\" OR \"1\"=\"1",
      "' OR 1=1 --",
      "?, $1, :name, @p, %s",
      "100% _wild_ \\escape\\",
      "line\nbreak\ttab\r",
      "\xc3\xbcnic\xc3\xb8" "de \xf0\x9f\x9a\x80",
      "/* comment */ SELECT * FROM secrets",
  };
  for (size_t i = 0; i < evil.size(); ++i) {
    const std::string& s = evil[i];
    const std::string tag = std::to_string(i);
    auto usr = store_->create_user({s + tag, s, s});
    ASSERT_TRUE(usr.ok()) << usr.error().message;
    EXPECT_EQ(store_->get_user_by_email(s + tag)->name, s);
    EXPECT_EQ(store_->get_user(usr->id)->password_hash, s);
    auto o = store_->create_organization({s, usr->id});
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(store_->get_organization(o->id)->name, s);

    auto f = store_->create_flow({o->id, s, s, s, s, s});
    ASSERT_TRUE(f.ok()) << f.error().message;
    auto g = store_->get_flow(o->id, f->id);
    EXPECT_EQ(g->name, s);
    EXPECT_EQ(g->description, s);
    EXPECT_EQ(g->organism_yaml, s);
    EXPECT_EQ(g->canvas_state, s);
    EXPECT_EQ(g->created_by, s);
    auto list = store_->list_flows({o->id, s, 0, 10});
    ASSERT_TRUE(list.ok());
    EXPECT_EQ(list->total, 1);
    auto up = store_->update_flow({o->id, f->id, 1, s + "!", s + "!", s + "!", s + "!", s, s});
    ASSERT_TRUE(up.ok()) << up.error().message;
    auto v2 = store_->get_flow_version(o->id, f->id, 2);
    EXPECT_EQ(v2->organism_yaml, s + "!");
    EXPECT_EQ(v2->canvas_state, s + "!");
    EXPECT_EQ(v2->message, s);

    ASSERT_TRUE(store_->put_secret({o->id, s, s, s}).ok());
    EXPECT_EQ(store_->get_secret(o->id, s)->ciphertext, s);
    EXPECT_EQ(store_->list_secrets(o->id)->at(0).name, s);

    auto k = store_->create_api_key({o->id, usr->id, s, s, s + tag});
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(store_->find_api_key_by_hash(s + tag)->name, s);

    auto a = store_->append_audit({o->id, s, s, s, s, s, s});
    ASSERT_TRUE(a.ok());
    auto entry = store_->list_audit({o->id, 0, 1})->items.at(0);
    EXPECT_EQ(entry.action, s);
    EXPECT_EQ(entry.details, s);
    EXPECT_EQ(entry.remote_addr, s);

    ASSERT_TRUE(store_->create_session({s + tag, usr->id, s, 1 << 30}).ok());
    EXPECT_EQ(store_->get_session(s + tag, 0)->csrf_token, s);
  }
  // Every table is still there and holds exactly what was written.
  EXPECT_EQ(*store_->schema_version(), migrations().back().version);
  EXPECT_TRUE(store_->get_user_by_email(evil[0] + "0").ok());
}

TEST(StoreFactories, UnreachableDatabaseIsUnavailable) {
  auto pg = make_postgres_store("postgresql://postgres@127.0.0.1:1/nextra?connect_timeout=2");
  ASSERT_FALSE(pg.ok());
  EXPECT_EQ(pg.error().code, ErrorCode::Unavailable);
  auto lite = make_sqlite_store("/nonexistent-dir-" + new_uuid_v4() + "/nextra.db");
  ASSERT_FALSE(lite.ok());
  EXPECT_EQ(lite.error().code, ErrorCode::Unavailable);
}

TEST(StoreMigrations, DialectTokensAreAllRendered) {
  for (const Migration& m : migrations()) {
    std::string lite = render_migration(m, Dialect::Sqlite);
    std::string pg = render_migration(m, Dialect::Postgres);
    EXPECT_EQ(lite.find("{{"), std::string::npos);
    EXPECT_EQ(pg.find("{{"), std::string::npos);
    if (m.version == 1) {
      EXPECT_NE(lite.find("AUTOINCREMENT"), std::string::npos);
      EXPECT_NE(pg.find("GENERATED ALWAYS AS IDENTITY"), std::string::npos);
    }
  }
  for (size_t i = 0; i < migrations().size(); ++i) {
    EXPECT_EQ(migrations()[i].version, static_cast<std::int64_t>(i + 1));
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, NEXTRA_STORE_BACKENDS);

}  // namespace
}  // namespace nextra::store
