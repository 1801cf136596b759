#include "wasm/wit.h"

#include <gtest/gtest.h>

#include "wasm/test_support.h"
#include "wasm/upload_check.h"
#include "wasm/wabt_sandbox.h"

namespace nextra::wasm {
namespace {

constexpr const char* kShout = R"(
package nextra:example@0.1.0;

/* A module that shouts. */
interface shout {
  record shout-request { text: string, times: s32, loud: bool, ratio: float64, tags: list<string>, }
  record shout-response { text: string }
  handle: func(req: shout-request) -> shout-response;  // the JSON ABI entry point
}
)";

TEST(Wit, ParsesTheSubset) {
  auto doc = parse_wit(kShout);
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  ASSERT_EQ(doc->records.size(), 2u);
  EXPECT_EQ(doc->records[0].name, "shout-request");
  ASSERT_EQ(doc->records[0].fields.size(), 5u);
  EXPECT_EQ(doc->records[0].fields[4].type, WitType::ListString);
  ASSERT_EQ(doc->functions.size(), 1u);
  EXPECT_EQ(doc->functions[0].input, "shout-request");
  EXPECT_EQ(doc->functions[0].output, "shout-response");
}

TEST(Wit, InputRecordBecomesAPayloadClass) {
  auto doc = parse_wit(kShout);
  ASSERT_TRUE(doc.ok());
  auto cls = input_payload_class(*doc);
  ASSERT_TRUE(cls.ok()) << cls.error().message;
  EXPECT_EQ(cls->name, "ShoutRequest");
  std::vector<std::pair<std::string, std::string>> fields;
  for (const auto& f : cls->fields) fields.emplace_back(f.name, f.type);
  EXPECT_EQ(fields, (std::vector<std::pair<std::string, std::string>>{
                        {"text", "string"}, {"times", "int"}, {"loud", "bool"}, {"ratio", "decimal"}, {"tags", "list<string>"}}));
  EXPECT_EQ(input_payload_class(*doc, "nope").ok(), true);  // the only function is the default
}

TEST(Wit, WorldWithExportsAndForwardRecords) {
  auto doc = parse_wit(R"(world w { export run-it: func(r: in-rec) -> out-rec; record in-rec { a-b: u32 } record out-rec { } })");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(export_name(doc->functions[0].name), "run_it");
  auto cls = input_payload_class(*doc, "run-it");
  ASSERT_TRUE(cls.ok());
  EXPECT_EQ(cls->name, "InRec");
  EXPECT_EQ(cls->fields[0].name, "a_b");
}

void expect_wit_error(std::string_view text, int line, const std::string& message) {
  auto doc = parse_wit(text);
  ASSERT_FALSE(doc.ok()) << text;
  EXPECT_EQ(doc.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(doc.error().line, line) << doc.error().message;
  EXPECT_NE(doc.error().message.find(message), std::string::npos) << doc.error().message;
}

TEST(Wit, ErrorsNameLineAndProblem) {
  expect_wit_error("record r {\n  x: u8\n}", 2, "type 'u8' is not in the supported subset");
  expect_wit_error("record r { x: list<s32> }", 1, "list<s32> is not in the supported subset");
  expect_wit_error("record r { x: string, x: bool }", 1, "field 'x' is declared twice");
  expect_wit_error("f: func(a: r) -> r;", 1, "'r' is not a record declared here");
  expect_wit_error("record r {}\nf: func(a: r, b: r) -> r;", 2, "must take exactly one record");
  expect_wit_error("record r {}\nf: func(a: r);", 2, "must return a record");
  expect_wit_error("interface i {\n record r {}", 2, "missing '}'");
  expect_wit_error("record r { x: string } $", 1, "unexpected character '$'");
  expect_wit_error("/* never closed", 1, "unterminated comment");
}

TEST(Wit, CheckedAgainstTheModuleExports) {
  auto sandbox = make_wabt_sandbox();
  auto m = sandbox->compile(testing::module_bytes("echo"), Limits{});
  ASSERT_TRUE(m.ok()) << m.error().message;
  auto good = parse_wit("record r { a: string } handle: func(x: r) -> r;");
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(check_exports(*good, (*m)->info()).ok());

  auto missing = parse_wit("record r { a: string } handle-other: func(x: r) -> r;");
  ASSERT_TRUE(missing.ok());
  auto st = check_exports(*missing, (*m)->info());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "the module does not export the function 'handle_other' (i32, i32) -> (i64)");

  auto mistyped = parse_wit("record r { a: string } alloc: func(x: r) -> r;");
  ASSERT_TRUE(mistyped.ok());
  st = check_exports(*mistyped, (*m)->info());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "export 'alloc' has the type (i32) -> (i32), expected (i32, i32) -> (i64)");
}

TEST(Wit, UploadCheckNamesTheFailingPart) {
  auto sandbox = make_wabt_sandbox();
  const std::string bytes = testing::module_bytes("shout");
  auto ok = check_upload(*sandbox, bytes, kShout, Limits{});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->input_class.name, "ShoutRequest");
  EXPECT_EQ(ok->output_class.name, "ShoutResponse");
  auto bad_module = check_upload(*sandbox, "junk", kShout, Limits{});
  ASSERT_FALSE(bad_module.ok());
  EXPECT_EQ(bad_module.error().field, "module");
  auto bad_wit = check_upload(*sandbox, bytes, "record r {\n x: char }", Limits{});
  ASSERT_FALSE(bad_wit.ok());
  EXPECT_EQ(bad_wit.error().field, "wit");
  EXPECT_EQ(bad_wit.error().line, 2);
}

TEST(Wit, SizeLimit) {
  auto doc = parse_wit(std::string(kMaxWitBytes + 1, ' '));
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().code, ErrorCode::ResourceExhausted);
}

}  // namespace
}  // namespace nextra::wasm
