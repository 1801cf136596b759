// listeners[]: required keys, types, names, handlers, peers.
// Each test appends listeners to kBase (13 lines; appended text starts on line 14).

#include <gtest/gtest.h>

#include "flow/loader.h"
#include "flow/loader_test_util.h"

namespace nextra::flow {
namespace {

using testing_util::count_errors;
using testing_util::dump;
using testing_util::has_diag;
using testing_util::has_warning;
using testing_util::kBase;

LoadResult with(std::string_view extra) { return load_organism(std::string(kBase) + std::string(extra)); }

TEST(LoadListeners, BaseLoadsCleanly) {
  auto r = with("");
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_TRUE(r.diagnostics.empty()) << dump(r);
  EXPECT_EQ(r.organism->listeners.size(), 2u);
}

TEST(LoadListeners, MissingRequiredKeysAtTheListener) {
  auto r = with(R"(  - name: c
    payload_class: Msg
    handler: output
  - description: nameless
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 14, 5, "listener 'c': missing required key 'description'"));
  EXPECT_TRUE(has_diag(r, 17, 5, "listeners[3]: missing required key 'name'"));
  EXPECT_TRUE(has_diag(r, 17, 5, "listeners[3]: missing required key 'payload_class'"));
  EXPECT_TRUE(has_diag(r, 17, 5, "listeners[3]: missing required key 'handler'"));
  EXPECT_EQ(count_errors(r), 4u) << dump(r);
  EXPECT_EQ(r.diagnostics[0].field, "listeners[2]");
}

TEST(LoadListeners, TypesOfOptionalKeys) {
  auto r = with(R"(  - name: c
    payload_class: Msg
    handler: output
    description: C
    agent: "yes"
    broadcast: maybe
    trusted: [true]
    prompt: { a: 1 }
    timeout_seconds: 0
  - name: d
    payload_class: Msg
    handler: output
    description: D
    timeout_seconds: 3601
    peers: a
  - name: e
    payload_class: Msg
    handler: output
    description: E
    timeout_seconds: soon
    peers: [a, [b], 7]
    agent: yes
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(
      r, 18, 12, "listener 'c': agent: expected a bool (true or false), got \"yes\" (quoted, so it is a string)"));
  EXPECT_TRUE(has_diag(r, 19, 16, "listener 'c': broadcast: expected a bool (true or false), got 'maybe'"));
  EXPECT_TRUE(has_diag(r, 20, 14, "trusted: expected a bool (true or false), got a list"));
  EXPECT_TRUE(has_diag(r, 21, 13, "prompt: expected a string, got a mapping"));
  EXPECT_TRUE(has_diag(r, 22, 22, "timeout_seconds: must be a positive number no greater than 3600, got 0"));
  EXPECT_TRUE(
      has_diag(r, 27, 22, "listener 'd': timeout_seconds: must be a positive number no greater than 3600, got 3601"));
  EXPECT_TRUE(has_diag(r, 28, 12, "listener 'd': peers: expected a list of names, got 'a'"));
  EXPECT_TRUE(has_diag(r, 33, 22, "timeout_seconds: expected a number, got 'soon'"));
  EXPECT_TRUE(has_diag(r, 34, 16, "listener 'e': peers: expected a name, got a list"));
  EXPECT_TRUE(has_diag(r, 34, 21, "listener 'e': unknown peer '7'"));  // the good elements are still checked
  EXPECT_EQ(count_errors(r), 10u) << dump(r);
}

TEST(LoadListeners, ValuesAreRead) {
  auto r = with(R"(  - name: c.v2
    payload_class: Msg
    handler: llm
    description: C
    agent: True
    broadcast: off
    trusted: false
    timeout_seconds: 2.5
    prompt: |
      Be brief.
    peers: [a, c.v2]
    model: grok
    temperature: 0.2
    cpu_bound: true
)");
  ASSERT_TRUE(r.ok()) << dump(r);
  const auto* c = r.organism->find_listener("c.v2");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->agent);
  EXPECT_FALSE(c->broadcast);
  EXPECT_EQ(c->trusted, std::optional<bool>(false));
  EXPECT_DOUBLE_EQ(c->timeout_seconds, 2.5);
  EXPECT_EQ(c->prompt, "Be brief.\n");
  EXPECT_EQ(c->peers, (std::vector<std::string>{"a", "c.v2"}));  // itself: self-iteration
  EXPECT_EQ(c->pos.line, 14);
  EXPECT_EQ(c->key_pos.at("peers").line, 24);
  EXPECT_EQ(c->key_pos.at("peers").column, 5);
}

