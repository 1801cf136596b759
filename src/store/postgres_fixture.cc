#include "store/postgres_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/test_servers.h"

namespace nextra::store {
namespace {

namespace fs = std::filesystem;

std::string find_bin_dir() {
  if (auto initdb = test_servers::find_on_path("initdb"); !initdb.empty()) {
    // The Debian symlinks point into /usr/lib/postgresql/N/bin, where psql's siblings live.
    return fs::canonical(initdb).parent_path().string();
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    if (fs::exists(entry.path() / "bin" / "initdb")) return (entry.path() / "bin").string();
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<PostgresServer>> PostgresServer::start() {
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<PostgresServer> s(new PostgresServer());
  s->bin_ = find_bin_dir();
  if (s->bin_.empty()) return Error::make(ErrorCode::NotFound, "initdb not found");
  std::string tmpl = (fs::temp_directory_path() / "nextra-pg-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) return Error::make(ErrorCode::Internal, "mkdtemp failed");
  s->dir_ = tmpl;
  // PostgreSQL refuses to run as root.
  s->as_postgres_ = ::geteuid() == 0;
  if (s->as_postgres_) {
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr || ::chown(s->dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      return Error::make(ErrorCode::Unavailable, "cannot hand " + s->dir_ + " to user postgres");
    }
  }
  const std::string run = s->as_postgres_ ? "runuser -u postgres -- " : "";
  std::string log = s->dir_ + "/server.log";
  std::string initdb = run + s->bin_ + "/initdb -D " + s->dir_ + "/data -U postgres -A trust -E UTF8 --no-sync > " +
                       s->dir_ + "/initdb.log 2>&1";
  if (std::system(initdb.c_str()) != 0) {
    return Error::make(ErrorCode::Unavailable, "initdb failed: " + test_servers::read_file(s->dir_ + "/initdb.log"));
  }
  for (int attempt = 0; attempt < 3 && !s->running_; ++attempt) {
    s->port_ = test_servers::free_loopback_port();
    std::string start = run + s->bin_ + "/pg_ctl -D " + s->dir_ + "/data -l " + log +
                        " -w -t 30 -o \"-h 127.0.0.1 -p " + std::to_string(s->port_) + " -k " + s->dir_ +
                        " -F -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start > /dev/null 2>&1";
    s->running_ = std::system(start.c_str()) == 0;
  }
  if (!s->running_) return Error::make(ErrorCode::Unavailable, "pg_ctl start failed: " + test_servers::read_file(log));
  s->start_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

Result<std::string> PostgresServer::create_database(const std::string& name) {
  std::string cmd = bin_ + "/psql -q -h 127.0.0.1 -p " + std::to_string(port_) +
                    " -U postgres -d postgres -c 'CREATE DATABASE \"" + name + "\"' > /dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    return Error::make(ErrorCode::Unavailable, "CREATE DATABASE " + name + " failed");
  }
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + name;
}

PostgresServer::~PostgresServer() {
  if (running_) {
    std::string pidfile = test_servers::read_file(dir_ + "/data/postmaster.pid");
    pid_t pid = static_cast<pid_t>(std::atoi(pidfile.c_str()));
    if (pid > 0 && ::kill(pid, SIGINT) == 0) {  // fast shutdown
      for (int i = 0; i < 300 && ::kill(pid, 0) == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

}  // namespace nextra::store
