#include "store/sqlite_checkpointer.h"

#include "core/thread_name.h"

namespace nextra::store {

Result<std::unique_ptr<SqliteCheckpointer>> SqliteCheckpointer::start(const std::string& path, sqlite3* writer,
                                                                      Options options) {
  if (options.frames < 1 || options.inline_frames < options.frames) {
    return Error::invalid("checkpoint marks must satisfy 1 <= frames <= inline_frames");
  }
  sqlite3* own = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &own, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Error e = Error::make(ErrorCode::Unavailable, "cannot open " + path + " for checkpoints: " +
                                                      (own ? sqlite3_errmsg(own) : sqlite3_errstr(rc)));
    sqlite3_close(own);
    return e;
  }
  // A connection opens its database lazily, and one that has not read yet is not in WAL mode
  // as far as a checkpoint call is concerned (it would do nothing, quietly).
  rc = sqlite3_exec(own, "PRAGMA journal_mode", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    Error e = Error::make(ErrorCode::Unavailable, "cannot read " + path + " for checkpoints: " + sqlite3_errmsg(own));
    sqlite3_close(own);
    return e;
  }
  return std::unique_ptr<SqliteCheckpointer>(new SqliteCheckpointer(own, writer, options));
}

SqliteCheckpointer::SqliteCheckpointer(sqlite3* own, sqlite3* writer, Options options)
    : own_(own), writer_(writer), options_(options) {
  thread_ = std::thread([this] {
    name_this_thread("sqlite-ckpt");
    run();
  });
  // Replaces SQLite's automatic checkpoint (itself a WAL hook) on the writer.
  sqlite3_wal_hook(writer_, &SqliteCheckpointer::on_commit, this);
}

SqliteCheckpointer::~SqliteCheckpointer() {
  sqlite3_wal_hook(writer_, nullptr, nullptr);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  sqlite3_close(own_);
}

// Runs on the writer's thread at the end of every commit, with the log's size in pages.
int SqliteCheckpointer::on_commit(void* self, sqlite3* db, const char* schema, int frames) {
  auto* c = static_cast<SqliteCheckpointer*>(self);
  if (frames < c->last_frames_) ++c->generation_;  // the log started over
  c->last_frames_ = frames;
  c->log_pages_.store(frames, std::memory_order_relaxed);
  if (frames < c->options_.frames) return SQLITE_OK;
  bool copied = false;   // the thread finished a pass over this log since it was last asked
  bool asked = false;
  {
    std::lock_guard lock(c->mu_);
    if (c->copied_ && c->copied_gen_ != c->generation_) c->copied_ = false;  // an earlier log's
    copied = c->copied_;
    asked = c->wanted_ || c->copying_;
  }
  if (copied || frames >= c->options_.inline_frames) {
    // The bulk is in the database already: the writer copies the few pages appended since
    // (nobody appends meanwhile, so it catches up) and its next transaction restarts the log.
    int log = -1;
    if (sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &log, nullptr) == SQLITE_OK && log >= 0) {
      c->inline_.fetch_add(1);
    }
    std::lock_guard lock(c->mu_);
    c->copied_ = false;
    return SQLITE_OK;
  }
  if (!asked) {
    {
      std::lock_guard lock(c->mu_);
      c->wanted_ = true;
      c->asked_gen_ = c->generation_;
    }
    c->wake_.notify_one();
  }
  return SQLITE_OK;
}

void SqliteCheckpointer::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return wanted_ || stopping_; });
    if (stopping_) return;
    wanted_ = false;
    copying_ = true;
    const std::uint64_t generation = asked_gen_;
    lock.unlock();
    // PASSIVE never blocks the writer: it copies what is committed and stops at readers.
    // Each pass copies what the writer appended during the one before, so after a few the
    // writer has only a handful of pages left to copy itself (kPasses = 3 took the webhook
    // benchmark's p99 from 10-11 ms to 8.5-9 ms against 1). A log of -1 means the call did
    // nothing (not in WAL mode).
    constexpr int kPasses = 3;
    bool ok = true;
    for (int i = 0; ok && i < kPasses; ++i) {
      int log = -1;
      ok = sqlite3_wal_checkpoint_v2(own_, "main", SQLITE_CHECKPOINT_PASSIVE, &log, nullptr) == SQLITE_OK && log >= 0;
    }
    if (ok) background_.fetch_add(1);
    lock.lock();
    copying_ = false;
    copied_ = ok;
    copied_gen_ = generation;
  }
}

}  // namespace nextra::store
