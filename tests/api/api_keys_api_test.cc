// API keys over HTTP: creation (shown once), bearer use without cookie or CSRF, last-used,
// revocation, org binding, role changes reaching keys, visibility and revocation rights.
#include <gtest/gtest.h>

#include <string>

#include "api_fixture.h"

namespace nextra::apitest {
namespace {

class ApiKeysApi : public ApiTest {
 protected:
  // A client that authenticates only with the key (no cookie, no CSRF).
  Client key_client(const std::string& key) {
    Client k = client();
    k.bearer = key;
    return k;
  }

  // Creates a key as `c`; returns the create reply.
  Reply create_key(Client& c, const std::string& name) {
    auto r = c.post("/api/api-keys", {{"name", name}});
    return r;
  }

  // `owner` invites a fresh user into `org_id` with `role`; returns that user's client, acting
  // in `org_id`.
  Client invite_into(Client& owner, const std::string& org_id, const std::string& email, const std::string& role) {
    auto inv = owner.post("/api/orgs/" + org_id + "/invitations", {{"email", email}, {"role", role}});
    EXPECT_EQ(inv.status, 201) << inv.body;
    Client u = user(email);
    auto acc = u.call("POST", inv.json.value("acceptPath", std::string("/missing")));
    EXPECT_EQ(acc.status, 200) << acc.body;
    u.org_id = org_id;
    return u;
  }
};

TEST_F(ApiKeysApi, CreateShowsTheKeyOnceAndTheKeyAuthenticatesWithoutCookieOrCsrf) {
  Client ada = user("ada@example.com");
  auto r = create_key(ada, "ci");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string key = r.json["key"].get<std::string>();
  EXPECT_EQ(key.rfind("nxk_", 0), 0u);
  EXPECT_EQ(key.size(), 4u + 43u);
  EXPECT_EQ(r.json["apiKey"]["name"], "ci");
  EXPECT_EQ(r.json["apiKey"]["prefix"], key.substr(0, 12));
  EXPECT_EQ(r.json["apiKey"]["userId"], ada.user_id);
  EXPECT_TRUE(r.json["apiKey"]["lastUsedAt"].is_null());
  EXPECT_EQ(r.headers["cache-control"], "no-store");
  const std::string id = r.json["apiKey"]["id"].get<std::string>();

  // Never again: the list has neither the key nor a hash.
  auto list = ada.get("/api/api-keys");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json["items"].size(), 1u);
  EXPECT_FALSE(list.json["items"][0].contains("key"));
  EXPECT_EQ(list.body.find(key), std::string::npos);
  EXPECT_EQ(list.body.find("hash"), std::string::npos);
  EXPECT_EQ(list.body.find(key.substr(12)), std::string::npos);

  Client k = key_client(key);
  auto me = k.get("/api/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json["authMethod"], "api_key");
  EXPECT_EQ(me.json["user"]["id"], ada.user_id);
  EXPECT_EQ(me.body.find(key), std::string::npos);

  // A write with the key and no CSRF header.
  ASSERT_TRUE(k.csrf.empty());
  auto flow = k.post("/api/flows", {{"name", "from-ci"}});
  EXPECT_EQ(flow.status, 201) << flow.body;

  // lastUsedAt is set after use.
  auto after = ada.get("/api/api-keys");
  ASSERT_EQ(after.status, 200);
  ASSERT_EQ(after.json["items"].size(), 1u);
  EXPECT_TRUE(after.json["items"][0]["lastUsedAt"].is_string()) << after.body;

  // The key can list keys too (it acts as ada, the owner).
  auto via_key = k.get("/api/api-keys");
  EXPECT_EQ(via_key.status, 200);
  EXPECT_EQ(via_key.body.find(key), std::string::npos);

  // Revoke: 204, then the key is refused, and a second revoke is 404.
  auto del = ada.del("/api/api-keys/" + id);
  EXPECT_EQ(del.status, 204) << del.body;
  auto again = k.get("/api/me");
  EXPECT_EQ(again.status, 401) << again.body;
  EXPECT_EQ(again.headers["www-authenticate"], "Bearer");
  EXPECT_EQ(k.post("/api/flows", {{"name", "after-revoke"}}).status, 401);
  EXPECT_EQ(ada.del("/api/api-keys/" + id).status, 404);
  EXPECT_EQ(ada.get("/api/api-keys").json["items"].size(), 0u);

  // The audit log has the creation and revocation, and never the key.
  auto audit = ada.get("/api/audit");
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_NE(audit.body.find("api_key.create"), std::string::npos);
  EXPECT_NE(audit.body.find("api_key.revoke"), std::string::npos);
  EXPECT_EQ(audit.body.find(key), std::string::npos);
}

TEST_F(ApiKeysApi, ForgedAndMalformedKeysAre401) {
  Client ada = user("ada@example.com");
  auto r = create_key(ada, "ci");
  ASSERT_EQ(r.status, 201);
  std::string key = r.json["key"].get<std::string>();
  std::string forged = key;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(key_client(forged).get("/api/me").status, 401);
  EXPECT_EQ(key_client("nxk_").get("/api/me").status, 401);
  EXPECT_EQ(key_client("nxk_" + std::string(43, 'A')).get("/api/me").status, 401);
  // A forged key with a valid session cookie still fails: the Authorization header wins.
  Client mixed = ada;
  mixed.bearer = forged;
  EXPECT_EQ(mixed.get("/api/me").status, 401);
  // The real one still works.
  EXPECT_EQ(key_client(key).get("/api/me").status, 200);
}

TEST_F(ApiKeysApi, KeyIsBoundToItsOrganization) {
  Client ada = user("ada@example.com");
  auto lab = ada.post("/api/orgs", {{"name", "Lab"}});
  ASSERT_EQ(lab.status, 201) << lab.body;
  const std::string lab_id = lab.json["id"].get<std::string>();

  // Without X-Org-Id a session acts in the first org by name ("Lab"), so name the org.
  ada.org_id = ada.personal_org_id;
  auto r = create_key(ada, "personal");
  ASSERT_EQ(r.status, 201);
  Client k = key_client(r.json["key"].get<std::string>());
  auto me = k.get("/api/me");
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json["organization"]["id"], ada.personal_org_id) << me.body;

