// Secrets over HTTP: write-only values, names, sizes, roles, tenant isolation, audit, and
// encryption at rest in the SQLite file.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "api_fixture.h"

namespace nextra::apitest {
namespace {

const std::string kValue = "sk-PLAINTEXT-canary-7f3a91c2e4b8d650";

std::string to_hex(const std::string& s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class SecretsApi : public ApiTest {
 protected:
  // Every response body seen by a test, to check the value never comes back.
  void expect_no_value(const Reply& r, const std::string& value = kValue) {
    EXPECT_EQ(r.body.find(value), std::string::npos) << r.body;
  }

  Client invite_into(Client& owner, const std::string& email, const std::string& role) {
    auto inv = owner.post("/api/orgs/" + owner.personal_org_id + "/invitations", {{"email", email}, {"role", role}});
    EXPECT_EQ(inv.status, 201) << inv.body;
    Client u = user(email);
    auto acc = u.call("POST", inv.json.value("acceptPath", std::string("/missing")));
    EXPECT_EQ(acc.status, 200) << acc.body;
    u.org_id = owner.personal_org_id;
    return u;
  }
};

TEST_F(SecretsApi, PutGetListDeleteNeverReturnTheValue) {
  Client ada = user("ada@example.com");
  auto created = ada.put("/api/secrets/OPENAI_API_KEY", {{"value", kValue}});
  ASSERT_EQ(created.status, 201) << created.body;
  expect_no_value(created);
  EXPECT_EQ(created.json["name"], "OPENAI_API_KEY");
  EXPECT_TRUE(created.json["createdAt"].is_string());
  EXPECT_TRUE(created.json["updatedAt"].is_string());
  EXPECT_FALSE(created.json.contains("value"));

  auto replaced = ada.put("/api/secrets/OPENAI_API_KEY", {{"value", kValue + "-v2"}});
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  expect_no_value(replaced);
  EXPECT_EQ(replaced.json["createdAt"], created.json["createdAt"]);

  auto one = ada.get("/api/secrets/OPENAI_API_KEY");
  ASSERT_EQ(one.status, 200) << one.body;
  expect_no_value(one);
  EXPECT_EQ(one.json["name"], "OPENAI_API_KEY");
  EXPECT_TRUE(one.json.contains("createdAt"));
  EXPECT_TRUE(one.json.contains("updatedAt"));
  EXPECT_FALSE(one.json.contains("value"));

  EXPECT_EQ(ada.put("/api/secrets/b.other-name_2", {{"value", "x"}}).status, 201);
  auto list = ada.get("/api/secrets");
  ASSERT_EQ(list.status, 200) << list.body;
  expect_no_value(list);
  ASSERT_EQ(list.json["items"].size(), 2u);
  EXPECT_EQ(list.json["items"][0]["name"], "OPENAI_API_KEY");
  for (const auto& item : list.json["items"]) {
    EXPECT_FALSE(item.contains("value"));
    EXPECT_TRUE(item.contains("createdAt"));
    EXPECT_TRUE(item.contains("updatedAt"));
  }

  auto del = ada.del("/api/secrets/OPENAI_API_KEY");
  EXPECT_EQ(del.status, 204) << del.body;
  EXPECT_EQ(ada.get("/api/secrets/OPENAI_API_KEY").status, 404);
  EXPECT_EQ(ada.del("/api/secrets/OPENAI_API_KEY").status, 404);
  EXPECT_EQ(ada.get("/api/secrets").json["items"].size(), 1u);

  // The audit log records create, update and delete, and never the value.
  auto audit = ada.get("/api/audit?pageSize=100");
  ASSERT_EQ(audit.status, 200) << audit.body;
  expect_no_value(audit);
  int creates = 0, updates = 0, deletes = 0;
  for (const auto& e : audit.json["items"]) {
    if (e["targetId"] != "OPENAI_API_KEY") continue;
    EXPECT_EQ(e["targetType"], "secret");
    EXPECT_EQ(e["actorUserId"], ada.user_id);
    if (e["action"] == "secret.create") ++creates;
    if (e["action"] == "secret.update") ++updates;
    if (e["action"] == "secret.delete") ++deletes;
  }
  EXPECT_EQ(creates, 1);
  EXPECT_EQ(updates, 1);
  EXPECT_EQ(deletes, 1);
}

// The store reports "created" by comparing timestamps; quick successive replacements must
// still be reported as replacements.
TEST_F(SecretsApi, RapidReplacementsAre200) {
  Client ada = user("ada@example.com");
  ASSERT_EQ(ada.put("/api/secrets/FAST", {{"value", "v0"}}).status, 201);
  for (int i = 1; i <= 40; ++i) {
    auto r = ada.put("/api/secrets/FAST", {{"value", "v" + std::to_string(i)}});
    ASSERT_EQ(r.status, 200) << "replacement " << i << ": " << r.body;
  }
  auto audit = ada.get("/api/audit?pageSize=100");
  int creates = 0;
  for (const auto& e : audit.json["items"]) creates += e["action"] == "secret.create";
  EXPECT_EQ(creates, 1);
}

TEST_F(SecretsApi, InvalidNamesAre400) {
  Client ada = user("ada@example.com");
  for (const std::string& target : std::vector<std::string>{"/api/secrets/..%2Fx", "/api/secrets/a%20b", "/api/secrets/1abc",
                                   "/api/secrets/-x", "/api/secrets/a%24b", "/api/secrets/" + std::string(200, 'a'),
                                   "/api/secrets/" + std::string(129, 'a')}) {
    auto r = ada.put(target, {{"value", "v"}});
    EXPECT_EQ(r.status, 400) << target << " " << r.body;
    EXPECT_EQ(r.json["details"]["field"], "name") << target;
    EXPECT_EQ(ada.get(target).status, 400) << target;
    EXPECT_EQ(ada.del(target).status, 400) << target;
  }
  // Literal traversal and an empty name never reach a secret.
  for (const std::string& target : std::vector<std::string>{"/api/secrets/../x", "/api/secrets/"}) {
    auto r = ada.put(target, {{"value", "v"}});
    EXPECT_TRUE(r.status == 400 || r.status == 404 || r.status == 405) << target << " " << r.status << " " << r.body;
  }
  // 128 characters is the longest valid name.
  EXPECT_EQ(ada.put("/api/secrets/" + std::string(128, 'a'), {{"value", "v"}}).status, 201);
  EXPECT_EQ(ada.get("/api/secrets").json["items"].size(), 1u);
}

TEST_F(SecretsApi, ValueMustBeAStringOfAtMost64KiB) {
  Client ada = user("ada@example.com");
  auto big = ada.put("/api/secrets/BIG", {{"value", std::string(64 * 1024 + 1, 'x')}});
  EXPECT_EQ(big.status, 400) << big.body;
  EXPECT_EQ(big.json["details"]["field"], "value");
  EXPECT_EQ(ada.put("/api/secrets/BIG", {{"value", std::string(64 * 1024, 'x')}}).status, 201);
  auto num = ada.put("/api/secrets/NUM", {{"value", 42}});
  EXPECT_EQ(num.status, 400);
  EXPECT_EQ(num.json["details"]["field"], "value");
  EXPECT_EQ(ada.put("/api/secrets/NUM", {{"value", nlohmann::json::object()}}).status, 400);
  EXPECT_EQ(ada.put("/api/secrets/NUM", {{"value", nullptr}}).status, 400);
  EXPECT_EQ(ada.put("/api/secrets/NUM", nlohmann::json::object()).status, 400);
  EXPECT_EQ(ada.call("PUT", "/api/secrets/NUM", "not json").status, 400);
  EXPECT_EQ(ada.get("/api/secrets/NUM").status, 404);
}

TEST_F(SecretsApi, EncryptedAtRestAndSurvivesARestart) {
  Client ada = user("ada@example.com");
  ASSERT_EQ(ada.put("/api/secrets/DB_PASSWORD", {{"value", kValue}}).status, 201);

  // The master key file is private.
  struct stat st {};
  ASSERT_EQ(::stat((data_dir / "master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);

  // The stored row holds ciphertext, not the value.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2((data_dir / "nextra.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* st2 = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT ciphertext_hex FROM secrets WHERE name = 'DB_PASSWORD'", -1, &st2, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    ASSERT_EQ(sqlite3_step(st2), SQLITE_ROW);
    std::string stored(reinterpret_cast<const char*>(sqlite3_column_text(st2, 0)));
    EXPECT_FALSE(stored.empty());
    EXPECT_EQ(stored.find(kValue), std::string::npos);
    EXPECT_EQ(stored.find(to_hex(kValue)), std::string::npos);
    sqlite3_finalize(st2);
    sqlite3_close(db);
  }

  stop();  // flush everything to disk, then look at every file's raw bytes
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir)) {
    if (!entry.is_regular_file()) continue;
    auto bytes = read_file(entry.path());
    EXPECT_EQ(bytes.find(kValue), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find(to_hex(kValue)), std::string::npos) << entry.path();
  }

  start();  // same data dir, same master key file (on a new port, so a new client)
  ada = client();
  ASSERT_EQ(ada.login("ada@example.com").status, 200);
  auto one = ada.get("/api/secrets/DB_PASSWORD");
  EXPECT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(ada.get("/api/secrets").json["items"].size(), 1u);
  // Replacing after the restart is an update.
  EXPECT_EQ(ada.put("/api/secrets/DB_PASSWORD", {{"value", kValue}}).status, 200);
}

TEST_F(SecretsApi, RolesMembersAndViewersReadNamesOnly) {
  Client owner = user("owner@example.com");
  ASSERT_EQ(owner.put("/api/secrets/TOKEN", {{"value", kValue}}).status, 201);
  Client mem = invite_into(owner, "mem@example.com", "member");
  Client val = invite_into(owner, "val@example.com", "viewer");
  Client adm = invite_into(owner, "adm@example.com", "admin");

  auto mput = mem.put("/api/secrets/TOKEN", {{"value", "hijack"}});
  EXPECT_EQ(mput.status, 403) << mput.body;
  EXPECT_EQ(mem.put("/api/secrets/NEW", {{"value", "x"}}).status, 403);
  EXPECT_EQ(mem.del("/api/secrets/TOKEN").status, 403);
  EXPECT_EQ(val.put("/api/secrets/TOKEN", {{"value", "x"}}).status, 403);
  EXPECT_EQ(val.del("/api/secrets/TOKEN").status, 403);

  for (Client* c : {&mem, &val}) {
    auto list = c->get("/api/secrets");
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_EQ(list.json["items"].size(), 1u);
    expect_no_value(list);
    auto one = c->get("/api/secrets/TOKEN");
    EXPECT_EQ(one.status, 200);
    expect_no_value(one);
    EXPECT_EQ(c->get("/api/audit").status, 403);
  }

  // Admins manage secrets.
  EXPECT_EQ(adm.put("/api/secrets/TOKEN", {{"value", kValue + "2"}}).status, 200);
  EXPECT_EQ(adm.put("/api/secrets/ADM", {{"value", "x"}}).status, 201);
  EXPECT_EQ(adm.del("/api/secrets/ADM").status, 204);
  auto audit = adm.get("/api/audit?pageSize=100");
  EXPECT_EQ(audit.status, 200);
  expect_no_value(audit);

  // An API key of the owner works without CSRF.
  auto key = owner.post("/api/api-keys", {{"name", "ci"}});
  ASSERT_EQ(key.status, 201);
  Client k = client();
  k.bearer = key.json["key"].get<std::string>();
  EXPECT_EQ(k.put("/api/secrets/VIA_KEY", {{"value", "x"}}).status, 201);
  EXPECT_EQ(k.del("/api/secrets/VIA_KEY").status, 204);
  // Cookie writes need CSRF.
  Client no_csrf = owner;
  no_csrf.csrf.clear();
  EXPECT_EQ(no_csrf.put("/api/secrets/X", {{"value", "x"}}).status, 403);
  EXPECT_EQ(client().get("/api/secrets").status, 401);
}

TEST_F(SecretsApi, TenantIsolation) {
  Client a = user("a@example.com");
  Client b = user("b@example.com");
  ASSERT_EQ(a.put("/api/secrets/SHARED_NAME", {{"value", kValue}}).status, 201);
  ASSERT_EQ(a.put("/api/secrets/A_ONLY", {{"value", kValue}}).status, 201);

  EXPECT_EQ(b.get("/api/secrets/A_ONLY").status, 404);
  EXPECT_EQ(b.del("/api/secrets/A_ONLY").status, 404);
  auto blist = b.get("/api/secrets");
  ASSERT_EQ(blist.status, 200);
  EXPECT_EQ(blist.json["items"].size(), 0u);

  // The same name in B is a separate secret.
  EXPECT_EQ(b.put("/api/secrets/SHARED_NAME", {{"value", "b-value"}}).status, 201);
  EXPECT_EQ(b.del("/api/secrets/SHARED_NAME").status, 204);
  EXPECT_EQ(a.get("/api/secrets/SHARED_NAME").status, 200);
  EXPECT_EQ(a.get("/api/secrets").json["items"].size(), 2u);

  // B naming A's organization is refused outright.
  b.org_id = a.personal_org_id;
  EXPECT_EQ(b.get("/api/secrets").status, 404);
  EXPECT_EQ(b.get("/api/secrets/A_ONLY").status, 404);
  EXPECT_EQ(b.del("/api/secrets/A_ONLY").status, 404);
  EXPECT_EQ(b.put("/api/secrets/A_ONLY", {{"value", "x"}}).status, 404);
  EXPECT_EQ(a.get("/api/secrets/A_ONLY").status, 200);

  // B's audit log has nothing about A's secrets.
  b.org_id.clear();
  auto audit = b.get("/api/audit?pageSize=100");
  ASSERT_EQ(audit.status, 200);
  EXPECT_EQ(audit.body.find("A_ONLY"), std::string::npos);
}

}  // namespace
}  // namespace nextra::apitest
