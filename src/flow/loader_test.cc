#include "flow/loader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "flow/loader_test_util.h"

namespace nextra::flow {
namespace {

using testing_util::count_errors;
using testing_util::dump;
using testing_util::has_diag;
using testing_util::has_warning;

constexpr const char* kFull = R"(organism:
  name: order-flow
  identity: config/identity/private.ed25519
  port: 9000
max_concurrent_handlers: 40
max_concurrent_per_agent: 4
max_tokens_per_thread: 50000
max_concurrent_pipelines: 10
thread_scheduling: breadth-first
limits: { queue_capacity: 500, max_depth: 20 }
llm:
  strategy: failover
  backends: [ { provider: xai, api_key_env: XAI_API_KEY } ]
backend: { type: memory }
oob: { enabled: false }
meta: { anything: [1, 2] }
payloads:
  Order:
    id: int
    total: decimal
    paid: bool
    customer: string
    items: list<LineItem>
    note: optional<string>
    attributes: dict
    address: optional<Address>
    original_sender: string
  LineItem: { sku: string, qty: int }
  Address: { street: string, city: string }
  Receipt:
    order_id: int
    message: string
listeners:
  - name: intake
    payload_class: Order
    handler: branch
    description: Routes orders by size
    peers: [big-orders, small-orders, receipts]
    branch:
      rules:
        - field: total
          gt: 1000
          to: big-orders
        - field: address.city
          equals: Paris
          to: receipts
          transform:
            payload: Receipt
            fields: { order_id: "{{id}}", message: Bonjour }
        - field: note
          exists: true
          respond: true
        - field: customer
          matches: "^vip-[0-9]+$"
          to: big-orders
      default: small-orders
  - name: big-orders
    payload_class: Order
    handler: llm
    description: Reviews big orders
    agent: true
    prompt: "Review the order."
    timeout_seconds: 120
    peers: [receipts, big-orders]
    model: grok-4
  - name: small-orders
    payload_class: Order
    handler: transform
    description: Builds a receipt
    peers: [receipts]
    transform:
      payload: Receipt
      to: receipts
      copy_matching: false
      fields:
        order_id: "{{id}}"
        message: 42
  - name: receipts
    payload_class: Receipt
    handler: output
    description: Ends the execution
    trusted: true
  - name: calc
    payload_class: Calculate
    handler: tool:calculate
    description: Calculator
  - name: billing
    payload_class: Order
    handler: flow:billing-v2
    description: Calls the billing flow
    broadcast: true
  - name: store
    payload_class: Receipt
    handler: memory
    description: Stores receipts
    memory: { key: last }
  - name: web.fetch
    payload_class: Receipt
    handler: http
    description: Posts receipts
    http: { url: "https://example.com" }
  - name: plugin
    payload_class: Receipt
    handler: wasm
    description: Runs a module
  - name: answer
    payload_class: Receipt
    handler: transform
    description: Answers the caller
    transform: { payload: Receipt, respond: true }
peer_tables:
  - name: viewer
    parent: admin
    os_user: xp-viewer
    entries:
      - { listener: big-orders, peers: [receipts] }
  - name: admin
    entries:
      - listener: big-orders
        peers: [receipts, big-orders]
triggers:
  - { name: nightly, type: schedule, target: intake, cron: "0 2 * * *", timezone: Europe/Paris }
  - { name: hook, type: webhook, target: intake }
  - { name: by-hand, type: manual, target: calc }
)";

TEST(LoadOrganism, FullExampleLoadsWithTheRightValues) {
  auto r = load_organism(kFull);
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_TRUE(r.diagnostics.empty()) << dump(r);
  const OrganismSpec& o = *r.organism;
  EXPECT_EQ(o.name, "order-flow");
  EXPECT_EQ(o.identity, "config/identity/private.ed25519");
  EXPECT_EQ(o.port, 9000);
  EXPECT_EQ(o.max_concurrent_handlers, 40);
  EXPECT_EQ(o.max_concurrent_per_agent, 4);
  EXPECT_EQ(o.max_tokens_per_thread, 50000);
  EXPECT_EQ(o.queue_capacity, 500);
  EXPECT_EQ(o.max_depth, 20);

  // Payload classes: every type, linked.
  ASSERT_TRUE(o.schema);
  const auto* order = o.schema->find("Order");
  ASSERT_NE(order, nullptr);
  ASSERT_EQ(order->fields.size(), 9u);
  EXPECT_EQ(order->line, 18);
  EXPECT_EQ(order->column, 3);
  using schema::TypeKind;
  EXPECT_EQ(order->fields[0].type.kind, TypeKind::Int);
  EXPECT_EQ(order->fields[1].type.kind, TypeKind::Decimal);
  EXPECT_EQ(order->fields[2].type.kind, TypeKind::Bool);
  EXPECT_EQ(order->fields[3].type.kind, TypeKind::String);
  EXPECT_EQ(order->fields[4].type.kind, TypeKind::List);
  EXPECT_EQ(order->fields[4].type.element->kind, TypeKind::Class);
  EXPECT_EQ(order->fields[4].type.element->cls, o.schema->find("LineItem"));
  EXPECT_EQ(order->fields[5].type.spelling(), "optional<string>");
  EXPECT_EQ(order->fields[6].type.kind, TypeKind::Dict);
  EXPECT_EQ(order->fields[7].type.element->cls, o.schema->find("Address"));
  EXPECT_EQ(order->fields[8].name, "original_sender");
  EXPECT_EQ(order->fields[8].xml_name, "OriginalSender");
  EXPECT_EQ(order->fields[8].line, 27);
  EXPECT_EQ(order->fields[8].column, 5);
  ASSERT_NE(o.schema->find("LineItem"), nullptr);
  EXPECT_EQ(o.schema->find("LineItem")->fields[1].xml_name, "Qty");
  EXPECT_NE(o.schema->find("SystemError"), nullptr);  // built-ins stay

  ASSERT_EQ(o.listeners.size(), 10u);
  const ListenerSpec* intake = o.find_listener("intake");
  ASSERT_NE(intake, nullptr);
  EXPECT_EQ(intake->payload_class, "Order");
  EXPECT_EQ(intake->handler, "branch");
  EXPECT_EQ(intake->description, "Routes orders by size");
  EXPECT_EQ(intake->peers, (std::vector<std::string>{"big-orders", "small-orders", "receipts"}));
  EXPECT_EQ(intake->pos.line, 34);
  EXPECT_EQ(intake->pos.column, 5);
  EXPECT_EQ(intake->key_pos.at("branch").line, 39);
  ASSERT_TRUE(intake->branch.has_value());
  const BranchSpec& b = *intake->branch;
  ASSERT_EQ(b.rules.size(), 4u);
  EXPECT_EQ(b.rules[0].field, "total");
  EXPECT_EQ(b.rules[0].op, BranchOp::Gt);
  EXPECT_EQ(b.rules[0].value, "1000");
  EXPECT_EQ(b.rules[0].to, "big-orders");
  EXPECT_EQ(b.rules[0].pos.line, 41);
  EXPECT_EQ(b.rules[0].pos.column, 11);
  EXPECT_EQ(b.rules[1].op, BranchOp::Equals);
  EXPECT_EQ(b.rules[1].field, "address.city");
  ASSERT_TRUE(b.rules[1].transform.has_value());
  EXPECT_EQ(b.rules[1].transform->payload, "Receipt");
  EXPECT_EQ(b.rules[1].transform->fields,
            (std::vector<std::pair<std::string, std::string>>{{"order_id", "{{id}}"}, {"message", "Bonjour"}}));
  EXPECT_EQ(b.rules[2].op, BranchOp::Exists);
  EXPECT_EQ(b.rules[2].value, "true");
  EXPECT_TRUE(b.rules[2].respond);
  EXPECT_EQ(b.rules[3].op, BranchOp::Matches);
  EXPECT_EQ(b.rules[3].value, "^vip-[0-9]+$");
  ASSERT_TRUE(b.otherwise.has_value());
  EXPECT_EQ(b.otherwise->op, BranchOp::Always);
  EXPECT_EQ(b.otherwise->to, "small-orders");

  const ListenerSpec* big = o.find_listener("big-orders");
  ASSERT_NE(big, nullptr);
  EXPECT_TRUE(big->agent);
  EXPECT_EQ(big->prompt, "Review the order.");
  EXPECT_DOUBLE_EQ(big->timeout_seconds, 120);
  EXPECT_FALSE(big->trusted.has_value());

  const ListenerSpec* small = o.find_listener("small-orders");
  ASSERT_NE(small, nullptr);
  ASSERT_TRUE(small->transform.has_value());
  const TransformSpec& t = *small->transform;
  EXPECT_EQ(t.payload, "Receipt");
  EXPECT_EQ(t.to, "receipts");
  EXPECT_FALSE(t.respond);
  EXPECT_FALSE(t.copy_matching);
  EXPECT_EQ(t.fields, (std::vector<std::pair<std::string, std::string>>{{"order_id", "{{id}}"}, {"message", "42"}}));
  EXPECT_EQ(t.pos.line, 72);
  EXPECT_EQ(t.pos.column, 7);
  EXPECT_EQ(t.field_pos.at("order_id").line, 76);
  EXPECT_EQ(t.field_pos.at("order_id").column, 19);
  EXPECT_EQ(t.field_pos.at("message").line, 77);
  EXPECT_EQ(t.field_pos.at("message").column, 18);

  EXPECT_EQ(o.find_listener("receipts")->trusted, std::optional<bool>(true));
  EXPECT_EQ(o.find_listener("calc")->handler, "tool:calculate");
  EXPECT_EQ(o.find_listener("billing")->handler, "flow:billing-v2");
  EXPECT_TRUE(o.find_listener("billing")->broadcast);
  EXPECT_EQ(o.find_listener("store")->handler, "memory");
  EXPECT_EQ(o.find_listener("web.fetch")->handler, "http");
  EXPECT_EQ(o.find_listener("plugin")->handler, "wasm");
  EXPECT_DOUBLE_EQ(o.find_listener("plugin")->timeout_seconds, 30);
  EXPECT_TRUE(o.find_listener("answer")->transform->respond);
  EXPECT_TRUE(o.find_listener("answer")->transform->copy_matching);

  // Parent first, whatever the document order.
  ASSERT_EQ(o.peer_tables.size(), 2u);
  EXPECT_EQ(o.peer_tables[0].name, "admin");
  EXPECT_EQ(o.peer_tables[1].name, "viewer");
  EXPECT_EQ(o.peer_tables[1].parent, "admin");
  EXPECT_EQ(o.peer_tables[1].os_user, "xp-viewer");
  ASSERT_EQ(o.peer_tables[1].entries.size(), 1u);
  EXPECT_EQ(o.peer_tables[1].entries[0].listener, "big-orders");
  EXPECT_EQ(o.peer_tables[1].entries[0].peers, std::vector<std::string>{"receipts"});
  EXPECT_EQ(o.peer_tables[0].entries[0].peers, (std::vector<std::string>{"receipts", "big-orders"}));

  ASSERT_EQ(o.triggers.size(), 3u);
  EXPECT_EQ(o.triggers[0].name, "nightly");
  EXPECT_EQ(o.triggers[0].type, "schedule");
  EXPECT_EQ(o.triggers[0].target, "intake");
  EXPECT_EQ(o.triggers[0].cron, "0 2 * * *");
  EXPECT_EQ(o.triggers[0].timezone, "Europe/Paris");
  EXPECT_EQ(o.triggers[1].type, "webhook");
  EXPECT_EQ(o.triggers[2].pos.line, 124);
  EXPECT_EQ(o.triggers[2].pos.column, 5);
}

TEST(LoadOrganism, DefaultsForAMinimalFile) {
  auto r = load_organism("listeners: []\n");
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(r.organism->name, "unnamed");
  EXPECT_EQ(r.organism->port, 8765);
  EXPECT_EQ(r.organism->max_concurrent_handlers, 20);
  EXPECT_EQ(r.organism->max_concurrent_per_agent, 5);
  EXPECT_EQ(r.organism->max_tokens_per_thread, 100000);
  EXPECT_EQ(r.organism->queue_capacity, 10000);
  EXPECT_EQ(r.organism->max_depth, 50);
  ASSERT_TRUE(r.organism->schema);
  EXPECT_NE(r.organism->schema->find("Boot"), nullptr);
}

// xml-pipeline-semantics.md §3 example (a), with its payload classes declared.
constexpr const char* kHelloWorld = R"(organism: { name: hello-world, port: 8765 }
max_concurrent_handlers: 20
max_concurrent_per_agent: 5
llm:
  strategy: failover
  retries: 3
  backends: [ { provider: xai, api_key_env: XAI_API_KEY, rate_limit_tpm: 100000 } ]
payloads:
  Greeting: { name: string }
  GreetingResponse: { message: string, original_sender: string }
  ShoutedResponse: { message: string }
listeners:
  - name: greeter                  # Greeting{name}: LLM call, forwards GreetingResponse to shouter
    payload_class: handlers.hello.Greeting
    handler: handlers.hello.handle_greeting
    description: Greeting agent - forwards to shouter
    agent: true
    peers: [shouter]
    prompt: "You are a friendly greeter agent. Keep responses short."
  - name: shouter                  # GreetingResponse{message, original_sender}: uppercases, forwards to original_sender
    payload_class: handlers.hello.GreetingResponse
    handler: handlers.hello.handle_shout
    description: Shouts the greeting in ALL CAPS
  - name: response-handler         # ShoutedResponse{message}: prints, returns None
    payload_class: handlers.hello.ShoutedResponse
    handler: handlers.hello.handle_response_print
    description: Prints responses to console
)";

