// peer_tables[] (xml-pipeline-semantics.md §4.5) and triggers[].

#include <gtest/gtest.h>

#include "flow/loader.h"
#include "flow/loader_test_util.h"

namespace nextra::flow {
namespace {

using testing_util::count_errors;
using testing_util::dump;
using testing_util::has_diag;
using testing_util::has_warning;

// 7 lines; appended text starts on line 8.
constexpr std::string_view kTablesBase = R"(payloads:
  Msg: { text: string }
listeners:
  - { name: r, payload_class: Msg, handler: llm, description: R, agent: true, peers: [calc, search] }
  - { name: calc, payload_class: Msg, handler: output, description: C }
  - { name: search, payload_class: Msg, handler: output, description: S }
  - { name: log, payload_class: Msg, handler: output, description: L }
)";

LoadResult with(std::string_view extra) { return load_organism(std::string(kTablesBase) + std::string(extra)); }

TEST(LoadPeerTables, ReferenceExampleLoadsParentFirst) {
  auto r = with(R"(peer_tables:
  - { name: viewer, parent: admin, os_user: xp-viewer, entries: [ { listener: r, peers: [calc] } ] }
  - { name: guest, parent: viewer, entries: [ { listener: r, peers: [] } ] }
  - { name: admin, entries: [ { listener: r, peers: [calc, search] } ] }
  - { name: solo, entries: [] }
)");
  ASSERT_TRUE(r.ok()) << dump(r);
  const auto& t = r.organism->peer_tables;
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].name, "admin");
  EXPECT_EQ(t[1].name, "viewer");
  EXPECT_EQ(t[2].name, "guest");
  EXPECT_EQ(t[3].name, "solo");
  EXPECT_EQ(t[1].os_user, "xp-viewer");
  EXPECT_EQ(t[1].pos.line, 9);
  EXPECT_EQ(t[1].pos.column, 5);
  ASSERT_EQ(t[1].entries.size(), 1u);
  EXPECT_EQ(t[1].entries[0].listener, "r");
  EXPECT_EQ(t[1].entries[0].peers, std::vector<std::string>{"calc"});
  EXPECT_EQ(t[1].entries[0].pos.line, 9);
  EXPECT_TRUE(t[2].entries[0].peers.empty());
}

