#include "handlers/regex.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <regex>

namespace nextra::handlers {
namespace {

bool search(std::string_view pattern, std::string_view text) {
  auto re = Regex::compile(pattern);
  EXPECT_TRUE(re.ok()) << pattern << ": " << re.error().message;
  return re.ok() && re->search(text);
}

Error compile_error(std::string_view pattern) {
  auto re = Regex::compile(pattern);
  EXPECT_FALSE(re.ok()) << pattern;
  return re.ok() ? Error{} : re.error();
}

TEST(Regex, Basics) {
  EXPECT_TRUE(search("abc", "xxabcxx"));
  EXPECT_FALSE(search("abd", "xxabcxx"));
  EXPECT_TRUE(search("", "anything"));
  EXPECT_TRUE(search("^abc$", "abc"));
  EXPECT_FALSE(search("^abc$", "abcd"));
  EXPECT_FALSE(search("^abc", "xabc"));
  EXPECT_TRUE(search("a.c", "abc"));
  EXPECT_FALSE(search("a.c", "a\nc"));
  EXPECT_TRUE(search("a.c", "aéc"));  // one code point
  EXPECT_TRUE(search("colou?r", "color"));
  EXPECT_TRUE(search("colou?r", "colour"));
  EXPECT_TRUE(search("^(ab)+$", "ababab"));
  EXPECT_FALSE(search("^(ab)+$", "ababa"));
  EXPECT_TRUE(search("^a{2,3}$", "aaa"));
  EXPECT_FALSE(search("^a{2,3}$", "aaaa"));
  EXPECT_TRUE(search("^a{2,}$", "aaaaa"));
  EXPECT_TRUE(search("^a{2}$", "aa"));
  EXPECT_TRUE(search("^(cat|dog)s?$", "dogs"));
  EXPECT_FALSE(search("^(cat|dog)s?$", "cow"));
  EXPECT_TRUE(search("a{,2}", "a{,2}"));  // not a quantifier: literal, as ECMAScript Annex B
  EXPECT_TRUE(search("(?:x|y)z", "yz"));
  EXPECT_TRUE(search("(?<word>ab)c", "abc"));
  EXPECT_TRUE(search("a*?b", "aaab"));
}

TEST(Regex, ClassesAndEscapes) {
  EXPECT_TRUE(search(R"(^\d{3}-\d{4}$)", "555-1234"));
  EXPECT_FALSE(search(R"(^\d+$)", "12a"));
  EXPECT_TRUE(search(R"(^\w+@\w+\.com$)", "ada@example.com"));
  EXPECT_TRUE(search(R"(\s)", "a b"));
  EXPECT_FALSE(search(R"(\S)", " \t\n"));
  EXPECT_TRUE(search(R"(^[a-c]+$)", "abcabc"));
  EXPECT_FALSE(search(R"(^[a-c]+$)", "abcd"));
  EXPECT_TRUE(search(R"(^[^0-9]+$)", "abc"));
  EXPECT_FALSE(search(R"(^[^0-9]+$)", "ab1"));
  EXPECT_TRUE(search(R"([\d.]+)", "3.14"));
  EXPECT_TRUE(search(R"(^[\w-]+$)", "a-b_c"));
  EXPECT_TRUE(search(R"(^[a\-z]+$)", "-"));
  EXPECT_TRUE(search(R"(\$\(\)\[\]\{\}\.\*\+\?\^\|\\)", R"($()[]{}.*+?^|\)"));
  EXPECT_TRUE(search(R"(\x41\u00e9)", "Aé"));
  EXPECT_TRUE(search(R"(\bcat\b)", "a cat sat"));
  EXPECT_FALSE(search(R"(\bcat\b)", "concatenate"));
  EXPECT_TRUE(search(R"(\Bcat\B)", "concatenate"));
  EXPECT_TRUE(search("[é-ë]", "ê"));
  EXPECT_TRUE(search("[^a]", "é"));
}

TEST(Regex, CaseInsensitive) {
  EXPECT_TRUE(search("(?i)^hello$", "HeLLo"));
  EXPECT_TRUE(search("(?i)[a-c]", "B"));
  EXPECT_FALSE(search("(?i)[^a-c]", "B"));
  EXPECT_FALSE(search("^hello$", "HeLLo"));
}

TEST(Regex, UnsupportedAndMalformed) {
  EXPECT_NE(compile_error(R"((a)\1)").message.find("backreferences are not supported"), std::string::npos);
  EXPECT_NE(compile_error("(?=a)").message.find("lookahead"), std::string::npos);
  EXPECT_NE(compile_error("(?<!a)b").message.find("lookahead"), std::string::npos);
  EXPECT_EQ(compile_error("(ab").column, 4);
  EXPECT_EQ(compile_error("ab)").column, 3);
  EXPECT_EQ(compile_error("[ab").column, 1);
  EXPECT_EQ(compile_error("*a").column, 1);
  EXPECT_EQ(compile_error("a**").column, 3);
  EXPECT_EQ(compile_error("^*").column, 2);
  EXPECT_EQ(compile_error("[z-a]").column, 3);
  EXPECT_EQ(compile_error("a{3,2}").column, 2);
  EXPECT_EQ(compile_error(R"(\q)").column, 1);
  EXPECT_EQ(compile_error("a\\").column, 2);
  EXPECT_EQ(compile_error("a{1001}").code, ErrorCode::InvalidArgument);
  EXPECT_EQ(compile_error("(?i)(a").column, 7);
  EXPECT_EQ(compile_error("((a{100}){100}){100}").code, ErrorCode::ResourceExhausted);
  EXPECT_EQ(compile_error(std::string(5000, 'a')).code, ErrorCode::ResourceExhausted);
  EXPECT_EQ(compile_error(std::string(101, '(') + std::string(101, ')')).code, ErrorCode::InvalidArgument);
}

TEST(Regex, LinearTimeOnHostileInput) {
  // Patterns that make a backtracking matcher explode or overflow its stack.
  std::string text(64 * 1024, 'a');
  auto start = std::chrono::steady_clock::now();
  for (const char* p : {"(a|aa)*c", "(a+)+b", "^(a|b)*$", "(.*),(.*)", "a*a*a*a*a*c", "^.*$"}) {
    auto re = Regex::compile(p);
    ASSERT_TRUE(re.ok()) << p;
    bool expect = std::string_view(p) == "^(a|b)*$" || std::string_view(p) == "^.*$";
    EXPECT_EQ(re->search(text), expect) << p;
  }
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(ms, 2000) << "six 64 KiB searches took " << ms << " ms";
}

TEST(Regex, RandomPatternsNeverCrash) {
  std::mt19937 rng(3);
  const char alphabet[] = "()[]{}|*+?.^$\\abdwsBb-,0129:<=!i";
  int compiled = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string p(rng() % 16, ' ');
    for (auto& ch : p) ch = alphabet[rng() % (sizeof(alphabet) - 1)];
    auto re = Regex::compile(p);
    if (!re.ok()) continue;
    ++compiled;
    std::string text(rng() % 24, ' ');
    for (auto& ch : text) ch = "ab01 -,\n"[rng() % 8];
    (void)re->search(text);
  }
  EXPECT_GT(compiled, 1000);
}

// Differential check against std::regex on short inputs, where std::regex is safe.
TEST(Regex, AgreesWithStdRegexOnShortInputs) {
  const char* patterns[] = {"a", "ab*c", "^a|b$", "(a|b)*c", "[abc]{2,3}", "a?b+c*", "^(ab|a)(bc|c)$", "[^a]b",
                            "\\d\\w\\s", "(a*)*b", "\\bab", "ab\\b", "x{0}y", "(|a)b", "a{1,2}?c", "[a-c][^b-d]"};
  std::mt19937 rng(7);
  const char alphabet[] = "abcd 1x";
  for (const char* p : patterns) {
    auto mine = Regex::compile(p);
    ASSERT_TRUE(mine.ok()) << p;
    std::regex theirs(p, std::regex::ECMAScript);
    for (int n = 0; n < 300; ++n) {
      std::string s(rng() % 9, ' ');
      for (auto& ch : s) ch = alphabet[rng() % (sizeof(alphabet) - 1)];
      EXPECT_EQ(mine->search(s), std::regex_search(s, theirs)) << "pattern " << p << " text '" << s << "'";
    }
  }
}

}  // namespace
}  // namespace nextra::handlers