TEST(LoadOrganism, HelloWorldLegacyPathsResolveButPythonHandlersAreErrors) {
  auto r = load_organism(kHelloWorld);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(count_errors(r), 3u) << dump(r);
  const std::string kinds =
      "; use a built-in kind (transform, branch, output, llm, http, wasm, memory, tool:NAME, flow:ID)";
  EXPECT_TRUE(has_diag(r, 15, 14, "handler 'handlers.hello.handle_greeting' is a Python import path" + kinds));
  EXPECT_TRUE(has_diag(r, 22, 14, "handler 'handlers.hello.handle_shout' is a Python import path" + kinds));
  EXPECT_TRUE(has_diag(r, 26, 14, "handler 'handlers.hello.handle_response_print' is a Python import path"));
  for (const auto& d : r.diagnostics) {
    EXPECT_EQ(d.message.find("payload class"), std::string::npos) << d.message;
    EXPECT_EQ(d.field.find("handler"), d.field.size() - 7) << d.field;
  }
  EXPECT_EQ(r.diagnostics[0].field, "listeners[0].handler");
}

TEST(LoadOrganism, HelloWorldWithBuiltInHandlersLoads) {
  std::string text = kHelloWorld;
  for (auto [from, to] :
       {std::pair{"handlers.hello.handle_greeting", "llm"}, std::pair{"handlers.hello.handle_shout", "wasm"},
        std::pair{"handlers.hello.handle_response_print", "output"}}) {
    text.replace(text.find(from), std::string_view(from).size(), to);
  }
  auto r = load_organism(text);
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(r.organism->name, "hello-world");
  EXPECT_EQ(r.organism->listeners[0].payload_class, "Greeting");
  EXPECT_EQ(r.organism->listeners[1].payload_class, "GreetingResponse");
  EXPECT_EQ(r.organism->listeners[2].payload_class, "ShoutedResponse");
  EXPECT_EQ(r.organism->listeners[0].peers, std::vector<std::string>{"shouter"});
}

