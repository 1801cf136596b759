// The checkpointer keeps a busy SQLite database's write-ahead log bounded without the writer
// doing the bulk of the copy, and loses nothing.
#include "store/sqlite_checkpointer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <thread>

#include "core/uuid.h"

namespace nextra::store {
namespace {

class SqliteCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("nextra-ckpt-" + new_uuid_v4());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "db.sqlite").string();
    ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), SQLITE_OK);
    // As the store configures its connection: a checkpoint pass briefly locks parts of the
    // log's index, and the writer waits that out rather than failing.
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
         "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
  }
  void TearDown() override {
    sqlite3_close(db_);
    std::filesystem::remove_all(dir_);
  }
  void exec(const std::string& sql) { ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db_); }
  // Many small transactions, each adding about one page, as the record writer does.
  void write_transactions(int n) {
    for (int i = 0; i < n; ++i) exec("INSERT INTO t (v) VALUES (randomblob(3000))");
  }
  std::uintmax_t wal_bytes() const { return std::filesystem::file_size(path_ + "-wal"); }
  std::int64_t rows() {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, "SELECT count(*) FROM t", -1, &st, nullptr);
    sqlite3_step(st);
    auto n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
  }

  std::filesystem::path dir_;
  std::string path_;
  sqlite3* db_ = nullptr;
};

TEST_F(SqliteCheckpointerTest, KeepsTheLogBoundedWithTheCopyOnItsOwnThread) {
  auto c = SqliteCheckpointer::start(path_, db_, {.frames = 40, .inline_frames = 1'000'000});
  ASSERT_TRUE(c.ok()) << c.error().message;
  write_transactions(4000);  // ~4,000 pages: about 16 MB of log without checkpoints
  EXPECT_GT((*c)->background_checkpoints(), 0u);
  // The writer only finished what the thread had copied (it never reached inline_frames),
  // and the log restarted instead of growing. How far it grew between restarts depends on
  // the disk's fsync time, so the bound is loose.
  EXPECT_GT((*c)->inline_checkpoints(), 0u);
  EXPECT_LT(wal_bytes(), 3000u * 4096);
  EXPECT_EQ(rows(), 4000);
}

// Under a light load a pass copies everything while the writer is idle, and the log starts
// over by itself: that pass must not make the writer copy the next log inline when it
// reaches the mark (regression: a stale "copied" flag did, the very stall this avoids).
TEST_F(SqliteCheckpointerTest, APassOverAnEarlierLogDoesNotMakeTheWriterCopyInline) {
  auto c = SqliteCheckpointer::start(path_, db_, {.frames = 40, .inline_frames = 1'000'000});
  ASSERT_TRUE(c.ok()) << c.error().message;
  for (std::uint64_t round = 1; round <= 3; ++round) {
    // Up to the mark (the commit that reaches it asks for a pass), then idle until it ends.
    while ((*c)->log_pages() < 40) write_transactions(1);
    for (int i = 0; i < 1000 && (*c)->background_checkpoints() < round; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ((*c)->background_checkpoints(), round);
    write_transactions(1);  // everything was copied: this transaction starts the log over
    EXPECT_LT((*c)->log_pages(), 40);
  }
  EXPECT_EQ((*c)->inline_checkpoints(), 0u);
}

TEST_F(SqliteCheckpointerTest, WriterCheckpointsItselfPastTheInlineMark) {
  // A thread that is never asked (its mark above the writer's) leaves the bound to the writer.
  auto c = SqliteCheckpointer::start(path_, db_, {.frames = 50, .inline_frames = 50});
  ASSERT_TRUE(c.ok()) << c.error().message;
  write_transactions(600);
  EXPECT_EQ((*c)->background_checkpoints(), 0u);
  EXPECT_GT((*c)->inline_checkpoints(), 5u);
  EXPECT_LT(wal_bytes(), 200u * 4096);
  EXPECT_EQ(rows(), 600);
}

TEST_F(SqliteCheckpointerTest, WithoutItTheLogGrows) {
  // The baseline the two tests above are measured against: no automatic checkpoint at all.
  exec("PRAGMA wal_autocheckpoint=0");
  write_transactions(600);
  EXPECT_GT(wal_bytes(), 500u * 4096);
}

TEST_F(SqliteCheckpointerTest, RefusesMarksOutOfOrderAndAMissingDatabase) {
  EXPECT_FALSE(SqliteCheckpointer::start(path_, db_, {.frames = 100, .inline_frames = 10}).ok());
  EXPECT_FALSE(SqliteCheckpointer::start(path_, db_, {.frames = 0, .inline_frames = 10}).ok());
  EXPECT_FALSE(SqliteCheckpointer::start((dir_ / "missing" / "db").string(), db_).ok());
}

}  // namespace
}  // namespace nextra::store
