// `nextra serve` as a user runs it: the real binary in a child process, its banner read from
// stdout, requests over loopback, then SIGTERM for a graceful stop. Once on the embedded
// default (SQLite) and once on a throw-away PostgreSQL server (--database).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "http/raw_client_for_tests.h"
#include "store/postgres_fixture.h"

namespace nextra::testing {
namespace {

using http::test_support::Client;

class ServeProcess {
 public:
  // Starts `nextra serve --listen 127.0.0.1:0 ARGS` and waits for its "listening on" line.
  explicit ServeProcess(std::vector<std::string> args) {
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      close(out[1]);
      const char* bin = std::getenv("NEXTRA_BIN");
      std::vector<std::string> all = {bin ? bin : NEXTRA_DEFAULT_BIN, "serve", "--listen", "127.0.0.1:0"};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    out_ = fdopen(out[0], "r");
    char line[1024];
    while (out_ && fgets(line, sizeof line, out_)) {
      banner_ += line;
      std::string l = line;
      auto at = l.find("listening on http://127.0.0.1:");
      if (at != std::string::npos) port_ = static_cast<std::uint16_t>(std::stoi(l.substr(at + 30)));
      if (l.find("Ctrl-C stops.") != std::string::npos) break;  // the banner's last line
    }
  }
  ~ServeProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_) fclose(out_);
  }
  // SIGTERM, then the exit code (-1 when killed by a signal).
  int terminate() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    exited_ = true;
    char line[1024];
    while (out_ && fgets(line, sizeof line, out_)) banner_ += line;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::uint16_t port() const { return port_; }
  const std::string& output() const { return banner_; }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  std::string banner_;
  std::uint16_t port_ = 0;
  bool exited_ = false;
};

std::filesystem::path temp_dir(const std::string& tag) {
  auto d = std::filesystem::temp_directory_path() / ("nextra-serve-" + tag + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(d);
  return d;
}

// Sign up, create a flow, save it, hit the stale-save conflict: the core path on any store.
void exercise(std::uint16_t port) {
  Client c(port);
  auto signup = c.request("POST", "/api/auth/signup",
                          R"({"email":"ada@example.com","password":"correct horse battery","name":"Ada"})",
                          "Content-Type: application/json\r\n");
  ASSERT_TRUE(signup);
  ASSERT_EQ(signup->status, 201) << signup->body;
  auto cookie = signup->headers["set-cookie"];
  cookie = cookie.substr(0, cookie.find(';'));
  auto csrf = signup->json()["csrfToken"].get<std::string>();
  const std::string auth = "Content-Type: application/json\r\nCookie: " + cookie + "\r\nX-CSRF-Token: " + csrf + "\r\n";
  auto created = c.request("POST", "/api/flows", R"({"name":"first"})", auth);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  auto id = created->json()["id"].get<std::string>();
  auto saved = c.request("PUT", "/api/flows/" + id, R"({"version":1,"description":"second save"})", auth);
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->status, 200) << saved->body;
  auto stale = c.request("PUT", "/api/flows/" + id, R"({"version":1,"description":"stale"})", auth);
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 409);
  EXPECT_EQ(stale->json()["details"]["currentVersion"], 2);
  auto ready = c.request("GET", "/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
}

TEST(CliServe, StartsOnSqlitePrintsTheAddressAndStopsOnSigterm) {
  auto dir = temp_dir("sqlite");
  ServeProcess p({"--data-dir", dir.string()});
  ASSERT_NE(p.port(), 0) << p.output();
  EXPECT_NE(p.output().find("first start: create the administrator account at http://127.0.0.1:"), std::string::npos);
  exercise(p.port());
  EXPECT_EQ(p.terminate(), 0);
  EXPECT_NE(p.output().find("SIGTERM received"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir / "nextra.db"));
  EXPECT_EQ(std::filesystem::status(dir).permissions() & std::filesystem::perms::all, std::filesystem::perms::owner_all);
  // A second start on the same data directory keeps the data and prints no setup link.
  ServeProcess again({"--data-dir", dir.string()});
  ASSERT_NE(again.port(), 0) << again.output();
  EXPECT_EQ(again.output().find("first start"), std::string::npos);
  EXPECT_EQ(again.terminate(), 0);
  std::filesystem::remove_all(dir);
}

TEST(CliServe, RunsOnPostgres) {
  auto server = store::PostgresServer::start();
  if (!server.ok()) GTEST_SKIP() << server.error().message;
  auto url = (*server)->create_database("serve_test");
  ASSERT_TRUE(url.ok()) << url.error().message;
  auto dir = temp_dir("pg");
  ServeProcess p({"--data-dir", dir.string(), "--database", *url});
  ASSERT_NE(p.port(), 0) << p.output();
  EXPECT_NE(p.output().find("database:   postgres"), std::string::npos) << p.output();
  exercise(p.port());
  EXPECT_EQ(p.terminate(), 0);
  std::filesystem::remove_all(dir);
}

TEST(CliServe, BadArgumentsExitWith2) {
  ServeProcess p({"--listen", "nonsense:port"});
  EXPECT_EQ(p.port(), 0);
  EXPECT_EQ(p.terminate(), 2);
}

}  // namespace
}  // namespace nextra::testing