TEST(LoadOrganism, SyntaxErrorPositionIsOneBased) {
  auto r = load_organism("organism:\n  name: x\nlisteners: [a, b\n");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1u) << dump(r);
  EXPECT_TRUE(has_diag(r, 4, 1, "YAML syntax error: end of sequence flow not found"));

  auto bad_indent = load_organism("organism:\n  name: x\n bad: [\n");
  ASSERT_FALSE(bad_indent.ok());
  EXPECT_GT(bad_indent.diagnostics[0].line, 0);
  EXPECT_NE(bad_indent.diagnostics[0].message.find("YAML syntax error"), std::string::npos);
}

TEST(LoadOrganism, SizeLimit) {
  LoadLimits limits;
  limits.max_bytes = 16;
  auto r = load_organism("listeners: []\n# padding padding\n", limits);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 0, 0, "file is 32 bytes; the limit is 16"));
}

TEST(LoadOrganism, DepthLimit) {
  LoadLimits limits;
  limits.max_depth = 4;
  auto r = load_organism("meta:\n  a:\n    b:\n      c: [x]\n", limits);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 4, 10, "nesting is deeper than the limit of 4 levels"));
  EXPECT_EQ(r.diagnostics[0].field, "meta.a.b.c");

  std::string deep(5000, '[');
  auto d = load_organism("meta: " + deep);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.diagnostics[0].message.find("nesting is deeper than the limit of 64 levels"), std::string::npos)
      << dump(d);
}

