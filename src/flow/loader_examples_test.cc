// The flows under examples/ are what users copy first: each must load, and the one that
// demonstrates a run-time peer violation must say so with a warning, not an error.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "flow/loader.h"
#include "flow/loader_test_util.h"

namespace nextra::flow {
namespace {

using testing_util::dump;
using testing_util::has_warning;

std::filesystem::path examples_dir() {
  const char* env = std::getenv("NEXTRA_SOURCE_DIR");
  return std::filesystem::path(env ? env : NEXTRA_DEFAULT_SOURCE_DIR) / "examples";
}

TEST(LoadExamples, EveryExampleLoads) {
  std::error_code ec;
  int seen = 0;
  for (const auto& dir : std::filesystem::directory_iterator(examples_dir(), ec)) {
    auto file = dir.path() / "organism.yaml";
    if (!std::filesystem::exists(file)) continue;
    ++seen;
    auto r = load_organism_file(file.string());
    EXPECT_TRUE(r.ok()) << file << "\n" << dump(r);
  }
  if (seen == 0) GTEST_SKIP() << "no examples under " << examples_dir();
}

TEST(LoadExamples, PeerViolationIsAWarning) {
  auto file = examples_dir() / "peer-violation" / "organism.yaml";
  if (!std::filesystem::exists(file)) GTEST_SKIP() << file << " is missing";
  auto r = load_organism_file(file.string());
  ASSERT_TRUE(r.ok()) << dump(r);
  ASSERT_EQ(r.diagnostics.size(), 1u) << dump(r);
  EXPECT_NE(r.diagnostics[0].message.find("target 'vault' is not among the peers of 'agent'"), std::string::npos)
      << dump(r);
  EXPECT_EQ(r.diagnostics[0].severity, Diagnostic::Severity::Warning);
}

}  // namespace
}  // namespace nextra::flow
