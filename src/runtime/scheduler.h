#pragma once
// Fires schedule triggers. Every instance of `nextra serve` runs a Scheduler; a slot fires
// exactly once across all of them because each firing first claims (trigger, slot) in the
// database and only the instance whose claim succeeds submits the execution.
//
// Missed slots (the server was down): policy "skip" (default) forgets them; "catch_up"
// fires the most recent missed slot once at start-up (older ones are skipped).
//
// The payload is the trigger's config.payload (JSON, converted to the target's class), or the
// target class with every field at its zero value.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "runtime/runtime.h"
#include "store/store.h"

namespace nextra::runtime {

struct SchedulerOptions {
  std::chrono::milliseconds tick{1000};
  std::chrono::milliseconds refresh{10000};  // how often the trigger list is re-read
  std::function<std::int64_t()> now_ms;      // empty = system clock
};

class Scheduler {
 public:
  Scheduler(store::Store& store, Runtime& runtime, SchedulerOptions options = {});
  ~Scheduler();  // stop()s
  void start();
  void stop();
  // One pass (tests drive it directly with a moved clock). Returns how many fired here.
  int tick();

 private:
  struct Entry {
    store::Trigger trigger;
    std::int64_t checked_until_s = 0;  // slots up to here are handled
  };
  void refresh(std::int64_t now_s);
  bool fire(const store::Trigger& t, std::int64_t slot_s);

  store::Store& store_;
  Runtime& runtime_;
  SchedulerOptions options_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;  // by trigger id
  std::int64_t last_refresh_ms_ = 0;
  bool stopping_ = false;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace nextra::runtime
