#include "process/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace nextra::process {

Result<std::unique_ptr<ChildProcess>> ChildProcess::spawn(const std::vector<std::string>& argv,
                                                          const std::vector<std::string>& env,
                                                          const ChildLimits& limits) {
  if (argv.empty()) return Error::invalid("no program to run");
  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  for (const auto& e : env) env_strings.push_back(e);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return Error::make(ErrorCode::Unavailable, std::string("pipe: ") + std::strerror(errno));
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(out[0]);
    close(out[1]);
    return Error::make(ErrorCode::Unavailable, std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
    dup2(out[1], STDOUT_FILENO);
#if !defined(__SANITIZE_ADDRESS__)
    // (A sanitizer build reserves terabytes of shadow address space at start: no cap there.)
    if (limits.memory_bytes > 0) {
      rlimit rl{limits.memory_bytes, limits.memory_bytes};
      setrlimit(RLIMIT_AS, &rl);
    }
#endif
    if (limits.nice > 0) setpriority(PRIO_PROCESS, 0, limits.nice);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(out[1]);
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid, out[0]));
}

ChildProcess::~ChildProcess() {
  if (!reaped_) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

Status ChildProcess::wait_for_line(const std::string& line, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string buf;
  while (true) {
    for (std::size_t nl; (nl = buf.find('\n')) != std::string::npos; buf.erase(0, nl + 1)) {
      if (buf.compare(0, nl, line) == 0) return {};
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Error::make(ErrorCode::Unavailable, "the pump process did not become ready in time");
    pollfd p{stdout_fd_, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 100)));
    if (r > 0) {
      char chunk[512];
      ssize_t n = read(stdout_fd_, chunk, sizeof chunk);
      if (n > 0) {
        buf.append(chunk, static_cast<std::size_t>(n));
        if (buf.size() > 64 * 1024) buf.erase(0, buf.size() - 64 * 1024);
        continue;
      }
    }
    std::string how;
    if (exited(&how)) return Error::make(ErrorCode::Unavailable, "the pump process " + how + " before it was ready");
  }
}

bool ChildProcess::exited(std::string* how) {
  if (!reaped_) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      if (WIFEXITED(status)) {
        how_ = "exited with status " + std::to_string(WEXITSTATUS(status));
      } else if (WIFSIGNALED(status)) {
        how_ = "was killed by signal " + std::to_string(WTERMSIG(status));
      } else {
        how_ = "ended";
      }
    }
  }
  if (reaped_ && how) *how = how_;
  return reaped_;
}

void ChildProcess::terminate(std::chrono::milliseconds grace) {
  if (exited()) return;
  kill(pid_, SIGCONT);  // a throttled child must be able to act on SIGTERM
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (exited()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  reaped_ = true;
  how_ = "was killed by signal 9";
}

std::int64_t ChildProcess::cpu_ticks() const {
  std::ifstream f("/proc/" + std::to_string(pid_) + "/stat");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto close_paren = text.rfind(')');
  if (close_paren == std::string::npos) return -1;
  std::istringstream rest(text.substr(close_paren + 2));
  std::string field;
  // Fields after the name: state(3) ... utime(14) stime(15); we start at field 3.
  std::int64_t utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  return utime + stime;
}

void ChildProcess::throttle(int cpu_percent) {
  if (cpu_percent <= 0 || exited()) return;
  const auto now = std::chrono::steady_clock::now();
  const std::int64_t ticks = cpu_ticks();
  if (ticks < 0) return;
  if (last_ticks_ >= 0) {
    static const long hz = sysconf(_SC_CLK_TCK);
    const double used_ms = static_cast<double>(ticks - last_ticks_) * 1000.0 / static_cast<double>(hz);
    const double window_ms = std::chrono::duration<double, std::milli>(now - last_sample_).count();
    const double over_ms = used_ms - window_ms * cpu_percent / 100.0;
    if (over_ms > 1) {
      // Paused for as long as it would take the budget to pay back what it overspent.
      kill(pid_, SIGSTOP);
      std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(over_ms * 100.0 / cpu_percent));
      kill(pid_, SIGCONT);
    }
  }
  last_ticks_ = cpu_ticks();
  last_sample_ = std::chrono::steady_clock::now();
}

std::size_t ChildProcess::rss_bytes() const {
  std::ifstream f("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return static_cast<std::size_t>(std::stoll(line.substr(6))) * 1024;
  }
  return 0;
}

}  // namespace nextra::process