TEST(LoadListeners, UnknownKeysAreErrorsIgnoredOnesAreNot) {
  auto r = with(R"(  - name: c
    payload_class: Msg
    handler: output
    description: C
    peer: [a]
    colour: blue
    allowed_tools: [x]
    blocked_tools: []
    gateway: g
    tool: t
    max_tokens: 5
    metadata: {}
    config: {}
    wasm: {}
    llm: {}
    position: { x: 1, y: 2 }
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 18, 5, "listener 'c': unknown key 'peer' (did you mean 'peers'?)"));
  EXPECT_TRUE(has_diag(r, 19, 5, "listener 'c': unknown key 'colour'"));
  EXPECT_EQ(count_errors(r), 2u) << dump(r);
}

TEST(LoadListeners, NamePatternReservedPrefixAndDuplicates) {
  auto r = with(R"(  - { name: 1abc, payload_class: Msg, handler: output, description: X }
  - { name: "has space", payload_class: Msg, handler: output, description: X }
  - { name: system.boot, payload_class: Msg, handler: output, description: X }
  - { name: a, payload_class: Msg, handler: output, description: X }
  - { name: ok.name-1_x, payload_class: Msg, handler: output, description: X }
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 14, 13, "listener '1abc': invalid name"));
  EXPECT_TRUE(has_diag(r, 15, 13, "listener 'has space': invalid name"));
  EXPECT_TRUE(has_diag(r, 16, 13, "listener 'system.boot': names starting with 'system.' are reserved"));
  EXPECT_TRUE(has_diag(r, 17, 13, "listener 'a': duplicate listener name (first declared at line 6)"));
  EXPECT_EQ(count_errors(r), 4u) << dump(r);
}

TEST(LoadListeners, PayloadClassLegacyPathAndUnknownClass) {
  auto r = with(R"(  - { name: c, payload_class: handlers.hello.Msg, handler: output, description: X }
  - { name: d, payload_class: Mgs, handler: output, description: X }
  - { name: e, payload_class: tools.calc.AddPayload, handler: output, description: X }
  - { name: f, payload_class: SystemError, handler: output, description: X }
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 15, 31, "listener 'd': unknown payload class 'Mgs' (did you mean 'Msg'?)"));
  EXPECT_TRUE(has_diag(r, 16, 31, "listener 'e': unknown payload class 'AddPayload'"));
  EXPECT_EQ(count_errors(r), 2u) << dump(r);
  EXPECT_EQ(r.diagnostics[0].field, "listeners[3].payload_class");

  auto ok = with("  - { name: c, payload_class: handlers.hello.Msg, handler: output, description: X }\n");
  ASSERT_TRUE(ok.ok()) << dump(ok);
  EXPECT_EQ(ok.organism->find_listener("c")->payload_class, "Msg");
}

TEST(LoadListeners, HandlerKinds) {
  auto r = with(R"(  - { name: c1, payload_class: Msg, handler: output, description: X }
  - { name: c2, payload_class: Msg, handler: llm, description: X }
  - { name: c3, payload_class: Msg, handler: http, description: X }
  - { name: c4, payload_class: Msg, handler: wasm, description: X }
  - { name: c5, payload_class: Msg, handler: memory, description: X }
  - { name: c6, payload_class: Msg, handler: "tool:calculate", description: X }
  - { name: c7, payload_class: Msg, handler: "tool:fetch", description: X }
  - { name: c8, payload_class: Msg, handler: "tool:keyvalue", description: X }
  - { name: c9, payload_class: Msg, handler: "tool:convert", description: X }
  - { name: c10, payload_class: Msg, handler: "flow:3f2a-billing_v2.1", description: X }
)");
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(r.organism->find_listener("c6")->handler, "tool:calculate");
  EXPECT_EQ(r.organism->find_listener("c10")->handler, "flow:3f2a-billing_v2.1");
}

