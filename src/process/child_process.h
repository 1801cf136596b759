#pragma once
// One child OS process with resource limits: spawned with fork/exec (only async-signal-safe
// calls between the two), its stdout read for a readiness line, stopped with SIGTERM and a
// SIGKILL after a grace period. The child dies with its parent (PR_SET_PDEATHSIG), so a
// killed server leaves no orphan pumps.
//
// Limits: memory is a hard RLIMIT_AS (allocations past it fail; the pump exits and is
// restarted). CPU is a share enforced from outside: throttle() stops the child with SIGSTOP
// for as long as it ran over its percentage of a window, then continues it (the cgroup v1
// hierarchy of this kind of machine is not writable, and RLIMIT_CPU would kill a
// long-running pump after N seconds in total, which is not a rate).

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace nextra::process {

struct ChildLimits {
  std::size_t memory_bytes = 0;  // RLIMIT_AS; 0 = none
  int cpu_percent = 0;           // of one core, enforced by throttle(); 0 = none
  int nice = 0;                  // added niceness, so pumps yield to the server
};

class ChildProcess {
 public:
  // argv[0] is the executable's path. `env` entries ("NAME=value") are added to this
  // process's environment.
  static Result<std::unique_ptr<ChildProcess>> spawn(const std::vector<std::string>& argv,
                                                     const std::vector<std::string>& env, const ChildLimits& limits);
  ~ChildProcess();  // kill(SIGKILL) + reap if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Reads stdout until a line equal to `line`. Unavailable with what the child printed if
  // it exits or the timeout passes first.
  Status wait_for_line(const std::string& line, std::chrono::milliseconds timeout);
  // Non-blocking: true once the child has exited; `how` says how ("exited with status 1",
  // "killed by signal 9").
  bool exited(std::string* how = nullptr);
  // SIGTERM, then SIGKILL after `grace`; reaps it. Idempotent.
  void terminate(std::chrono::milliseconds grace);
  // Keeps the child under `cpu_percent` of one core: call every few hundred milliseconds.
  void throttle(int cpu_percent);
  // Resident set size in bytes (from /proc), 0 when unknown.
  std::size_t rss_bytes() const;

 private:
  explicit ChildProcess(pid_t pid, int stdout_fd) : pid_(pid), stdout_fd_(stdout_fd) {}
  std::int64_t cpu_ticks() const;

  pid_t pid_;
  int stdout_fd_;
  bool reaped_ = false;
  std::string how_;
  std::int64_t last_ticks_ = -1;
  std::chrono::steady_clock::time_point last_sample_{};
};

}  // namespace nextra::process
