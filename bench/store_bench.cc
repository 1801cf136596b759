// The record writer's cost (src/store record_endings): synchronous executions of a 3-step
// flow written in batches, each created final with its steps and usage count, on SQLite in
// WAL mode in a temporary directory. The baseline is bare sqlite3 writing the same rows
// (one prepared INSERT per row, same schema, same batch transaction) in the same run: what
// our layer adds on top of the database's own cost.

#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/uuid.h"
#include "store/store.h"

namespace {

using namespace nextra;

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "nextra-store-bench-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

const char* const kPayloads[] = {"<start><text>hello bench</text></start>", "<shout><text>HELLO BENCH</text></shout>",
                                 "<result><text>HELLO BENCH!</text></result>"};
const char* const kRoute[][2] = {{"external", "start"}, {"start", "shout"}, {"shout", "output"}};

std::vector<store::ExecutionEnding> batch(const std::string& org, const std::string& flow, int n) {
  std::vector<store::ExecutionEnding> out(n);
  const std::int64_t t0 = 1'790'000'000'000;
  for (auto& e : out) {
    store::CreateExecutionRequest req;
    req.id = new_uuid_v7();
    req.org_id = org;
    req.flow_id = flow;
    req.flow_version = 1;
    req.status = "running";
    req.input = kPayloads[0];
    req.started_at_ms = t0;
    req.usage_month = "2026-11";
    e.create = req;
    e.finish = {org, req.id, "success", kPayloads[2], "", t0 + 1};
    for (int i = 0; i < 3; ++i) {
      store::ExecutionStep s;
      s.execution_id = req.id;
      s.step_index = i;
      s.sender = kRoute[i][0];
      s.target = kRoute[i][1];
      s.payload_class = "Text";
      s.payload = kPayloads[i];
      s.status = "delivered";
      s.started_at_ms = t0;
      s.finished_at_ms = t0 + 1;
      e.steps.push_back(std::move(s));
    }
  }
  return out;
}

void BM_RecordEndings(benchmark::State& state) {
  TempDir dir;
  auto st = store::make_sqlite_store((dir.path / "nextra.db").string()).value();
  auto user = st->create_user({"bench@example.com", "Bench", "argon2id$hash"}).value();
  auto org = st->create_organization({"Bench", user.id}).value();
  auto flow = st->create_flow({org.id, "bench", "", "organism:\n  name: x\n", "{}", user.id}).value();
  const int n = static_cast<int>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    auto endings = batch(org.id, flow.id, n);
    state.ResumeTiming();
    auto written = st->record_endings(endings);
    if (!written.ok() || written->size() != endings.size()) state.SkipWithError("record_endings failed");
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_RecordEndings)->Arg(8)->Arg(64)->Arg(256)->UseRealTime();

// Bare sqlite3 on the schema our migrations made (same indexes), same rows, one transaction.
void BM_Baseline_BareSqliteInserts(benchmark::State& state) {
  TempDir dir;
  const std::string path = (dir.path / "nextra.db").string();
  std::string org_id, flow_id;
  {
    auto st = store::make_sqlite_store(path).value();
    auto user = st->create_user({"bench@example.com", "Bench", "argon2id$hash"}).value();
    org_id = st->create_organization({"Bench", user.id}).value().id;
    flow_id = st->create_flow({org_id, "bench", "", "organism:\n  name: x\n", "{}", user.id}).value().id;
  }
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr, nullptr);
  sqlite3_stmt* ins_exec = nullptr;
  sqlite3_stmt* ins_step = nullptr;
  sqlite3_stmt* usage = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO executions (id, org_id, flow_id, flow_version, status, input, output, error, "
                     "attempts, started_at, finished_at) VALUES (?, ?, ?, 1, 'success', ?, ?, '', 1, ?, ?)",
                     -1, &ins_exec, nullptr);
  sqlite3_prepare_v2(db,
                     "INSERT INTO execution_steps (org_id, execution_id, step_index, sender, target, payload_class, "
                     "payload, status, error, started_at, finished_at) VALUES (?, ?, ?, ?, ?, 'Text', ?, "
                     "'delivered', '', ?, ?)",
                     -1, &ins_step, nullptr);
  sqlite3_prepare_v2(db,
                     "INSERT INTO usage_counters (org_id, month, executions) VALUES (?, '2026-11', 1) "
                     "ON CONFLICT (org_id, month) DO UPDATE SET executions = executions + 1",
                     -1, &usage, nullptr);
  const int n = static_cast<int>(state.range(0));
  const std::int64_t t0 = 1'790'000'000'000;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<std::string> ids(n);
    for (auto& id : ids) id = new_uuid_v7();
    state.ResumeTiming();
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    for (const auto& id : ids) {
      sqlite3_bind_text(ins_exec, 1, id.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(ins_exec, 2, org_id.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(ins_exec, 3, flow_id.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(ins_exec, 4, kPayloads[0], -1, SQLITE_STATIC);
      sqlite3_bind_text(ins_exec, 5, kPayloads[2], -1, SQLITE_STATIC);
      sqlite3_bind_int64(ins_exec, 6, t0);
      sqlite3_bind_int64(ins_exec, 7, t0 + 1);
      sqlite3_step(ins_exec);
      sqlite3_reset(ins_exec);
      for (int i = 0; i < 3; ++i) {
        sqlite3_bind_text(ins_step, 1, org_id.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_step, 2, id.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_int(ins_step, 3, i);
        sqlite3_bind_text(ins_step, 4, kRoute[i][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_step, 5, kRoute[i][1], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_step, 6, kPayloads[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins_step, 7, t0);
        sqlite3_bind_int64(ins_step, 8, t0 + 1);
        sqlite3_step(ins_step);
        sqlite3_reset(ins_step);
      }
    }
    sqlite3_bind_text(usage, 1, org_id.c_str(), -1, SQLITE_STATIC);
    sqlite3_step(usage);
    sqlite3_reset(usage);
    if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) state.SkipWithError(sqlite3_errmsg(db));
  }
  sqlite3_finalize(ins_exec);
  sqlite3_finalize(ins_step);
  sqlite3_finalize(usage);
  sqlite3_close(db);
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_Baseline_BareSqliteInserts)->Arg(8)->Arg(64)->Arg(256)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