TEST(LoadListeners, BadHandlers) {
  auto r = with(R"(  - { name: c1, payload_class: Msg, handler: tools.calc.add, description: X }
  - { name: c2, payload_class: Msg, handler: "tool:calculat", description: X }
  - { name: c3, payload_class: Msg, handler: "flow:", description: X }
  - { name: c4, payload_class: Msg, handler: lambda, description: X }
  - { name: c5, payload_class: Msg, handler: outptu, description: X }
  - { name: c6, payload_class: Msg, handler: os.__import__, description: X }
  - { name: c7, payload_class: Msg, handler: "", description: X }
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 14, 46,
                       "listener 'c1': handler 'tools.calc.add' is a Python import path; use a built-in kind "
                       "(transform, branch, output, llm, http, wasm, memory, tool:NAME, flow:ID)"));
  EXPECT_TRUE(has_diag(r, 15, 46, "unknown tool 'calculat' (did you mean 'calculate'?)"));
  EXPECT_TRUE(has_diag(r, 16, 46, "handler 'flow:': expected flow:ID"));
  EXPECT_TRUE(has_diag(r, 17, 46, "unknown handler 'lambda'; use a built-in kind"));
  EXPECT_TRUE(has_diag(r, 18, 46, "unknown handler 'outptu' (did you mean 'output'?)"));
  EXPECT_TRUE(has_diag(r, 19, 46, "unknown handler 'os.__import__'"));
  EXPECT_TRUE(has_diag(r, 20, 46, "handler: must not be empty"));
  EXPECT_EQ(count_errors(r), 7u) << dump(r);
}

TEST(LoadListeners, PeersMustBeDeclared) {
  auto r = with(R"(  - name: c
    payload_class: Msg
    handler: llm
    description: C
    agent: true
    peers: [a, shouter, c, a]
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 19, 16, "listener 'c': unknown peer 'shouter'"));
  EXPECT_TRUE(has_warning(r, 19, 28, "peer 'a' is listed twice"));
  EXPECT_EQ(count_errors(r), 1u) << dump(r);
  EXPECT_EQ(r.diagnostics[0].field, "listeners[2].peers[1]");

  auto later = with(
      "  - { name: c, payload_class: Msg, handler: output, description: X, peers: [d] }\n"
      "  - { name: d, payload_class: Msg, handler: output, description: X, peers: [c] }\n");
  EXPECT_TRUE(later.ok()) << dump(later);  // declared further down is fine
  auto typo = with("  - { name: c, payload_class: Msg, handler: output, description: X, peers: [bb] }\n");
  EXPECT_TRUE(has_diag(typo, 14, 77, "unknown peer 'bb' (did you mean 'b'?)"));
}

TEST(LoadListeners, SystemListenersAreValidPeersAndTargets) {
  auto r = with(R"(  - name: c
    payload_class: Msg
    handler: transform
    description: C
    peers: [system.buffer, system.sequence, system.boot]
    transform: { to: system.buffer, payload: BufferStart, fields: { target: a, collect: "true" } }
)");
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_TRUE(r.diagnostics.empty()) << dump(r);
  EXPECT_EQ(r.organism->find_listener("c")->transform->to, "system.buffer");
  auto typo = with("  - { name: c, payload_class: Msg, handler: output, description: X, peers: [system.bufer] }\n");
  EXPECT_TRUE(has_diag(typo, 14, 77, "unknown peer 'system.bufer' (did you mean 'system.buffer'?)"));
}

TEST(LoadListeners, ListenersSectionShape) {
  auto split = load_organism("listeners:\n  directory: listeners/\n  include: ['*.yaml']\n");
  EXPECT_TRUE(has_diag(split, 2, 3, "split listener files"));
  auto scalar = load_organism("listeners: everything\n");
  EXPECT_TRUE(has_diag(scalar, 1, 12, "listeners: expected a list, got 'everything'"));
  auto item = load_organism("listeners:\n  - just-a-name\n");
  EXPECT_TRUE(has_diag(item, 2, 5, "listeners[0]: a listener must be a mapping"));
}

TEST(LoadListeners, ListenerCountLimit) {
  LoadLimits limits;
  limits.max_listeners = 1;
  auto r = load_organism(std::string(kBase), limits);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 5, 1, "too many listeners (2; the limit is 1)"));
}

}  // namespace
}  // namespace nextra::flow
