// A thread's name is what /proc (and so top -H, perf, gdb) shows, cut to Linux's 15
// characters rather than refused.
#include "core/thread_name.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

namespace nextra {
namespace {

std::string own_name() {
  std::ifstream comm("/proc/self/task/" + std::to_string(syscall(SYS_gettid)) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

// The name a new thread sees for itself after naming itself `name`.
std::string name_after_naming_itself(const char* name) {
  std::string seen;
  std::thread([&] {
    name_this_thread(name);
    seen = own_name();
  }).join();
  return seen;
}

TEST(ThreadName, NamesTheCallingThreadOnly) {
  const std::string before = own_name();
  EXPECT_EQ(name_after_naming_itself("record-writer"), "record-writer");
  EXPECT_EQ(own_name(), before);
}

TEST(ThreadName, LongNamesAreCutTo15Characters) {
  EXPECT_EQ(name_after_naming_itself("a-name-longer-than-fifteen"), "a-name-longer-t");
}

TEST(ThreadName, AThreadNamedFromOutsideHasItsNameAtOnce) {
  std::mutex mu;
  std::condition_variable cv;
  bool go = false;
  std::string seen;
  std::thread t([&] {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return go; });
    seen = own_name();
  });
  name_thread(t, "sqlite-ckpt");  // before the thread has done anything
  {
    std::lock_guard lock(mu);
    go = true;
  }
  cv.notify_one();
  t.join();
  EXPECT_EQ(seen, "sqlite-ckpt");
}

}  // namespace
}  // namespace nextra