TEST(LoadOrganism, AliasCycleAndAliasBombAreRefused) {
  auto cycle = load_organism("meta: &a [*a]\nlisteners: []\n");
  ASSERT_FALSE(cycle.ok());
  EXPECT_NE(cycle.diagnostics[0].message.find("nesting is deeper"), std::string::npos) << dump(cycle);

  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int j = 0; j < 9; ++j) bomb += ", " + prev;
    bomb += "]\n";
  }
  auto r = load_organism("meta:\n  " + std::string(bomb.begin(), bomb.end()));
  ASSERT_FALSE(r.ok());
  bool found = false;
  for (const auto& d : r.diagnostics) found |= d.message.find("through aliases") != std::string::npos;
  EXPECT_TRUE(found) << dump(r);
}

TEST(LoadOrganism, DuplicateKeysInAnyMapping) {
  auto r = load_organism(R"(organism: { name: x, name: y }
listeners:
  - name: a
    payload_class: Boot
    handler: output
    description: A
    name: b
meta:
  deep: { k: 1, k: 2 }
listeners: []
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 1, 22, "duplicate key 'name' (first at line 1)"));
  EXPECT_TRUE(has_diag(r, 7, 5, "duplicate key 'name' (first at line 3)"));
  EXPECT_TRUE(has_diag(r, 9, 17, "duplicate key 'k'"));
  EXPECT_TRUE(has_diag(r, 10, 1, "duplicate key 'listeners' (first at line 2)"));
  EXPECT_EQ(count_errors(r), 4u) << dump(r);
}

