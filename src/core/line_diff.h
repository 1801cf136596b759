#pragma once
// A line diff between two texts, for `GET /api/flows/{id}/versions/diff` (two versions of a
// flow's YAML). diff_lines() computes a minimal edit script with Myers' O(ND) algorithm (the
// linear-space, middle-snake form) and groups it into hunks with `context` unchanged lines
// around each change, merging changes that are at most 2*context lines apart, as `diff -u`
// does. unified_diff() prints the result the way `diff -u --label from --label to` does.
//
// Lines: inputs are split on '\n'; a '\r' before it stays part of the line. A final line
// without '\n' is a different line from the same text with '\n' (as in diff), and is marked
// no_newline_at_end so the "\ No newline at end of file" marker can be printed.
//
// Bounds, so a huge or pathological input cannot stall a request:
//  - if either input has more than max_lines lines, the result is one hunk that removes every
//    old line and adds every new line (no context);
//  - past an internal work budget (tens of millions of comparisons), the regions still being
//    compared are reported as replaced wholesale. The diff is then still correct (applying it
//    turns old into new) but not minimal.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nextra {

struct DiffLine {
  char op = ' ';  // ' ' unchanged, '-' removed, '+' added
  std::string text;  // without the '\n'
  int old_line = 0;  // 1-based; 0 when absent on that side
  int new_line = 0;
  bool no_newline_at_end = false;  // the last line of its text, with no '\n' after it
};

struct DiffHunk {
  // As in a "@@ -old_start,old_count +new_start,new_count @@" header: 1-based first line;
  // when a count is 0 the start is the line after which the change happens (0 = before the
  // first line).
  int old_start = 0;
  int old_count = 0;
  int new_start = 0;
  int new_count = 0;
  std::vector<DiffLine> lines;
};

struct LineDiff {
  std::vector<DiffHunk> hunks;  // empty when the inputs are identical
  int added = 0;                // '+' lines
  int removed = 0;              // '-' lines
};

LineDiff diff_lines(std::string_view old_text, std::string_view new_text, int context = 3,
                    std::size_t max_lines = 100000);

// Unified diff text: "--- from_label" and "+++ to_label" headers (no timestamps), then each
// hunk. Empty when the diff has no hunks (as diff prints nothing for equal files).
std::string unified_diff(const LineDiff& diff, std::string_view from_label,
                         std::string_view to_label);

}  // namespace nextra
