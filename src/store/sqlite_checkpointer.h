#pragma once
// Copies a SQLite database's write-ahead log back into the database file on a thread and a
// connection of its own. SQLite's own automatic checkpoint runs inside the commit that
// crosses the mark, so every caller waiting on that commit (a synchronous webhook waits for
// its execution's record) also waits for the copy and its fsyncs: that was the webhook
// benchmark's p99. Here the writer's commit only signals; a PASSIVE checkpoint on the other
// connection copies while the writer goes on appending. Should the log still grow past
// `inline_frames` (the copy never catching up under a sustained load), the writer
// checkpoints inline as SQLite would, so the log stays bounded.
#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"

namespace nextra::store {

class SqliteCheckpointer {
 public:
  struct Options {
    int frames = 1000;          // signal a checkpoint once the log holds this many pages (4 MB)
    int inline_frames = 16000;  // the writer checkpoints itself past this many (64 MB)
  };
  // Opens its own connection to `path` and installs the WAL hook on `writer` (which must be
  // in WAL mode, with a busy timeout: a pass briefly locks parts of the log's index). Destroy
  // it before closing `writer`.
  static Result<std::unique_ptr<SqliteCheckpointer>> start(const std::string& path, sqlite3* writer,
                                                           Options options);
  static Result<std::unique_ptr<SqliteCheckpointer>> start(const std::string& path, sqlite3* writer) {
    return start(path, writer, Options{});
  }
  ~SqliteCheckpointer();
  SqliteCheckpointer(const SqliteCheckpointer&) = delete;
  SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

  // Checkpoints completed by the thread and inline by the writer (for tests and metrics).
  std::uint64_t background_checkpoints() const { return background_.load(); }
  std::uint64_t inline_checkpoints() const { return inline_.load(); }
  // Pages in the log after the writer's latest commit.
  int log_pages() const { return log_pages_.load(); }

 private:
  SqliteCheckpointer(sqlite3* own, sqlite3* writer, Options options);
  static int on_commit(void* self, sqlite3* db, const char* schema, int frames);
  void run();

  sqlite3* own_;
  sqlite3* writer_;
  Options options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool wanted_ = false;   // guarded by mu_: the writer asked for a pass
  bool copying_ = false;  // guarded by mu_: a pass is running
  bool copied_ = false;   // guarded by mu_: a pass ended; the writer finishes the job
  // The log restarts when everything in it has been copied, which a pass can bring about by
  // itself when the writer is idle: a pass only counts for the log it was asked for, or the
  // writer would copy a whole new log inline when that one reaches the mark.
  std::uint64_t generation_ = 0;   // writer's thread only: log restarts seen so far
  int last_frames_ = 0;            // writer's thread only: the log's size at the last commit
  std::uint64_t asked_gen_ = 0;    // guarded by mu_: the generation a pass was asked for
  std::uint64_t copied_gen_ = 0;   // guarded by mu_: the generation the ended pass copied
  std::atomic<int> log_pages_{0};
  bool stopping_ = false;  // guarded by mu_
  std::atomic<std::uint64_t> background_{0};
  std::atomic<std::uint64_t> inline_{0};
  std::thread thread_;
};

}  // namespace nextra::store