TEST(LoadOrganism, EmptyDocumentAndNonMappingTop) {
  for (const char* text : {"", "   \n", "# only a comment\n", "---\n", "~\n"}) {
    auto r = load_organism(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_TRUE(has_diag(r, 1, 1, "empty document")) << text;
  }
  auto seq = load_organism("\n- a\n- b\n");
  EXPECT_TRUE(has_diag(seq, 2, 1, "the top level must be a mapping"));
  auto scalar = load_organism("hello");
  EXPECT_TRUE(has_diag(scalar, 1, 1, "the top level must be a mapping"));
  auto two = load_organism("listeners: []\n---\nlisteners: []\n");
  EXPECT_TRUE(has_diag(two, 2, 1, "organism.yaml must hold one YAML document; another starts here"));
  auto ended = load_organism("---\nlisteners: []\n...\n");
  EXPECT_TRUE(ended.ok()) << dump(ended);
}

// yaml-cpp 0.7's LoadAll never returns on these (jbeder/yaml-cpp#1040).
TEST(LoadOrganism, StrayCommaIsASyntaxErrorNotAHang) {
  auto r = load_organism(",{x");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 1, 1, "YAML syntax error: unexpected ','"));
  auto later = load_organism("\n\n  , [x]\n");
  ASSERT_FALSE(later.ok());
  EXPECT_NE(later.diagnostics[0].message.find("YAML syntax error"), std::string::npos) << dump(later);
  auto after_doc = load_organism("listeners: []\n---\n,x\n");
  ASSERT_FALSE(after_doc.ok());
}