  k.org_id = lab_id;  // ada belongs to Lab, but the key does not
  EXPECT_EQ(k.get("/api/me").status, 403);
  EXPECT_EQ(k.get("/api/flows").status, 403);
  EXPECT_EQ(k.post("/api/flows", {{"name", "wrong-org"}}).status, 403);
  // Org routes with the other org in the path are refused too.
  k.org_id.clear();
  EXPECT_EQ(k.get("/api/orgs/" + lab_id + "/members").status, 404);

  k.org_id = ada.personal_org_id;  // naming its own org is fine
  EXPECT_EQ(k.get("/api/me").status, 200);
}

TEST_F(ApiKeysApi, DemotingTheCreatorDemotesTheKey) {
  Client owner = user("owner@example.com");
  Client bob = invite_into(owner, owner.personal_org_id, "bob@example.com", "member");
  auto r = create_key(bob, "bob-ci");
  ASSERT_EQ(r.status, 201) << r.body;
  Client k = key_client(r.json["key"].get<std::string>());
  auto me = k.get("/api/me");
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json["organization"]["id"], owner.personal_org_id);
  EXPECT_EQ(me.json["role"], "member");
  EXPECT_EQ(k.post("/api/flows", {{"name", "as-member"}}).status, 201);

  auto demote = owner.patch("/api/orgs/" + owner.personal_org_id + "/members/" + bob.user_id, {{"role", "viewer"}});
  ASSERT_EQ(demote.status, 200) << demote.body;
  auto write = k.post("/api/flows", {{"name", "as-viewer"}});
  EXPECT_EQ(write.status, 403) << write.body;
  EXPECT_EQ(k.get("/api/flows").status, 200);  // reads still work
  EXPECT_EQ(k.get("/api/me").json["role"], "viewer");
  // A viewer cannot create keys either.
  EXPECT_EQ(create_key(bob, "more").status, 403);

  // Removing bob from the org makes the key useless there.
  auto removed = owner.del("/api/orgs/" + owner.personal_org_id + "/members/" + bob.user_id);
  ASSERT_EQ(removed.status, 204) << removed.body;
  auto gone = k.get("/api/me");
  EXPECT_TRUE(gone.status == 401 || gone.status == 403 || gone.status == 404) << gone.status;
  EXPECT_EQ(k.post("/api/flows", {{"name", "after-removal"}}).status == 201, false);
}

TEST_F(ApiKeysApi, ViewerCannotCreateKeys) {
  Client owner = user("owner@example.com");
  Client val = invite_into(owner, owner.personal_org_id, "val@example.com", "viewer");
  auto r = create_key(val, "nope");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.code(), "permission_denied");
  EXPECT_EQ(val.get("/api/api-keys").status, 200);
}

