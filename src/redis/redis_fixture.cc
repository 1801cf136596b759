#include "redis/redis_fixture.h"

#include <arpa/inet.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/test_servers.h"

namespace nextra::redis {
namespace {

namespace fs = std::filesystem;

std::string find_redis_server() {
  auto found = test_servers::find_on_path("redis-server");
  if (found.empty() && fs::exists("/usr/bin/redis-server")) found = "/usr/bin/redis-server";
  return found;
}

// One short-lived context: the fixture must not depend on the code under test.
bool simple_command(int port, const char* cmd) {
  timeval tv{0, 200000};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, tv);
  if (c == nullptr) return false;
  bool ok = false;
  if (c->err == 0) {
    redisSetTimeout(c, tv);
    auto* r = static_cast<redisReply*>(redisCommand(c, cmd));
    ok = r != nullptr && r->type != REDIS_REPLY_ERROR;
    if (r != nullptr) freeReplyObject(r);
  }
  redisFree(c);
  return ok;
}

// True while the process exists and is not a zombie (a daemon re-parented to a PID 1 that
// does not reap would otherwise look alive forever).
bool alive(pid_t pid) {
  if (::kill(pid, 0) != 0) return false;
  std::string stat = test_servers::read_file("/proc/" + std::to_string(pid) + "/stat");
  auto close_paren = stat.rfind(')');
  return close_paren == std::string::npos || close_paren + 2 >= stat.size() || stat[close_paren + 2] != 'Z';
}

}  // namespace

Result<std::unique_ptr<RedisServer>> RedisServer::start() {
  std::unique_ptr<RedisServer> s(new RedisServer());
  s->bin_ = find_redis_server();
  if (s->bin_.empty()) return Error::make(ErrorCode::NotFound, "redis-server not found");
  std::string tmpl = (fs::temp_directory_path() / "nextra-redis-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) return Error::make(ErrorCode::Internal, "mkdtemp failed");
  s->dir_ = tmpl;
  // redis-server daemonizes (double fork). Become the daemon's subreaper so stop() can reap
  // it; otherwise, under a PID 1 that does not reap (containers), zombies pile up.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  Status launched = Error::make(ErrorCode::Unavailable, "not started");
  for (int attempt = 0; attempt < 3 && !s->running_; ++attempt) {
    s->port_ = test_servers::free_loopback_port();
    launched = s->launch();
  }
  if (!launched.ok()) return launched.take_error();
  return s;
}

Status RedisServer::launch() {
  const std::string cmd = bin_ + " --bind 127.0.0.1 --port " + std::to_string(port_) + " --daemonize yes --pidfile " +
                          dir_ + "/redis.pid --dir " + dir_ + " --logfile " + dir_ +
                          "/redis.log --save '' --appendonly no > " + dir_ + "/start.log 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    return Error::make(ErrorCode::Unavailable, "redis-server failed: " + test_servers::read_file(dir_ + "/start.log"));
  }
  for (int i = 0; i < 100; ++i) {  // up to ~5 s
    if (simple_command(port_, "PING")) {
      running_ = true;
      return {};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop();
  return Error::make(ErrorCode::Unavailable, "redis-server did not answer PING: " + test_servers::read_file(dir_ + "/redis.log"));
}

void RedisServer::stop() {
  const pid_t pid = static_cast<pid_t>(std::atoi(test_servers::read_file(dir_ + "/redis.pid").c_str()));
  simple_command(port_, "SHUTDOWN NOSAVE");
  if (pid > 0) {
    for (int i = 0; i < 100 && alive(pid); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (alive(pid)) {
      ::kill(pid, SIGKILL);
      for (int i = 0; i < 100 && alive(pid); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }
  if (pid > 0) ::waitpid(pid, nullptr, WNOHANG);  // ours only if we are its subreaper
  std::error_code ec;
  fs::remove(dir_ + "/redis.pid", ec);
  running_ = false;
}

Status RedisServer::restart() {
  if (running_) stop();
  return launch();
}

RedisServer::~RedisServer() {
  if (running_) stop();
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

}  // namespace nextra::redis