TEST(LoadOrganism, UnknownTopLevelKeysWithSuggestion) {
  auto r = load_organism("listners: []\nfoo: 1\nbackend: { type: redis }\ngateways: [x]\nserver: {}\n");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 1, 1, "unknown key 'listners' (did you mean 'listeners'?)"));
  EXPECT_TRUE(has_diag(r, 2, 1, "unknown key 'foo'"));
  EXPECT_EQ(count_errors(r), 2u) << dump(r);
  for (const auto& d : r.diagnostics) EXPECT_EQ(d.message.find("foo' (did"), std::string::npos);
}

TEST(LoadOrganism, IgnoredAndDocumentedTopLevelKeysAreAccepted) {
  auto r = load_organism(R"(organism: { name: x, tls: { cert: a } }
llm: { anything: [goes, here] }
backend: { type: redis, redis_url: "redis://localhost:6379", redis_prefix: "xp:", redis_ttl: 5 }
oob: { enabled: true, bind: 127.0.0.1, port: 8766 }
auth: { totp_required: false }
network: { ports: [ { port: 9000 } ] }
tools: [ { name: wcalc, wasm_path: t/calc.wasm, wit_path: t/calc.wit } ]
shell: { enabled: false }
compiler: { timeout_seconds: 60 }
meta: { x: 1 }
gateways: []
llm_backends: []
server: { port: 1 }
process_pool: { workers: 2 }
thread_scheduling: breadth-first
max_concurrent_pipelines: 50
listeners: []
)");
  EXPECT_TRUE(r.ok()) << dump(r);
  EXPECT_TRUE(r.diagnostics.empty()) << dump(r);
}

TEST(LoadOrganism, SectionShapesAreChecked) {
  auto r = load_organism("backend: [redis]\ntools: { a: 1 }\norganism: x\nlisteners: []\n");
  EXPECT_TRUE(has_diag(r, 1, 10, "backend: expected a mapping (key: value), got a list"));
  EXPECT_TRUE(has_diag(r, 2, 8, "tools: expected a list, got a mapping"));
  EXPECT_TRUE(has_diag(r, 3, 11, "organism: expected a mapping"));
}

TEST(LoadOrganism, OrganismSection) {
  auto r = load_organism(
      "organism:\n  name: \"\"\n  port: 70000\n  colour: red\n  max_tokens_per_thread: 5\nlisteners: []\n");
  EXPECT_TRUE(has_diag(r, 2, 9, "name: must not be empty"));
  EXPECT_TRUE(has_diag(r, 3, 9, "port: must be between 1 and 65535, got 70000"));
  EXPECT_TRUE(has_diag(r, 4, 3, "unknown key 'colour'"));
  EXPECT_TRUE(has_diag(r, 5, 3, "unknown key 'max_tokens_per_thread' (it belongs at the top level)"));
  EXPECT_EQ(r.diagnostics[3].field, "organism.max_tokens_per_thread");
}

TEST(LoadOrganism, ConcurrencyAndLimitScalars) {
  auto r = load_organism(R"(max_concurrent_handlers: 0
max_concurrent_per_agent: many
max_tokens_per_thread: -5
max_concurrent_pipelines: 20000
limits:
  queue_capacity: 2000000
  max_depth: 1001
  speed: 3
listeners: []
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 1, 26, "max_concurrent_handlers: must be between 1 and 10000, got 0"));
  EXPECT_TRUE(has_diag(r, 2, 27, "max_concurrent_per_agent: expected an integer, got 'many'"));
  EXPECT_TRUE(has_diag(r, 3, 24, "max_tokens_per_thread: must be between 1 and"));
  EXPECT_TRUE(has_diag(r, 4, 27, "must be between 1 and 10000"));
  EXPECT_TRUE(has_diag(r, 6, 19, "queue_capacity: must be between 1 and 1000000"));
  EXPECT_TRUE(has_diag(r, 7, 14, "max_depth: must be between 1 and 1000"));
  EXPECT_TRUE(has_diag(r, 8, 3, "unknown key 'speed'"));
  EXPECT_EQ(count_errors(r), 7u) << dump(r);

  auto quoted = load_organism("max_concurrent_handlers: \"5\"\nlisteners: []\n");
  EXPECT_TRUE(has_diag(quoted, 1, 26, "expected an integer, got \"5\""));
  auto limits = load_organism("limits: { queue_capacity: 7, max_depth: 9 }\nlisteners: []\n");
  ASSERT_TRUE(limits.ok()) << dump(limits);
  EXPECT_EQ(limits.organism->queue_capacity, 7);
  EXPECT_EQ(limits.organism->max_depth, 9);
}

