#include "core/line_diff.h"

#include <string>

#include <gtest/gtest.h>

namespace nextra {
namespace {

std::string numbered(int from, int to) {
  std::string s;
  for (int i = from; i <= to; ++i) s += std::to_string(i) + "\n";
  return s;
}

// Applies the diff's hunks to `old_text` and checks the result equals `new_text`
// (all inputs in these tests end in '\n').
std::string apply_diff(const LineDiff& d, std::string_view old_text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < old_text.size()) {
    std::size_t nl = old_text.find('\n', start);
    lines.emplace_back(old_text.substr(start, nl - start));
    start = nl + 1;
  }
  std::string out;
  int next = 1;  // next old line to copy
  for (const DiffHunk& h : d.hunks) {
    int first_old = h.old_count > 0 ? h.old_start : h.old_start + 1;
    for (; next < first_old; ++next) out += lines[next - 1] + "\n";
    for (const DiffLine& l : h.lines) {
      if (l.op != '-') out += l.text + "\n";
      if (l.op != '+') ++next;
    }
  }
  for (; next <= static_cast<int>(lines.size()); ++next) out += lines[next - 1] + "\n";
  return out;
}

TEST(LineDiff, IdenticalInputsHaveNoHunks) {
  LineDiff d = diff_lines("a\nb\n", "a\nb\n");
  EXPECT_TRUE(d.hunks.empty());
  EXPECT_EQ(d.added, 0);
  EXPECT_EQ(d.removed, 0);
  EXPECT_EQ(unified_diff(d, "a", "b"), "");
  EXPECT_TRUE(diff_lines("", "").hunks.empty());
}

TEST(LineDiff, PureInsert) {
  std::string old_text = numbered(1, 10);
  std::string new_text = numbered(1, 5) + "x\ny\n" + numbered(6, 10);
  LineDiff d = diff_lines(old_text, new_text);
  ASSERT_EQ(d.hunks.size(), 1u);
  EXPECT_EQ(d.added, 2);
  EXPECT_EQ(d.removed, 0);
  const DiffHunk& h = d.hunks[0];
  EXPECT_EQ(h.old_start, 3);
  EXPECT_EQ(h.old_count, 6);
  EXPECT_EQ(h.new_start, 3);
  EXPECT_EQ(h.new_count, 8);
  ASSERT_EQ(h.lines.size(), 8u);
  EXPECT_EQ(h.lines[3].op, '+');
  EXPECT_EQ(h.lines[3].text, "x");
  EXPECT_EQ(h.lines[3].old_line, 0);
  EXPECT_EQ(h.lines[3].new_line, 6);
  EXPECT_EQ(h.lines[5].op, ' ');
  EXPECT_EQ(h.lines[5].old_line, 6);
  EXPECT_EQ(h.lines[5].new_line, 8);
  EXPECT_EQ(apply_diff(d, old_text), new_text);

  // With no context, an insertion's old range is "after line 5".
  LineDiff d0 = diff_lines(old_text, new_text, 0);
  ASSERT_EQ(d0.hunks.size(), 1u);
  EXPECT_EQ(unified_diff(d0, "o", "n"), "--- o\n+++ n\n@@ -5,0 +6,2 @@\n+x\n+y\n");
}

TEST(LineDiff, PureDelete) {
  std::string old_text = numbered(1, 10);
  std::string new_text = numbered(1, 3) + numbered(8, 10);
  LineDiff d = diff_lines(old_text, new_text);
  ASSERT_EQ(d.hunks.size(), 1u);
  EXPECT_EQ(d.added, 0);
  EXPECT_EQ(d.removed, 4);
  EXPECT_EQ(unified_diff(d, "o", "n"),
            "--- o\n+++ n\n@@ -1,10 +1,6 @@\n 1\n 2\n 3\n-4\n-5\n-6\n-7\n 8\n 9\n 10\n");
  EXPECT_EQ(apply_diff(d, old_text), new_text);
}

TEST(LineDiff, ReplaceInTheMiddleWithContext3) {
  std::string old_text = numbered(1, 20);
  std::string new_text = numbered(1, 9) + "ten\n" + numbered(11, 20);
  LineDiff d = diff_lines(old_text, new_text, 3);
  ASSERT_EQ(d.hunks.size(), 1u);
  EXPECT_EQ(d.added, 1);
  EXPECT_EQ(d.removed, 1);
  EXPECT_EQ(unified_diff(d, "o", "n"),
            "--- o\n+++ n\n@@ -7,7 +7,7 @@\n 7\n 8\n 9\n-10\n+ten\n 11\n 12\n 13\n");
  const DiffHunk& h = d.hunks[0];
  EXPECT_EQ(h.lines[3].old_line, 10);
  EXPECT_EQ(h.lines[3].new_line, 0);
  EXPECT_EQ(h.lines[4].old_line, 0);
  EXPECT_EQ(h.lines[4].new_line, 10);
}

TEST(LineDiff, TwoFarApartChangesGiveTwoHunks) {
  std::string old_text = numbered(1, 20);
  std::string with_gap7 = numbered(1, 3) + "four\n" + numbered(5, 11) + "twelve\n" +
                          numbered(13, 20);
  LineDiff d = diff_lines(old_text, with_gap7);
  ASSERT_EQ(d.hunks.size(), 2u);
  EXPECT_EQ(d.hunks[0].old_start, 1);
  EXPECT_EQ(d.hunks[0].old_count, 7);
  EXPECT_EQ(d.hunks[1].old_start, 9);
  EXPECT_EQ(d.hunks[1].old_count, 7);
  EXPECT_EQ(apply_diff(d, old_text), with_gap7);

  // Six unchanged lines between changes: the contexts touch, one hunk (as diff -u).
  std::string with_gap6 = numbered(1, 3) + "four\n" + numbered(5, 10) + "eleven\n" +
                          numbered(12, 20);
  LineDiff one = diff_lines(old_text, with_gap6);
  ASSERT_EQ(one.hunks.size(), 1u);
  EXPECT_EQ(one.hunks[0].old_count, 14);
}

TEST(LineDiff, EmptyOldOrNew) {
  LineDiff added = diff_lines("", "a\nb\n");
  EXPECT_EQ(added.added, 2);
  EXPECT_EQ(unified_diff(added, "o", "n"), "--- o\n+++ n\n@@ -0,0 +1,2 @@\n+a\n+b\n");
  LineDiff removed = diff_lines("a\nb\n", "");
  EXPECT_EQ(removed.removed, 2);
  EXPECT_EQ(unified_diff(removed, "o", "n"), "--- o\n+++ n\n@@ -1,2 +0,0 @@\n-a\n-b\n");
  LineDiff one = diff_lines("", "x");
  EXPECT_EQ(unified_diff(one, "o", "n"),
            "--- o\n+++ n\n@@ -0,0 +1 @@\n+x\n\\ No newline at end of file\n");
}

TEST(LineDiff, CarriageReturnIsPartOfTheLine) {
  LineDiff d = diff_lines("a\r\nb\n", "a\nb\n");
  ASSERT_EQ(d.hunks.size(), 1u);
  EXPECT_EQ(d.removed, 1);
  EXPECT_EQ(d.hunks[0].lines[0].text, "a\r");
}

// Expected text produced by: diff -u --label old.yaml --label new.yaml old.yaml new.yaml
TEST(LineDiff, UnifiedTextMatchesDiffU) {
  const std::string old_yaml =
      "name: billing\nversion: 1\nsteps:\n  - id: fetch\n    url: http://a\n"
      "  - id: parse\n    kind: json\n  - id: store\n    table: invoices\n"
      "  - id: notify\n    to: ops\nend: true\n";
  const std::string new_yaml =
      "name: billing\nversion: 2\nsteps:\n  - id: fetch\n    url: http://a\n"
      "  - id: parse\n    kind: json\n  - id: store\n    table: invoices\n"
      "  - id: audit\n    level: info\n  - id: notify\n    to: ops\nend: true";
  const std::string expected =
      "--- old.yaml\n"
      "+++ new.yaml\n"
      "@@ -1,5 +1,5 @@\n"
      " name: billing\n"
      "-version: 1\n"
      "+version: 2\n"
      " steps:\n"
      "   - id: fetch\n"
      "     url: http://a\n"
      "@@ -7,6 +7,8 @@\n"
      "     kind: json\n"
      "   - id: store\n"
      "     table: invoices\n"
      "+  - id: audit\n"
      "+    level: info\n"
      "   - id: notify\n"
      "     to: ops\n"
      "-end: true\n"
      "+end: true\n"
      "\\ No newline at end of file\n";
  LineDiff d = diff_lines(old_yaml, new_yaml);
  EXPECT_EQ(d.added, 4);
  EXPECT_EQ(d.removed, 2);
  EXPECT_EQ(unified_diff(d, "old.yaml", "new.yaml"), expected);
}

TEST(LineDiff, MinimalOnInterleavedChanges) {
  // Myers finds the shortest edit script: abcabba -> cbabac takes 5 edits.
  auto lines = [](std::string_view s) {
    std::string out;
    for (char c : s) (out += c) += '\n';
    return out;
  };
  LineDiff d = diff_lines(lines("abcabba"), lines("cbabac"));
  EXPECT_EQ(d.added + d.removed, 5);
  EXPECT_EQ(apply_diff(d, lines("abcabba")), lines("cbabac"));
}

TEST(LineDiff, OverMaxLinesIsOneReplacingHunk) {
  std::string old_text = numbered(1, 10);
  std::string new_text = numbered(1, 9) + "x\n";
  LineDiff d = diff_lines(old_text, new_text, 3, 5);
  ASSERT_EQ(d.hunks.size(), 1u);
  EXPECT_EQ(d.removed, 10);
  EXPECT_EQ(d.added, 10);
  EXPECT_EQ(d.hunks[0].old_start, 1);
  EXPECT_EQ(d.hunks[0].old_count, 10);
  EXPECT_EQ(d.hunks[0].new_count, 10);
  EXPECT_EQ(apply_diff(d, old_text), new_text);
}

TEST(LineDiff, LargeInputsStayCorrect) {
  std::string old_text;
  std::string new_text;
  for (int i = 0; i < 5000; ++i) {
    old_text += "line " + std::to_string(i) + "\n";
    if (i % 97 == 0) new_text += "changed " + std::to_string(i) + "\n";
    else if (i % 89 != 0) new_text += "line " + std::to_string(i) + "\n";
  }
  LineDiff d = diff_lines(old_text, new_text);
  EXPECT_EQ(apply_diff(d, old_text), new_text);
  // Completely different texts: everything replaced.
  std::string other;
  for (int i = 0; i < 3000; ++i) other += "other " + std::to_string(i) + "\n";
  LineDiff all = diff_lines(old_text, other);
  EXPECT_EQ(all.removed, 5000);
  EXPECT_EQ(all.added, 3000);
  EXPECT_EQ(apply_diff(all, old_text), other);
}

}  // namespace
}  // namespace nextra
