#include "core/line_diff.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

namespace nextra {
namespace {

struct Line {
  std::string_view text;
  bool no_newline = false;
};

std::vector<Line> split_lines(std::string_view s) {
  std::vector<Line> out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) {
      out.push_back({s.substr(start), true});
      break;
    }
    out.push_back({s.substr(start, nl - start), false});
    start = nl + 1;
  }
  return out;
}

// Comparisons (diagonal steps plus snake steps) before the remaining regions are reported as
// replaced instead of diffed minimally.
constexpr std::int64_t kWorkBudget = 50'000'000;

// Linear-space Myers: finds the middle snake of a region, splits there and recurses. Marks
// removed old lines in `del` and added new lines in `ins`.
class Myers {
 public:
  Myers(const std::vector<int>& a, const std::vector<int>& b)
      : a_(a), b_(b), del_(a.size(), false), ins_(b.size(), false) {}

  void compare(int alo, int ahi, int blo, int bhi) {
    while (alo < ahi && blo < bhi && a_[alo] == b_[blo]) ++alo, ++blo;
    while (alo < ahi && blo < bhi && a_[ahi - 1] == b_[bhi - 1]) --ahi, --bhi;
    if (alo == ahi || blo == bhi) {
      replace(alo, ahi, blo, bhi);
      return;
    }
    int x = 0;
    int y = 0;
    bool found = bisect(alo, ahi, blo, bhi, x, y);
    if (!found || (x == alo && y == blo) || (x == ahi && y == bhi)) {
      replace(alo, ahi, blo, bhi);
      return;
    }
    compare(alo, x, blo, y);
    compare(x, ahi, y, bhi);
  }

  const std::vector<bool>& removed() const { return del_; }
  const std::vector<bool>& added() const { return ins_; }

 private:
  void replace(int alo, int ahi, int blo, int bhi) {
    for (int i = alo; i < ahi; ++i) del_[i] = true;
    for (int j = blo; j < bhi; ++j) ins_[j] = true;
  }