TEST(LoadOrganism, LegacyAgentsKeyWarnsAndMissingListenersWarns) {
  auto r = load_organism("agents: []\n");
  EXPECT_TRUE(r.ok()) << dump(r);
  EXPECT_TRUE(has_warning(r, 1, 1, "legacy key 'agents' is ignored"));
  EXPECT_TRUE(has_warning(r, 1, 1, "no 'listeners:' declared"));
}

TEST(LoadOrganism, ManyProblemsAreCapped) {
  std::string text = "listeners: []\n";
  for (int i = 0; i < 50; ++i) text += "bad" + std::to_string(i) + ": 1\n";
  LoadLimits limits;
  limits.max_diagnostics = 10;
  auto r = load_organism(text, limits);
  ASSERT_EQ(r.diagnostics.size(), 11u) << dump(r);
  EXPECT_NE(r.diagnostics.back().message.find("too many problems"), std::string::npos);
}

TEST(LoadOrganism, NeverThrowsOnOddInput) {
  const char* inputs[] = {"\t",
                          "%YAML 1.2\n---\n",
                          "? [a]\n: 1\n",
                          "a: !!binary x\n",
                          "\"unterminated",
                          "listeners: &l [*l]\n",
                          "listeners: [*x]\n",
                          "{",
                          "]",
                          "a: 'b\n",
                          "\xff\xfe\x00",
                          "listeners:\n  - &x { name: a, peers: [*x] }\n",
                          "payloads: { A: &x { f: *x } }\n"};
  for (const char* in : inputs) {
    auto r = load_organism(in);
    EXPECT_FALSE(r.ok() && r.organism->listeners.size() > 100) << in;
  }
  auto complex_key = load_organism("? [a]\n: 1\nlisteners: []\n");
  EXPECT_TRUE(has_diag(complex_key, 1, 3, "mapping keys must be plain strings"));
}

TEST(FormatDiagnostic, ErrorsWarningsAndUnknownPositions) {
  Diagnostic e{Diagnostic::Severity::Error, 3, 7, "listeners[0].agent", "listener 'a': agent: expected a bool"};
  EXPECT_EQ(format_diagnostic("flow.yaml", e), "flow.yaml:3:7: listener 'a': agent: expected a bool");
  Diagnostic w{Diagnostic::Severity::Warning, 12, 1, "", "target 'x' is not among the peers of 'y'"};
  EXPECT_EQ(format_diagnostic("f.yaml", w), "f.yaml:12:1: warning: target 'x' is not among the peers of 'y'");
  Diagnostic u{Diagnostic::Severity::Error, 0, 0, "", "cannot open 'x'"};
  EXPECT_EQ(format_diagnostic("x", u), "x:1:1: cannot open 'x'");
}

TEST(LoadOrganismFile, ReadsFilesAndReportsReadErrors) {
  std::string path = ::testing::TempDir() + "nextra_loader_test.yaml";
  {
    std::ofstream out(path);
    out << kFull;
  }
  auto r = load_organism_file(path);
  EXPECT_TRUE(r.ok()) << dump(r);
  LoadLimits small;
  small.max_bytes = 100;
  auto big = load_organism_file(path, small);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.diagnostics[0].message.find("larger than the limit of 100 bytes"), std::string::npos);
  std::remove(path.c_str());

  auto missing = load_organism_file("/nonexistent/dir/organism.yaml");
  ASSERT_FALSE(missing.ok());
  ASSERT_EQ(missing.diagnostics.size(), 1u);
  EXPECT_EQ(missing.diagnostics[0].line, 0);
  EXPECT_NE(missing.diagnostics[0].message.find("cannot open '/nonexistent/dir/organism.yaml'"), std::string::npos);
  auto dir = load_organism_file(::testing::TempDir());
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.diagnostics[0].message.find("directory"), std::string::npos);
}

}  // namespace
}  // namespace nextra::flow
