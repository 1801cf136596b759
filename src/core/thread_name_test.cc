// A thread's name is what /proc (and so top -H, perf, gdb) shows, cut to Linux's 15
// characters rather than refused.
#include "core/thread_name.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
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

TEST(ThreadName, NamesTheCallingThreadOnly) {
  const std::string before = own_name();
  std::string seen;
  std::thread([&] {
    name_this_thread("record-writer");
    seen = own_name();
  }).join();
  EXPECT_EQ(seen, "record-writer");
  EXPECT_EQ(own_name(), before);
}

TEST(ThreadName, LongNamesAreCutTo15Characters) {
  std::string seen;
  std::thread([&] {
    name_this_thread("a-name-longer-than-fifteen");
    seen = own_name();
  }).join();
  EXPECT_EQ(seen, "a-name-longer-t");
}

}  // namespace
}  // namespace nextra