TEST(LoadPeerTables, EveryProblemIsReported) {
  auto r = with(R"(peer_tables:
  - name: admin
    entries:
      - { listener: r, peers: [calc, log] }
      - { listener: ghost, peers: [calc] }
      - { listener: calc, peers: [nope] }
  - name: viewer
    parent: admin
    entries:
      - { listener: r, peers: [search] }
  - name: admin
    entries: []
  - name: orphan
    parent: missing
    entries: []
  - name: x
    parent: y
    entries: []
  - name: y
    parent: x
    entries: []
  - name: self
    parent: self
    entries: []
  - name: t2
    colour: red
    entries:
      - { listener: calc }
      - { listener: calc, peers: [r] }
  - entries: []
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(
      has_diag(r, 11, 38, "peer 'log' of 'r' in table 'admin' exceeds its ceiling (its peers are: calc, search)"));
  EXPECT_TRUE(has_diag(r, 12, 21, "peer table 'admin': unknown listener 'ghost'"));
  EXPECT_TRUE(has_diag(r, 13, 35, "peer table 'admin': unknown peer 'nope'"));
  EXPECT_TRUE(has_diag(
      r, 17, 32, "peer 'search' of 'r' in table 'viewer' exceeds its ceiling (peer table 'admin' allows: calc, log)"));
  EXPECT_TRUE(has_diag(r, 18, 11, "peer table 'admin': duplicate peer table name (first declared at line 9)"));
  EXPECT_TRUE(has_diag(r, 21, 13, "peer table 'orphan': unknown parent peer table 'missing'"));
  EXPECT_TRUE(has_diag(r, 24, 13, "circular peer table parent chain: x -> y -> x"));
  EXPECT_TRUE(has_diag(r, 30, 13, "circular peer table parent chain: self -> self"));
  EXPECT_TRUE(has_diag(r, 33, 5, "peer table 't2': unknown key 'colour'"));
  EXPECT_TRUE(has_diag(r, 35, 9, "peer table 't2': missing required key 'peers'"));
  EXPECT_TRUE(has_diag(r, 36, 21, "peer table 't2': listener 'calc' has two entries"));
  EXPECT_TRUE(has_diag(r, 37, 5, "peer_tables[8]: missing required key 'name'"));
  EXPECT_EQ(count_errors(r), 12u) << dump(r);
  EXPECT_EQ(r.diagnostics[0].field, "peer_tables[0].entries[0].peers[1]");
}

TEST(LoadPeerTables, CeilingFallsBackToListenerPeersWhenParentHasNoEntry) {
  auto r = with(R"(peer_tables:
  - { name: admin, entries: [ { listener: r, peers: [calc] } ] }
  - { name: child, parent: admin, entries: [ { listener: calc, peers: [search] } ] }
)");
  ASSERT_FALSE(r.ok());
  // calc declares no peers, so nothing may be granted to it.
  EXPECT_TRUE(
      has_diag(r, 10, 72, "peer 'search' of 'calc' in table 'child' exceeds its ceiling (its peers are: none)"));
  EXPECT_EQ(count_errors(r), 1u) << dump(r);
}

TEST(LoadPeerTables, Shapes) {
  auto r = with("peer_tables: { admin: [] }\n");
  EXPECT_TRUE(has_diag(r, 8, 14, "peer_tables: expected a list, got a mapping"));
  auto item = with("peer_tables: [ admin ]\n");
  EXPECT_TRUE(has_diag(item, 8, 16, "peer_tables[0]: a peer table must be a mapping"));
  auto entries = with("peer_tables: [ { name: a, entries: { r: [calc] } } ]\n");
  EXPECT_TRUE(has_diag(entries, 8, 36, "peer table 'a': entries: expected a list, got a mapping"));
}

TEST(LoadTriggers, ValidTriggers) {
  auto r = with(R"(triggers:
  - { name: nightly, type: schedule, target: r, cron: "0 2 * * MON-FRI", timezone: America/New_York }
  - { name: every5s, type: schedule, target: calc, cron: "*/5 * * ? * *" }
  - { name: hook, type: webhook, target: r }
  - { name: by-hand, type: manual, target: log }
)");
  ASSERT_TRUE(r.ok()) << dump(r);
  ASSERT_EQ(r.organism->triggers.size(), 4u);
  EXPECT_EQ(r.organism->triggers[0].cron, "0 2 * * MON-FRI");
  EXPECT_EQ(r.organism->triggers[0].timezone, "America/New_York");
  EXPECT_EQ(r.organism->triggers[1].target, "calc");
  EXPECT_EQ(r.organism->triggers[3].type, "manual");
}

TEST(LoadTriggers, EveryProblemIsReported) {
  auto r = with(R"(triggers:
  - { name: nightly, type: schedule, target: r }
  - { name: t2, type: cron, target: r }
  - { name: t3, type: webhook, target: ghost }
  - { name: t4, type: schedule, target: r, cron: "0 2 * *" }
  - { name: t5, type: schedule, target: r, cron: "0 2 * * MON;" }
  - { name: t6, type: manual, target: r, cron: "* * * * *" }
  - { name: t6, type: manual, target: r }
  - { type: manual }
  - { name: t8, type: schedule, target: r, cron: "*/5 * * * * *", timezone: "Mars Base" }
  - { name: t9, type: webhook, target: r, secret: x }
  - just-a-name
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 9, 5, "trigger 'nightly': a schedule trigger requires 'cron'"));
  EXPECT_TRUE(has_diag(r, 10, 23, "trigger 't2': unknown trigger type 'cron'; use webhook, schedule or manual"));
  EXPECT_TRUE(has_diag(r, 11, 40, "trigger 't3': unknown listener 'ghost'"));
  EXPECT_TRUE(has_diag(r, 12, 50, "trigger 't4': cron: expected 5 or 6 space-separated fields, got 4"));
  EXPECT_TRUE(has_diag(r, 13, 50, "trigger 't5': cron: field 'MON;' may only hold"));
  EXPECT_TRUE(has_warning(r, 14, 42, "trigger 't6': 'cron' is only used by schedule triggers"));
  EXPECT_TRUE(has_diag(r, 15, 13, "trigger 't6': duplicate trigger name (first declared at line 14)"));
  EXPECT_TRUE(has_diag(r, 16, 5, "triggers[7]: missing required key 'name'"));
  EXPECT_TRUE(has_diag(r, 16, 5, "triggers[7]: missing required key 'target'"));
  EXPECT_TRUE(has_diag(r, 17, 77, "trigger 't8': timezone: 'Mars Base' is not a time zone name"));
  EXPECT_TRUE(has_diag(r, 18, 43, "trigger 't9': unknown key 'secret'"));
  EXPECT_TRUE(has_diag(r, 19, 5, "triggers[10]: a trigger must be a mapping"));
  EXPECT_EQ(count_errors(r), 11u) << dump(r);
}

}  // namespace
}  // namespace nextra::flow
