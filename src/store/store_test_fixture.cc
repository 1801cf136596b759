#include "store/store_test_fixture.h"

#include <unistd.h>

#include <cstdio>

#include "core/uuid.h"
#include "store/postgres_fixture.h"

namespace nextra::store::test {
namespace {

// The PostgreSQL server is shared by every test in this process and stopped at exit.
class PostgresEnvironment : public ::testing::Environment {
 public:
  static PostgresEnvironment* instance;
  PostgresServer* server(std::string* skip_reason) {
    if (!tried_) {
      tried_ = true;
      auto started = PostgresServer::start();
      if (started.ok()) {
        server_ = std::move(started).value();
        std::fprintf(stderr, "[postgres fixture] started on port %d in %.2f s\n", server_->port(),
                     server_->start_seconds());
      } else {
        error_ = started.error();
      }
    }
    if (!server_) *skip_reason = error_.message;
    return server_.get();
  }
  bool not_installed() const { return tried_ && !server_ && error_.code == ErrorCode::NotFound; }
  void TearDown() override { server_.reset(); }

 private:
  bool tried_ = false;
  Error error_;
  std::unique_ptr<PostgresServer> server_;
};
PostgresEnvironment* PostgresEnvironment::instance = static_cast<PostgresEnvironment*>(
    ::testing::AddGlobalTestEnvironment(new PostgresEnvironment));

}  // namespace

void StoreBackendTest::SetUp() {
  if (GetParam() == "sqlite") {
    dir_ = std::filesystem::temp_directory_path() /
           ("nextra-store-" + std::to_string(::getpid()) + "-" + new_uuid_v4());
    std::filesystem::create_directories(dir_);
    target_ = (dir_ / "nextra.db").string();
  } else {
    std::string reason;
    PostgresServer* server = PostgresEnvironment::instance->server(&reason);
    if (server == nullptr) {
      if (PostgresEnvironment::instance->not_installed()) GTEST_SKIP() << "PostgreSQL: " << reason;
      FAIL() << "PostgreSQL fixture failed: " << reason;
    }
    std::string db = "t" + new_uuid_v4().substr(0, 8);
    auto url = server->create_database(db);
    ASSERT_TRUE(url.ok()) << url.error().message;
    target_ = *url;
  }
  store_ = open();
  ASSERT_NE(store_, nullptr);
}

void StoreBackendTest::TearDown() {
  store_.reset();
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::unique_ptr<Store> StoreBackendTest::open() {
  auto s = GetParam() == "sqlite" ? make_sqlite_store(target_) : make_postgres_store(target_);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return s.ok() ? std::move(s).value() : nullptr;
}

std::string StoreBackendTest::user(const std::string& email) {
  auto u = store_->create_user({email, "User " + email, "argon2id$hash"});
  EXPECT_TRUE(u.ok()) << u.error().message;
  return u.ok() ? u->id : std::string();
}

std::string StoreBackendTest::org(const std::string& owner, const std::string& name) {
  auto o = store_->create_organization({name, owner});
  EXPECT_TRUE(o.ok()) << o.error().message;
  return o.ok() ? o->id : std::string();
}

Flow StoreBackendTest::flow(const std::string& org_id, const std::string& author,
                            const std::string& name) {
  auto f = store_->create_flow(
      {org_id, name, "desc", "organism:\n  name: x\n", "{\"nodes\":[]}", author});
  EXPECT_TRUE(f.ok()) << f.error().message;
  return f.ok() ? *f : Flow{};
}

std::string backend_name(const ::testing::TestParamInfo<std::string>& p) { return p.param; }

}  // namespace nextra::store::test