TEST_F(ApiKeysApi, MembersSeeTheirOwnKeysAdminsSeeAll) {
  Client owner = user("owner@example.com");
  const std::string org = owner.personal_org_id;
  Client bob = invite_into(owner, org, "bob@example.com", "member");
  Client cat = invite_into(owner, org, "cat@example.com", "member");
  Client adm = invite_into(owner, org, "adm@example.com", "admin");

  auto ok = create_key(owner, "owner-key");
  auto bk = create_key(bob, "bob-key");
  auto ck = create_key(cat, "cat-key");
  ASSERT_EQ(ok.status, 201);
  ASSERT_EQ(bk.status, 201);
  ASSERT_EQ(ck.status, 201);
  const std::string bob_key_id = bk.json["apiKey"]["id"].get<std::string>();
  const std::string cat_key_id = ck.json["apiKey"]["id"].get<std::string>();

  auto bl = bob.get("/api/api-keys");
  ASSERT_EQ(bl.status, 200);
  ASSERT_EQ(bl.json["items"].size(), 1u) << bl.body;
  EXPECT_EQ(bl.json["items"][0]["name"], "bob-key");

  EXPECT_EQ(owner.get("/api/api-keys").json["items"].size(), 3u);
  EXPECT_EQ(adm.get("/api/api-keys").json["items"].size(), 3u);

  // A member cannot revoke another's key; nothing changes.
  auto denied = bob.del("/api/api-keys/" + cat_key_id);
  EXPECT_EQ(denied.status, 403) << denied.body;
  EXPECT_EQ(key_client(ck.json["key"].get<std::string>()).get("/api/me").status, 200);
  // Unknown id: 404.
  EXPECT_EQ(bob.del("/api/api-keys/00000000-0000-0000-0000-000000000000").status, 404);
  EXPECT_EQ(bob.del("/api/api-keys/nope").status, 404);
  // A member revokes their own; an admin revokes someone else's.
  EXPECT_EQ(bob.del("/api/api-keys/" + bob_key_id).status, 204);
  EXPECT_EQ(adm.del("/api/api-keys/" + cat_key_id).status, 204);
  EXPECT_EQ(key_client(ck.json["key"].get<std::string>()).get("/api/me").status, 401);
  EXPECT_EQ(owner.get("/api/api-keys").json["items"].size(), 1u);
}

TEST_F(ApiKeysApi, AnotherOrganizationCannotRevokeAKey) {
  Client ada = user("ada@example.com");
  Client eve = user("eve@example.com");
  auto r = create_key(ada, "ci");
  ASSERT_EQ(r.status, 201);
  const std::string id = r.json["apiKey"]["id"].get<std::string>();
  auto del = eve.del("/api/api-keys/" + id);
  EXPECT_EQ(del.status, 404) << del.body;
  EXPECT_EQ(eve.get("/api/api-keys").json["items"].size(), 0u);
  EXPECT_EQ(key_client(r.json["key"].get<std::string>()).get("/api/me").status, 200);
  // Eve naming ada's org is 404 (not a member), even for a list.
  eve.org_id = ada.personal_org_id;
  EXPECT_EQ(eve.get("/api/api-keys").status, 404);
  EXPECT_EQ(eve.del("/api/api-keys/" + id).status, 404);
}

TEST_F(ApiKeysApi, CreateValidatesTheName) {
  Client ada = user("ada@example.com");
  EXPECT_EQ(ada.post("/api/api-keys", nlohmann::json::object()).status, 400);
  EXPECT_EQ(ada.post("/api/api-keys", {{"name", ""}}).status, 400);
  EXPECT_EQ(ada.post("/api/api-keys", {{"name", "   "}}).status, 400);
  EXPECT_EQ(ada.post("/api/api-keys", {{"name", 7}}).status, 400);
  EXPECT_EQ(ada.post("/api/api-keys", {{"name", std::string(201, 'x')}}).status, 400);
  // Cookie-authenticated creation needs CSRF.
  Client no_csrf = ada;
  no_csrf.csrf.clear();
  EXPECT_EQ(no_csrf.post("/api/api-keys", {{"name", "x"}}).status, 403);
  EXPECT_EQ(client().post("/api/api-keys", {{"name", "x"}}).status, 401);
}

TEST_F(ApiKeysApi, KeySurvivesARestart) {
  // The key is checked against its stored hash, so it survives a restart.
  Client ada = user("ada@example.com");
  auto r = create_key(ada, "ci");
  ASSERT_EQ(r.status, 201);
  const std::string key = r.json["key"].get<std::string>();
  start();  // same data dir
  Client k = key_client(key);
  EXPECT_EQ(k.get("/api/me").status, 200);
}

}  // namespace
}  // namespace nextra::apitest
