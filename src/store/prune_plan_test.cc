// Retention deletes a chunk of executions without walking the organization's other rows:
// SQLite's plan for the chunk's DELETE is bounded by an index range or the primary key. A
// plan searching by org_id alone made every chunk of a 400,000-execution backlog take
// ~230 ms under the store's lock, and webhook answers waited behind it.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/uuid.h"
#include "store/sql_store_internal.h"
#include "store/store.h"

namespace nextra::store {
namespace {

std::vector<std::string> plan_of(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  const std::string explain = "EXPLAIN QUERY PLAN " + sql;
  EXPECT_EQ(sqlite3_prepare_v2(db, explain.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::vector<std::string> details;
  while (st && sqlite3_step(st) == SQLITE_ROW) {
    details.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 3)));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return details;
}

TEST(PrunePlan, AChunkDeleteTouchesOnlyItsOwnRows) {
  const auto dir = std::filesystem::temp_directory_path() / ("nextra-prune-plan-" + new_uuid_v4());
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "nextra.db").string();
  {
    auto store = make_sqlite_store(path);  // the schema, as every migration leaves it
    ASSERT_TRUE(store.ok()) << store.error().message;
  }
  for (size_t n : {1u, 100u, 200u}) {
    const auto plan = plan_of(path, sql::prune_chunk_delete_sql(n));
    bool searched = false;
    for (const auto& d : plan) {
      EXPECT_EQ(d.rfind("SCAN executions", 0), std::string::npos) << d;
      if (d.rfind("SEARCH executions ", 0) != 0) continue;
      searched = true;
      const bool by_range = d.find("started_at>") != std::string::npos;
      const bool by_key = d.find("(id=?)") != std::string::npos;
      EXPECT_TRUE(by_range || by_key) << "chunk of " << n << " planned as: " << d;
    }
    EXPECT_TRUE(searched) << "no plan row for executions";
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nextra::store