  // Searches forward from the region's start and backward from its end at the same time
  // until the paths overlap; (x, y) is then the overlap point. False when the work budget
  // runs out (or, defensively, when no overlap is found).
  bool bisect(int alo, int ahi, int blo, int bhi, int& x_out, int& y_out) {
    const int n = ahi - alo;
    const int m = bhi - blo;
    const int max_d = (n + m + 1) / 2;
    const int offset = max_d;
    const int length = 2 * max_d + 2;
    std::vector<int> v1(length, -1);
    std::vector<int> v2(length, -1);
    v1[offset + 1] = 0;
    v2[offset + 1] = 0;
    const int delta = n - m;
    const bool front = (delta % 2) != 0;  // the forward path overlaps first when odd
    int k1start = 0, k1end = 0, k2start = 0, k2end = 0;
    auto A = [&](int i) { return a_[alo + i]; };
    auto B = [&](int j) { return b_[blo + j]; };

    for (int d = 0; d < max_d; ++d) {
      if (budget_ <= 0) return false;
      for (int k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
        const int k1o = offset + k1;
        int x1 = (k1 == -d || (k1 != d && v1[k1o - 1] < v1[k1o + 1])) ? v1[k1o + 1]
                                                                      : v1[k1o - 1] + 1;
        int y1 = x1 - k1;
        while (x1 < n && y1 < m && A(x1) == B(y1)) ++x1, ++y1, --budget_;
        --budget_;
        v1[k1o] = x1;
        if (x1 > n) {
          k1end += 2;  // ran off the right
        } else if (y1 > m) {
          k1start += 2;  // ran off the bottom
        } else if (front) {
          const int k2o = offset + delta - k1;
          if (k2o >= 0 && k2o < length && v2[k2o] != -1 && x1 >= n - v2[k2o]) {
            x_out = alo + x1;
            y_out = blo + y1;
            return true;
          }
        }
      }
      for (int k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
        const int k2o = offset + k2;
        int x2 = (k2 == -d || (k2 != d && v2[k2o - 1] < v2[k2o + 1])) ? v2[k2o + 1]
                                                                      : v2[k2o - 1] + 1;
        int y2 = x2 - k2;
        while (x2 < n && y2 < m && A(n - x2 - 1) == B(m - y2 - 1)) ++x2, ++y2, --budget_;
        --budget_;
        v2[k2o] = x2;
        if (x2 > n) {
          k2end += 2;
        } else if (y2 > m) {
          k2start += 2;
        } else if (!front) {
          const int k1o = offset + delta - k2;
          if (k1o >= 0 && k1o < length && v1[k1o] != -1) {
            const int x1 = v1[k1o];
            const int y1 = offset + x1 - k1o;
            if (x1 >= n - x2) {
              x_out = alo + x1;
              y_out = blo + y1;
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  const std::vector<int>& a_;
  const std::vector<int>& b_;
  std::vector<bool> del_;
  std::vector<bool> ins_;
  std::int64_t budget_ = kWorkBudget;
};

// One entry of the full edit script, with the number of old/new lines before it.
struct Step {
  char op;
  int old_index;  // index into the old lines (valid for ' ' and '-')
  int new_index;  // index into the new lines (valid for ' ' and '+')
};

DiffLine make_line(char op, const Line& line, int old_line, int new_line) {
  return DiffLine{op, std::string(line.text), old_line, new_line, line.no_newline};
}

LineDiff replace_everything(const std::vector<Line>& a, const std::vector<Line>& b) {
  LineDiff out;
  if (a.empty() && b.empty()) return out;
  DiffHunk hunk;
  hunk.old_count = static_cast<int>(a.size());
  hunk.new_count = static_cast<int>(b.size());
  hunk.old_start = a.empty() ? 0 : 1;
  hunk.new_start = b.empty() ? 0 : 1;
  hunk.lines.reserve(a.size() + b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    hunk.lines.push_back(make_line('-', a[i], static_cast<int>(i) + 1, 0));
  }
  for (std::size_t j = 0; j < b.size(); ++j) {
    hunk.lines.push_back(make_line('+', b[j], 0, static_cast<int>(j) + 1));
  }
  out.removed = hunk.old_count;
  out.added = hunk.new_count;
  out.hunks.push_back(std::move(hunk));
  return out;
}

}  // namespace

LineDiff diff_lines(std::string_view old_text, std::string_view new_text, int context,
                    std::size_t max_lines) {
  if (old_text == new_text) return {};
  const std::vector<Line> a = split_lines(old_text);
  const std::vector<Line> b = split_lines(new_text);
  if (a.size() > max_lines || b.size() > max_lines) return replace_everything(a, b);
  if (context < 0) context = 0;

  // Lines become integers so the diff compares ints; a last line without '\n' gets its own id.
  std::unordered_map<std::string_view, int> ids[2];
  auto id_of = [&](const Line& line) {
    auto& map = ids[line.no_newline ? 1 : 0];
    auto [it, inserted] = map.try_emplace(line.text, 0);
    if (inserted) it->second = static_cast<int>(ids[0].size() + ids[1].size());
    return it->second;
  };
  std::vector<int> ai(a.size());
  std::vector<int> bi(b.size());
  for (std::size_t i = 0; i < a.size(); ++i) ai[i] = id_of(a[i]);
  for (std::size_t j = 0; j < b.size(); ++j) bi[j] = id_of(b[j]);

  Myers myers(ai, bi);
  myers.compare(0, static_cast<int>(a.size()), 0, static_cast<int>(b.size()));
  const std::vector<bool>& del = myers.removed();
  const std::vector<bool>& ins = myers.added();

  // The full script; within a change, removals come before additions (as diff prints them).
  std::vector<Step> steps;
  steps.reserve(a.size() + b.size());
  int i = 0;
  int j = 0;
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  while (i < n || j < m) {
    if (i < n && del[i]) {
      steps.push_back({'-', i++, j});
    } else if (j < m && ins[j]) {
      steps.push_back({'+', i, j++});
    } else {
      steps.push_back({' ', i++, j++});
    }
  }

  LineDiff out;
  const int total = static_cast<int>(steps.size());
  int s = 0;
  while (s < total) {
    while (s < total && steps[s].op == ' ') ++s;
    if (s == total) break;
    // [first, last] are the first and last changed steps of this hunk.
    const int first = s;
    int last = s;
    int k = s;
    while (k < total) {
      if (steps[k].op != ' ') {
        last = k;
        ++k;
        continue;
      }
      int next = k;
      while (next < total && steps[next].op == ' ') ++next;
      if (next == total || next - k > 2 * context) break;
      k = next;
    }
    const int begin = std::max(0, first - context);
    const int end = std::min(total, last + context + 1);

    DiffHunk hunk;
    for (int t = begin; t < end; ++t) {
      const Step& st = steps[t];
      switch (st.op) {
        case ' ':
          hunk.lines.push_back(make_line(' ', a[st.old_index], st.old_index + 1, st.new_index + 1));
          ++hunk.old_count;
          ++hunk.new_count;
          break;
        case '-':
          hunk.lines.push_back(make_line('-', a[st.old_index], st.old_index + 1, 0));
          ++hunk.old_count;
          ++out.removed;
          break;
        default:
          hunk.lines.push_back(make_line('+', b[st.new_index], 0, st.new_index + 1));
          ++hunk.new_count;
          ++out.added;
          break;
      }
    }
    hunk.old_start = steps[begin].old_index + (hunk.old_count > 0 ? 1 : 0);
    hunk.new_start = steps[begin].new_index + (hunk.new_count > 0 ? 1 : 0);
    out.hunks.push_back(std::move(hunk));
    s = end;
  }
  return out;
}

std::string unified_diff(const LineDiff& diff, std::string_view from_label,
                         std::string_view to_label) {
  if (diff.hunks.empty()) return {};
  std::string out;
  out.append("--- ").append(from_label).append("\n");
  out.append("+++ ").append(to_label).append("\n");
  auto range = [&](char sign, int start, int count) {
    out.push_back(sign);
    out.append(std::to_string(start));
    if (count != 1) out.append(",").append(std::to_string(count));
  };
  for (const DiffHunk& hunk : diff.hunks) {
    out.append("@@ ");
    range('-', hunk.old_start, hunk.old_count);
    out.push_back(' ');
    range('+', hunk.new_start, hunk.new_count);
    out.append(" @@\n");
    for (const DiffLine& line : hunk.lines) {
      out.push_back(line.op);
      out.append(line.text);
      out.push_back('\n');
      if (line.no_newline_at_end) out.append("\\ No newline at end of file\n");
    }
  }
  return out;
}

}  // namespace nextra
