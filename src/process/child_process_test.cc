// ChildProcess: readiness, exit reasons, the memory cap and termination, with real
// processes (/bin/sh).
#include "process/child_process.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace nextra::process {
namespace {

using namespace std::chrono_literals;

TEST(ChildProcess, WaitsForTheReadyLine) {
  auto c = ChildProcess::spawn({"/bin/sh", "-c", "echo starting; echo ready; sleep 30"}, {}, {});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE((*c)->wait_for_line("ready", 5s).ok());
  EXPECT_FALSE((*c)->exited());
  (*c)->terminate(2s);
  std::string how;
  EXPECT_TRUE((*c)->exited(&how));
  EXPECT_EQ(how, "was killed by signal 15");
}

TEST(ChildProcess, ExitBeforeReadyIsAnError) {
  auto c = ChildProcess::spawn({"/bin/sh", "-c", "exit 3"}, {}, {});
  ASSERT_TRUE(c.ok());
  auto ready = (*c)->wait_for_line("ready", 5s);
  ASSERT_FALSE(ready.ok());
  EXPECT_NE(ready.error().message.find("exited with status 3"), std::string::npos) << ready.error().message;
}

TEST(ChildProcess, EnvironmentIsPassedOn) {
  auto c = ChildProcess::spawn({"/bin/sh", "-c", "echo \"v=$NEXTRA_CHILD_TEST\""}, {"NEXTRA_CHILD_TEST=42"}, {});
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE((*c)->wait_for_line("v=42", 5s).ok());
}

TEST(ChildProcess, MemoryCapMakesBigAllocationsFail) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "sanitizer builds run children without an address-space cap";
#endif
  ChildLimits limits;
  limits.memory_bytes = 64ull * 1024 * 1024;
  // The shell keeps a 200 MB command substitution in memory: more than the cap allows.
  auto c = ChildProcess::spawn(
      {"/bin/sh", "-c", "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo \"allocated ${#x}\""}, {}, limits);
  ASSERT_TRUE(c.ok());
  // The shell runs out of memory (it dies, or the substitution comes back short).
  EXPECT_FALSE((*c)->wait_for_line("allocated 200000000", 30s).ok()) << "a 200 MB string fits under a 64 MB cap";
}

TEST(ChildProcess, SigkillWhenTermIsIgnored) {
  auto c = ChildProcess::spawn({"/bin/sh", "-c", "trap '' TERM; echo ready; while true; do sleep 1; done"}, {}, {});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->wait_for_line("ready", 5s).ok());
  (*c)->terminate(300ms);
  std::string how;
  EXPECT_TRUE((*c)->exited(&how));
  EXPECT_EQ(how, "was killed by signal 9");
}

TEST(ChildProcess, ThrottleHoldsABusyChildUnderItsShare) {
  auto c = ChildProcess::spawn({"/bin/sh", "-c", "echo ready; while :; do :; done"}, {}, {});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->wait_for_line("ready", 5s).ok());
  const auto start = std::chrono::steady_clock::now();
  auto ticks = [&] {
    std::ifstream f("/proc/" + std::to_string((*c)->pid()) + "/stat");
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::istringstream rest(text.substr(text.rfind(')') + 2));
    std::string field;
    long long u = 0, s = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) u = std::stoll(field);
      if (i == 15) s = std::stoll(field);
    }
    return u + s;
  };
  const long long before = ticks();
  while (std::chrono::steady_clock::now() - start < 2s) {
    (*c)->throttle(20);
    std::this_thread::sleep_for(100ms);
  }
  const double used_s = static_cast<double>(ticks() - before) / static_cast<double>(sysconf(_SC_CLK_TCK));
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Unthrottled it would use ~100% of a core; a 20% share with one sample of slack.
  EXPECT_LT(used_s / wall_s, 0.5) << used_s << " s of CPU in " << wall_s << " s";
  (*c)->terminate(1s);
}

}  // namespace
}  // namespace nextra::process
