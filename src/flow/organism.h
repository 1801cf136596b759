#pragma once
// The in-memory form of an organism.yaml: what the loader (flow/loader.h) produces after
// checking every key, and what the pump is built from. Plain data, no behaviour. Every
// spec element remembers where it was written (1-based line and column) so later checks
// can point at it.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "schema/types.h"

namespace nextra::flow {

struct SourcePos {
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based; 0 = unknown
};

// `transform:` — builds the next payload from the incoming one (docs/templates.md).
struct TransformSpec {
  std::string to;             // target listener; empty = the only peer (or respond)
  bool respond = false;       // true: answer the caller (.respond()) instead of forwarding
  std::string payload;        // class of the payload to build
  // field name -> template text, in the order written. Fields not listed get their zero
  // value, except that a field whose name the incoming class also has is copied over
  // when `copy_matching` is true.
  std::vector<std::pair<std::string, std::string>> fields;
  bool copy_matching = true;
  SourcePos pos;
  std::map<std::string, SourcePos> field_pos;
};

enum class BranchOp { Equals, NotEquals, Contains, Matches, Lt, Lte, Gt, Gte, Exists, Always };

// One rule of a `branch:` listener: when `field` satisfies `op value`, the message goes to
// `to` (the incoming payload as is, or rebuilt by `transform`).
struct BranchRule {
  std::string field;  // dotted path into the payload (items.0.sku)
  BranchOp op = BranchOp::Always;
  std::string value;  // template text; compared as a number for Lt/Lte/Gt/Gte
  std::string to;
  bool respond = false;
  std::optional<TransformSpec> transform;
  SourcePos pos;
};

struct BranchSpec {
  std::vector<BranchRule> rules;       // first match wins
  std::optional<BranchRule> otherwise; // `default:`; without it an unmatched message is an error
  SourcePos pos;
};

// A section the loader does not interpret but keeps for a handler module (`llm:`, `http:`,
// `wasm:`, `model:`...): the YAML re-emitted as text, and where it was written, so the
// module can parse it and point its errors at the right line (pos.line + its own line - 1).
struct RawSection {
  std::string yaml;
  SourcePos pos;  // of the value
};

struct ListenerSpec {
  std::string name;
  std::string payload_class;  // class name (a legacy dotted import path keeps its last segment)
  std::string handler;        // transform | branch | output | tool:calculate | llm | http | wasm | memory | flow:<id>
  std::string description;
  bool agent = false;
  std::vector<std::string> peers;
  bool broadcast = false;
  std::string prompt;
  double timeout_seconds = 30;
  std::optional<bool> trusted;  // `trusted:` as written; unset = decided at registration (§4.1)
  std::optional<TransformSpec> transform;
  std::optional<BranchSpec> branch;
  std::map<std::string, RawSection> sections;  // the keys a handler module reads (kIgnoredListenerKeys)
  SourcePos pos;
  std::map<std::string, SourcePos> key_pos;  // where each key of this listener was written
};

struct PeerTableEntry {
  std::string listener;
  std::vector<std::string> peers;
  SourcePos pos;
};

struct PeerTableSpec {
  std::string name;
  std::string parent;  // empty = none
  std::string os_user;
  std::vector<PeerTableEntry> entries;
  SourcePos pos;
};

// `triggers:` (runtime issue); parsed and checked now so a flow that declares them validates.
struct TriggerSpec {
  std::string name;
  std::string type;    // webhook | schedule | manual
  std::string target;  // listener the trigger injects into
  std::string cron;
  std::string timezone;
  SourcePos pos;
};

// `memory:` (issue #5): the flow's project memory, read and written by `tool:keyvalue` and
// code blocks. Off unless enabled; `max_bytes` bounds the bytes of its live keys and values.
struct MemorySpec {
  bool enabled = false;
  long long max_bytes = 1 << 20;
};

struct OrganismSpec {
  std::string name = "unnamed";
  std::string identity;
  int port = 8765;  // `organism.port`; used by the server only
  int max_concurrent_handlers = 20;
  int max_concurrent_per_agent = 5;
  long long max_tokens_per_thread = 100000;
  int queue_capacity = 10000;
  int max_depth = 50;
  std::shared_ptr<schema::Schema> schema;  // built-ins + `payloads:`; linked
  std::vector<ListenerSpec> listeners;
  std::vector<PeerTableSpec> peer_tables;
  std::vector<TriggerSpec> triggers;
  MemorySpec memory;
  std::map<std::string, RawSection> sections;  // top-level sections read by modules: `llm`, `backend`, ...

  const ListenerSpec* find_listener(std::string_view name) const {
    for (const auto& l : listeners) {
      if (l.name == name) return &l;
    }
    return nullptr;
  }
};

}  // namespace nextra::flow
