// tool:keyvalue over a real (SQLite) store: the three operations, namespaces, TTLs, the
// limits and every error an agent can read and act on, and the module view code blocks get.
#include "memory/keyvalue_tool.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/uuid.h"
#include "flow/loader.h"
#include "memory/project_memory.h"
#include "schema/types.h"

namespace nextra::memory {
namespace {

struct Answer {
  std::string key;
  std::string value;
  bool found = false;
  std::string error;
};

class KeyValueToolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("nextra-kv-" + new_uuid_v4());
    std::filesystem::create_directories(dir_);
    auto s = store::make_sqlite_store((dir_ / "db.sqlite").string());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    auto u = store_->create_user({"kv@example.com", "KV", ""});
    ASSERT_TRUE(u.ok());
    auto o = store_->create_organization({"Org", u->id});
    ASSERT_TRUE(o.ok());
    org_ = o->id;
    auto f = store_->create_flow({org_, "f", "", "organism:\n  name: f\n", "{}", u->id});
    ASSERT_TRUE(f.ok());
    flow_ = f->id;
    memory_ = std::make_shared<ProjectMemory>(*store_, org_, flow_, 1024, [this] { return now_; });
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Calls the tool with a KeyValueRequest; unset optionals stay absent.
  Answer call(const std::string& op, const std::string& key, std::optional<std::string> value = std::nullopt,
              std::optional<std::string> ns = std::nullopt, std::optional<std::int64_t> ttl = std::nullopt,
              bool enabled = true) {
    schema::Payload p;
    p.record = schema::zero_record(*schema_.find(schema::kKeyValueRequest));
    *p.record.get("operation") = schema::Value(op);
    *p.record.get("key") = schema::Value(key);
    *p.record.get("value") = value ? schema::Value(*value) : schema::Value();
    *p.record.get("namespace") = ns ? schema::Value(*ns) : schema::Value();
    *p.record.get("ttl_seconds") = ttl ? schema::Value(*ttl) : schema::Value();
    auto r = keyvalue_response(enabled ? memory_.get() : nullptr, p, schema_);
    EXPECT_TRUE(r.ok()) << r.error().message;
    if (!r.ok()) return {};
    const auto& rec = (*r)->record;
    EXPECT_EQ((*r)->class_name(), "KeyValueResponse");
    Answer a{rec.get("key")->as<std::string>(), rec.get("value")->as<std::string>(), rec.get("found")->as<bool>(),
             rec.get("error")->as<std::string>()};
    if (!a.error.empty()) {
      EXPECT_FALSE(a.found);
      EXPECT_TRUE(a.value.empty());
    }
    return a;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::string org_, flow_;
  std::int64_t now_ = 1'800'000'000'000;
  schema::Schema schema_;
  std::shared_ptr<ProjectMemory> memory_;
};

TEST_F(KeyValueToolTest, SetGetDelete) {
  auto missing = call("get", "greeting");
  EXPECT_EQ(missing.error, "");
  EXPECT_FALSE(missing.found);
  EXPECT_EQ(missing.key, "greeting");

  auto set = call("set", "greeting", R"({"text": "hello"})");
  EXPECT_EQ(set.error, "");
  EXPECT_FALSE(set.found);  // nothing was replaced
  EXPECT_EQ(set.value, R"({"text": "hello"})");
  auto got = call("GET", "greeting");  // operations are case-insensitive
  EXPECT_TRUE(got.found);
  EXPECT_EQ(got.value, R"({"text": "hello"})");
  EXPECT_TRUE(call("set", "greeting", "42").found);  // replaced
  EXPECT_EQ(call("get", "greeting").value, "42");

  EXPECT_TRUE(call("delete", "greeting").found);
  EXPECT_FALSE(call("delete", "greeting").found);
  EXPECT_FALSE(call("get", "greeting").found);
}

TEST_F(KeyValueToolTest, NamespacesPrefixTheKey) {
  call("set", "count", "1", "orders");
  call("set", "count", "2", "users");
  EXPECT_EQ(call("get", "count", std::nullopt, "orders").value, "1");
  EXPECT_EQ(call("get", "count", std::nullopt, "users").value, "2");
  EXPECT_FALSE(call("get", "count").found);
  // The stored key is <namespace>:<key>, so the same entry is reachable both ways.
  EXPECT_EQ(call("get", "orders:count").value, "1");
  EXPECT_EQ(*memory_->get("users:count"), std::optional<std::string>("2"));
  EXPECT_NE(call("get", "count", std::nullopt, "bad ns!").error.find("namespace must be"), std::string::npos);
  EXPECT_NE(call("get", "count", std::nullopt, std::string(65, 'n')).error.find("namespace must be"), std::string::npos);
}

TEST_F(KeyValueToolTest, TtlExpiresTheKey) {
  EXPECT_EQ(call("set", "session", "\"abc\"", std::nullopt, 60).error, "");
  now_ += 59'999;
  EXPECT_TRUE(call("get", "session").found);
  now_ += 1;
  EXPECT_FALSE(call("get", "session").found);
  EXPECT_EQ(call("set", "forever", "true", std::nullopt, 0).error, "");
  now_ += 10LL * 365 * 24 * 3600 * 1000;
  EXPECT_TRUE(call("get", "forever").found);
  EXPECT_NE(call("set", "k", "1", std::nullopt, -1).error.find("ttl_seconds"), std::string::npos);
}

TEST_F(KeyValueToolTest, AnswersErrorsAnAgentCanActOn) {
  EXPECT_NE(call("put", "k", "1").error.find("operation must be get, set or delete"), std::string::npos);
  EXPECT_EQ(call("get", "").error, "key is required");
  EXPECT_NE(call("set", "k").error.find("set needs a value"), std::string::npos);
  EXPECT_NE(call("set", "k", "hello").error.find("value must be JSON text"), std::string::npos);
  EXPECT_NE(call("set", "k", "{\"a\":").error.find("value must be JSON text"), std::string::npos);
  EXPECT_NE(call("get", std::string(257, 'k')).error.find("longer than 256 bytes"), std::string::npos);
  EXPECT_NE(call("get", std::string(200, 'k'), std::nullopt, std::string(60, 'n')).error.find("namespace included"),
            std::string::npos);
  EXPECT_NE(call("get", "a\tb").error.find("control characters"), std::string::npos);
  EXPECT_NE(call("set", "k", "\"" + std::string(64 * 1024, 'x') + "\"").error.find("64 KiB"), std::string::npos);
  EXPECT_NE(call("get", "wasm:mod:k").error.find("code blocks"), std::string::npos);
  EXPECT_NE(call("get", "mod:k", std::nullopt, "wasm").error.find("code blocks"), std::string::npos);
}

TEST_F(KeyValueToolTest, AFullQuotaIsAnError) {
  // 1024 bytes: two values of ~500 fit, a third does not.
  const std::string big = "\"" + std::string(490, 'x') + "\"";
  EXPECT_EQ(call("set", "a", big).error, "");
  EXPECT_EQ(call("set", "b", big).error, "");
  auto full = call("set", "c", big);
  EXPECT_NE(full.error.find("project memory is full"), std::string::npos) << full.error;
  EXPECT_FALSE(call("get", "c").found);
  EXPECT_EQ(call("delete", "a").error, "");
  EXPECT_EQ(call("set", "c", big).error, "");
}

TEST_F(KeyValueToolTest, WithoutProjectMemoryEveryCallSaysHowToEnableIt) {
  auto a = call("get", "k", std::nullopt, std::nullopt, std::nullopt, false);
  EXPECT_EQ(a.error, kMemoryNotEnabled);
  EXPECT_NE(a.error.find("memory: {enabled: true}"), std::string::npos);
  // A bad operation is still named first, so the agent fixes that too.
  EXPECT_NE(call("nope", "k", std::nullopt, std::nullopt, std::nullopt, false).error.find("operation"),
            std::string::npos);
}

TEST_F(KeyValueToolTest, ADeletedFlowAnswersAnError) {
  ASSERT_TRUE(store_->delete_flow(org_, flow_).ok());
  EXPECT_EQ(call("get", "k").error, "this flow no longer exists");
}

TEST_F(KeyValueToolTest, TheFactoryAcceptsOnlyKeyValueRequest) {
  auto factory = make_keyvalue_tool_factory(memory_);
  flow::ListenerSpec l;
  l.name = "kv";
  l.payload_class = "KeyValueRequest";
  EXPECT_TRUE(factory(l, schema_).ok());
  l.payload_class = "Calculate";
  auto bad = factory(l, schema_);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("accepts KeyValueRequest"), std::string::npos);
}

TEST_F(KeyValueToolTest, TheHandlerAnswersItsCaller) {
  auto factory = make_keyvalue_tool_factory(memory_);
  flow::ListenerSpec l;
  l.name = "kv";
  l.payload_class = "KeyValueRequest";
  auto handler = factory(l, schema_);
  ASSERT_TRUE(handler.ok());
  schema::Payload p;
  p.record = schema::zero_record(*schema_.find(schema::kKeyValueRequest));
  *p.record.get("operation") = schema::Value("set");
  *p.record.get("key") = schema::Value("x");
  *p.record.get("value") = schema::Value("[1,2]");
  pump::Message m;
  m.payload = std::make_shared<const schema::Payload>(std::move(p));
  pump::ListenerInfo info;
  info.name = "kv";
  auto out = (*handler)->handle(pump::HandlerContext{m, info});
  ASSERT_FALSE(out.error.has_value());
  ASSERT_EQ(out.emissions.size(), 1u);
  EXPECT_TRUE(out.emissions[0].respond);
  EXPECT_EQ(out.emissions[0].payload->class_name(), "KeyValueResponse");
  EXPECT_EQ(*memory_->get("x"), std::optional<std::string>("[1,2]"));
}

TEST_F(KeyValueToolTest, ModulesSeeTheirOwnKeys) {
  auto a = make_module_kv(memory_, "counter");
  auto b = make_module_kv(memory_, "other");
  ASSERT_TRUE(a->set("n", "1").ok());
  EXPECT_EQ(*a->get("n"), std::optional<std::string>("1"));
  EXPECT_EQ(*b->get("n"), std::nullopt);
  EXPECT_EQ(*memory_->get("wasm:counter:n"), std::optional<std::string>("1"));
  // The tool cannot name a module's keys.
  EXPECT_NE(call("get", "wasm:counter:n").error.find("code blocks"), std::string::npos);
  auto bad = a->set("bin", std::string("\x01\x02", 2));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(make_module_kv(nullptr, "m"), nullptr);
}

TEST(FlowMemory, OnlyAFlowThatEnablesItGetsMemory) {
  auto on = flow::load_organism("memory: {enabled: true, max_bytes: 4096}\nlisteners: []\n");
  ASSERT_TRUE(on.organism);
  EXPECT_TRUE(on.organism->memory.enabled);
  EXPECT_EQ(on.organism->memory.max_bytes, 4096);
  auto off = flow::load_organism("listeners: []\n");
  ASSERT_TRUE(off.organism);
  EXPECT_FALSE(off.organism->memory.enabled);
  EXPECT_EQ(make_flow_memory(nullptr, "o", "f", &*on.organism), nullptr);  // no store
}

TEST(FlowMemory, BadMemorySectionsAreErrorsWithTheirPosition) {
  auto r = flow::load_organism("memory:\n  enabled: yes please\n  max_bytes: 10\n  size: 3\nlisteners: []\n");
  ASSERT_FALSE(r.ok());
  auto has = [&](int line, std::string_view field, std::string_view text) {
    for (const auto& d : r.diagnostics) {
      if (d.line == line && d.field == field && d.message.find(text) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(2, "memory.enabled", "bool"));
  EXPECT_TRUE(has(3, "memory.max_bytes", "1024"));
  EXPECT_TRUE(has(4, "memory.size", "size"));
  auto not_map = flow::load_organism("memory: 5\nlisteners: []\n");
  EXPECT_FALSE(not_map.ok());
}

TEST(FlowMemory, KeyValueWithoutMemoryIsAWarning) {
  auto r = flow::load_organism(
      "listeners:\n  - { name: kv, payload_class: KeyValueRequest, handler: \"tool:keyvalue\", description: X }\n");
  ASSERT_TRUE(r.ok());
  bool warned = false;
  for (const auto& d : r.diagnostics) {
    warned |= d.severity == flow::Diagnostic::Severity::Warning && d.message.find("memory: {enabled: true}") != std::string::npos;
  }
  EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace nextra::memory
