#include "vault/redactor.h"

#include <atomic>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace nextra::vault {
namespace {

TEST(Redactor, EmptyRedactorReturnsInput) {
  Redactor r;
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.redact("hello"), "hello");
}

TEST(Redactor, ReplacesEveryOccurrence) {
  Redactor r;
  r.add("DB_PASSWORD", "s3cr3t!");
  EXPECT_FALSE(r.empty());
  EXPECT_EQ(r.redact("pw=s3cr3t! again s3cr3t!s3cr3t!"),
            "pw=[secret:DB_PASSWORD] again [secret:DB_PASSWORD][secret:DB_PASSWORD]");
  EXPECT_EQ(r.redact("nothing here"), "nothing here");
}

TEST(Redactor, IgnoresShortValues) {
  Redactor r;
  r.add("A", "abc");
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.redact("abc abc"), "abc abc");
  r.add("B", "abcd");
  EXPECT_EQ(r.redact("abcd"), "[secret:B]");
  // Replacing a value with a short one drops the old value.
  r.add("B", "x");
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.redact("abcd"), "abcd");
}

TEST(Redactor, OverlappingValuesLongestFirst) {
  Redactor r;
  r.add("SHORT", "token");
  r.add("LONG", "token-12345");
  EXPECT_EQ(r.redact("a token-12345 b token c"), "a [secret:LONG] b [secret:SHORT] c");

  // Partial overlap: no fragment of either value survives.
  Redactor p;
  p.add("X", "abcdef");
  p.add("Y", "defghijk");
  EXPECT_EQ(p.redact("<abcdefghijk>"), "<[secret:Y]>");
  EXPECT_EQ(p.redact("<abcdef> <defghijk>"), "<[secret:X]> <[secret:Y]>");
}

TEST(Redactor, ReplaceAndRemove) {
  Redactor r;
  r.add("K", "first-value");
  r.add("K", "second-value");
  EXPECT_EQ(r.redact("first-value second-value"), "first-value [secret:K]");
  r.remove("K");
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.redact("second-value"), "second-value");
  r.remove("never-added");
}

TEST(Redactor, ConcurrentAddAndRedact) {
  Redactor r;
  r.add("BASE", "base-secret");
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 2000; ++i) {
      r.add("S" + std::to_string(i % 50), "value-" + std::to_string(i));
      if (i % 7 == 0) r.remove("S" + std::to_string((i / 7) % 50));
    }
    done = true;
  });
  int rounds = 0;
  while (!done || rounds < 100) {
    std::string out = r.redact("log line with base-secret and value-1999 and value-3");
    EXPECT_EQ(out.find("base-secret"), std::string::npos);
    ++rounds;
  }
  writer.join();
  EXPECT_EQ(r.redact("value-1999"), "[secret:S49]");
}

}  // namespace
}  // namespace nextra::vault
