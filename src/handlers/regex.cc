#include "handlers/regex.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "schema/utf8.h"

namespace nextra::handlers {
namespace utf8 = schema::utf8;
namespace {

constexpr size_t kMaxPattern = 4096;
constexpr size_t kMaxProgram = 20000;
constexpr int kMaxRepeat = 1000;
constexpr int kMaxNesting = 100;
constexpr char32_t kMaxCodePoint = 0x10FFFF;

using Ranges = std::vector<std::pair<char32_t, char32_t>>;

enum class Op : std::uint8_t { Char, Any, Class, Split, Jmp, Begin, End, WordB, NotWordB, Match };

struct Inst {
  Op op;
  std::uint32_t a = 0;  // Char: code point; Class: class index; Split/Jmp: target
  std::uint32_t b = 0;  // Split: second target
};

Ranges normalized(Ranges r) {
  std::sort(r.begin(), r.end());
  Ranges out;
  for (const auto& x : r) {
    if (!out.empty() && x.first <= out.back().second + 1) out.back().second = std::max(out.back().second, x.second);
    else out.push_back(x);
  }
  return out;
}

Ranges complement(const Ranges& in) {
  Ranges r = normalized(in), out;
  char32_t next = 0;
  for (const auto& [lo, hi] : r) {
    if (lo > next) out.emplace_back(next, lo - 1);
    next = hi + 1;
  }
  if (next <= kMaxCodePoint) out.emplace_back(next, kMaxCodePoint);
  return out;
}

Ranges digit_ranges() { return {{'0', '9'}}; }
Ranges word_ranges() { return {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}; }
Ranges space_ranges() {
  return {{'\t', '\r'}, {' ', ' '}, {0xA0, 0xA0}, {0x1680, 0x1680}, {0x2000, 0x200A}, {0x2028, 0x2029},
          {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}, {0xFEFF, 0xFEFF}};
}

// Adds the other ASCII case of every letter in the ranges.
Ranges case_folded(const Ranges& in) {
  Ranges out = in;
  for (const auto& range : in) {
    const char32_t lo = range.first, hi = range.second;  // clang 14 cannot capture structured bindings
    auto add = [&](char32_t a, char32_t z, int delta) {
      char32_t l = std::max(lo, a), h = std::min(hi, z);
      if (l <= h) out.emplace_back(l + static_cast<char32_t>(delta), h + static_cast<char32_t>(delta));
    };
    add('a', 'z', 'A' - 'a');
    add('A', 'Z', 'a' - 'A');
  }
  return normalized(std::move(out));
}

bool is_word(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

struct Node {
  enum Kind { Empty, Char, Any, Class, Begin, End, WordB, NotWordB, Cat, Alt, Repeat } kind = Empty;
  char32_t cp = 0;
  int cls = -1;
  int min = 0, max = 0;  // Repeat; max -1 = unbounded
  std::vector<int> kids;
};

class Parser {
 public:
  Parser(std::string_view p, bool icase) : p_(p), icase_(icase) {}

  Result<int> parse() {
    auto r = alt(0);
    if (!r.ok()) return r;
    if (i_ < p_.size()) return fail(p_[i_] == ')' ? "unmatched ')'" : "unexpected character");
    return r;
  }

  std::vector<Node> nodes;
  std::vector<Ranges> classes;

 private:
  Error fail(std::string msg) const {
    Error e = Error::invalid("regex: " + std::move(msg) + " at column " + std::to_string(i_ + 1));
    e.column = static_cast<int>(i_) + 1;
    return e;
  }

  int add(Node n) {
    nodes.push_back(std::move(n));
    return static_cast<int>(nodes.size()) - 1;
  }

  int add_class(Ranges r, bool negate) {
    if (icase_) r = case_folded(r);
    r = negate ? complement(r) : normalized(std::move(r));
    classes.push_back(std::move(r));
    Node n;
    n.kind = Node::Class;
    n.cls = static_cast<int>(classes.size()) - 1;
    return add(std::move(n));
  }

  int add_char(char32_t c) {
    if (icase_ && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return add_class({{c, c}}, false);
    Node n;
    n.kind = Node::Char;
    n.cp = c;
    return add(std::move(n));
  }

  Result<int> alt(int depth) {
    if (depth > kMaxNesting) return fail("groups nest too deeply");
    std::vector<int> branches;
    for (;;) {
      auto c = cat(depth);
      if (!c.ok()) return c;
      branches.push_back(*c);
      if (i_ < p_.size() && p_[i_] == '|') {
        ++i_;
        continue;
      }
      break;
    }
    if (branches.size() == 1) return branches[0];
    Node n;
    n.kind = Node::Alt;
    n.kids = std::move(branches);
    return add(std::move(n));
  }

  Result<int> cat(int depth) {
    Node n;
    n.kind = Node::Cat;
    while (i_ < p_.size() && p_[i_] != '|' && p_[i_] != ')') {
      auto a = repeat(depth);
      if (!a.ok()) return a;
      n.kids.push_back(*a);
    }
    if (n.kids.empty()) return add(Node{});
    if (n.kids.size() == 1) return n.kids[0];
    return add(std::move(n));
  }

  // Reads {n}, {n,} or {n,m} at i_; false (i_ unchanged) when the text is not a quantifier.
  bool braces(int* min, int* max, bool* too_big) {
    size_t j = i_ + 1;
    auto number = [&](int* out) {
      size_t start = j;
      long v = 0;
      while (j < p_.size() && p_[j] >= '0' && p_[j] <= '9') {
        if (v <= 100000) v = v * 10 + (p_[j] - '0');
        ++j;
      }
      if (v > kMaxRepeat) *too_big = true;
      *out = static_cast<int>(std::min<long>(v, kMaxRepeat + 1));
      return j > start;
    };
    if (!number(min)) return false;
    *max = *min;
    if (j < p_.size() && p_[j] == ',') {
      ++j;
      if (!number(max)) *max = -1;
    }
    if (j >= p_.size() || p_[j] != '}') return false;
    i_ = j + 1;
    return true;
  }

  Result<int> repeat(int depth) {
    auto a = atom(depth);
    if (!a.ok()) return a;
    int node = *a;
    while (i_ < p_.size()) {
      int min = 0, max = 0;
      size_t at = i_;
      char c = p_[i_];
      if (c == '*') { min = 0; max = -1; ++i_; }
      else if (c == '+') { min = 1; max = -1; ++i_; }
      else if (c == '?') { min = 0; max = 1; ++i_; }
      else if (c == '{') {
        bool too_big = false;
        if (!braces(&min, &max, &too_big)) break;
        if (too_big) { i_ = at; return fail("repeat count above " + std::to_string(kMaxRepeat)); }
        if (max != -1 && max < min) { i_ = at; return fail("numbers out of order in {} quantifier"); }
      } else {
        break;
      }
      auto k = nodes[static_cast<size_t>(node)].kind;
      if (k == Node::Begin || k == Node::End || k == Node::WordB || k == Node::NotWordB) {
        i_ = at;
        return fail("nothing to repeat");
      }
      if (i_ < p_.size() && p_[i_] == '?') ++i_;  // lazy: same set of matches
      if (i_ < p_.size() && (p_[i_] == '*' || p_[i_] == '+' || p_[i_] == '?')) return fail("nothing to repeat");
      if (i_ < p_.size() && p_[i_] == '{') {
        int lo = 0, hi = 0;
        bool big = false;
        size_t save = i_;
        if (braces(&lo, &hi, &big)) {
          i_ = save;
          return fail("nothing to repeat");
        }
      }
      Node r;
      r.kind = Node::Repeat;
      r.min = min;
      r.max = max;
      r.kids = {node};
      node = add(std::move(r));
    }
    return node;
  }

  Result<int> atom(int depth) {
    char c = p_[i_];
    switch (c) {
      case '(': {
        ++i_;
        if (p_.substr(i_, 1) == "?") {
          if (p_.substr(i_, 2) == "?:") {
            i_ += 2;
          } else if (p_.substr(i_, 2) == "?=" || p_.substr(i_, 2) == "?!" || p_.substr(i_, 3) == "?<=" ||
                     p_.substr(i_, 3) == "?<!") {
            return fail("lookahead and lookbehind are not supported");
          } else if (p_.substr(i_, 2) == "?<") {
            auto close = p_.find('>', i_);
            if (close == std::string_view::npos) return fail("unterminated group name");
            i_ = close + 1;
          } else {
            return fail("invalid group");
          }
        }
        auto inner = alt(depth + 1);
        if (!inner.ok()) return inner;
        if (i_ >= p_.size() || p_[i_] != ')') return fail("missing ')'");
        ++i_;
        return inner;
      }
      case '[':
        return char_class();
      case '.': {
        ++i_;
        Node n;
        n.kind = Node::Any;
        return add(std::move(n));
      }
      case '^': ++i_; return add(Node{Node::Begin});
      case '$': ++i_; return add(Node{Node::End});
      case '*': case '+': case '?':
        return fail("nothing to repeat");
      case '{': {
        int mn, mx;
        bool big = false;
        size_t save = i_;
        if (braces(&mn, &mx, &big)) {
          i_ = save;
          return fail("nothing to repeat");
        }
        ++i_;
        return add_char('{');
      }
      case '\\':
        return escape();
      default: {
        size_t len = 1;
        char32_t cp = utf8::decode(p_, i_, &len);
        i_ += len;
        return add_char(cp);
      }
    }
  }

  // Parses \xHH or \uHHHH digits at i_ (after the letter).
  bool hex(size_t count, char32_t* out) {
    if (i_ + count > p_.size()) return false;
    char32_t v = 0;
    for (size_t k = 0; k < count; ++k) {
      char h = p_[i_ + k];
      int d = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
      if (d < 0) return false;
      v = v * 16 + static_cast<char32_t>(d);
    }
    i_ += count;
    *out = v;
    return true;
  }

  // One escaped character (shared by atoms and classes). Sets *ranges for \d \w \s and
  // their negations, else *cp.
  Status escaped(bool in_class, char32_t* cp, Ranges* ranges, bool* negated, bool* is_set) {
    size_t backslash = i_++;
    auto fail_here = [&](std::string msg) {
      i_ = backslash;
      return fail(std::move(msg));
    };
    if (i_ >= p_.size()) return fail_here("pattern ends with a backslash");
    char c = p_[i_++];
    *is_set = false;
    *negated = false;
    switch (c) {
      case 'd': *is_set = true; *ranges = digit_ranges(); return {};
      case 'D': *is_set = true; *ranges = digit_ranges(); *negated = true; return {};
      case 'w': *is_set = true; *ranges = word_ranges(); return {};
      case 'W': *is_set = true; *ranges = word_ranges(); *negated = true; return {};
      case 's': *is_set = true; *ranges = space_ranges(); return {};
      case 'S': *is_set = true; *ranges = space_ranges(); *negated = true; return {};
      case 't': *cp = '\t'; return {};
      case 'n': *cp = '\n'; return {};
      case 'r': *cp = '\r'; return {};
      case 'f': *cp = '\f'; return {};
      case 'v': *cp = '\v'; return {};
      case 'b':
        if (in_class) { *cp = '\b'; return {}; }
        break;
      case '0':
        if (i_ < p_.size() && p_[i_] >= '0' && p_[i_] <= '9') return fail_here("octal escapes are not supported");
        *cp = 0;
        return {};
      case 'x':
        if (!hex(2, cp)) return fail_here("\\x needs two hex digits");
        return {};
      case 'u':
        if (!hex(4, cp)) return fail_here("\\u needs four hex digits");
        return {};
      case 'c':
        if (i_ < p_.size() && ((p_[i_] >= 'a' && p_[i_] <= 'z') || (p_[i_] >= 'A' && p_[i_] <= 'Z'))) {
          *cp = static_cast<char32_t>(p_[i_++] % 32);
          return {};
        }
        return fail_here("\\c needs a letter");
      default:
        break;
    }
    if (c >= '1' && c <= '9') return fail_here("backreferences are not supported");
    if (c == 'k') return fail_here("backreferences are not supported");
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return fail_here(std::string("unknown escape \\") + c);
    }
    --i_;
    size_t len = 1;
    *cp = utf8::decode(p_, i_, &len);
    i_ += len;
    return {};
  }

  Result<int> escape() {
    if (p_.substr(i_, 2) == "\\b") { i_ += 2; return add(Node{Node::WordB}); }
    if (p_.substr(i_, 2) == "\\B") { i_ += 2; return add(Node{Node::NotWordB}); }
    char32_t cp = 0;
    Ranges r;
    bool neg = false, set = false;
    NEXTRA_TRY(escaped(false, &cp, &r, &neg, &set));
    if (set) return add_class(std::move(r), neg);
    return add_char(cp);
  }

  Result<int> char_class() {
    size_t start = i_;
    ++i_;
    bool negate = false;
    if (i_ < p_.size() && p_[i_] == '^') {
      negate = true;
      ++i_;
    }
    Ranges ranges;
    // Reads one class member: a single code point (returns true) or a set (false).
    auto member = [&](char32_t* cp, Ranges* set) -> Result<bool> {
      if (p_[i_] == '\\') {
        Ranges r;
        bool neg = false, is_set = false;
        NEXTRA_TRY(escaped(true, cp, &r, &neg, &is_set));
        if (is_set) {
          *set = neg ? complement(r) : r;
          return false;
        }
        return true;
      }
      size_t len = 1;
      *cp = utf8::decode(p_, i_, &len);
      i_ += len;
      return true;
    };
    while (i_ < p_.size() && p_[i_] != ']') {
      char32_t lo = 0;
      Ranges set;
      auto single = member(&lo, &set);
      if (!single.ok()) return single.take_error();
      if (!*single) {
        ranges.insert(ranges.end(), set.begin(), set.end());
        continue;
      }
      if (i_ + 1 < p_.size() && p_[i_] == '-' && p_[i_ + 1] != ']') {
        size_t dash = i_;
        ++i_;
        char32_t hi = 0;
        Ranges set2;
        auto single2 = member(&hi, &set2);
        if (!single2.ok()) return single2.take_error();
        if (!*single2) {
          // [a-\d]: Annex B reads the dash literally.
          ranges.emplace_back(lo, lo);
          ranges.emplace_back('-', '-');
          ranges.insert(ranges.end(), set2.begin(), set2.end());
          continue;
        }
        if (hi < lo) {
          i_ = dash;
          return fail("range out of order in character class");
        }
        ranges.emplace_back(lo, hi);
        continue;
      }
      ranges.emplace_back(lo, lo);
    }
    if (i_ >= p_.size()) {
      i_ = start;
      return fail("missing ']'");
    }
    ++i_;
    return add_class(std::move(ranges), negate);
  }

  std::string_view p_;
  size_t i_ = 0;
  bool icase_;
};

}  // namespace

struct Regex::Program {
  std::vector<Inst> insts;
  std::vector<Ranges> classes;
  std::string literal;  // set when the whole pattern is a plain string: search with find()
  bool is_literal = false;
};

namespace {

class Emitter {
 public:
  Emitter(const std::vector<Node>& nodes, std::vector<Inst>& out) : nodes_(nodes), out_(out) {}

  bool emit(int id) {
    if (out_.size() > kMaxProgram) return false;
    const Node& n = nodes_[static_cast<size_t>(id)];
    switch (n.kind) {
      case Node::Empty: return true;
      case Node::Char: out_.push_back({Op::Char, n.cp, 0}); return true;
      case Node::Any: out_.push_back({Op::Any}); return true;
      case Node::Class: out_.push_back({Op::Class, static_cast<std::uint32_t>(n.cls), 0}); return true;
      case Node::Begin: out_.push_back({Op::Begin}); return true;
      case Node::End: out_.push_back({Op::End}); return true;
      case Node::WordB: out_.push_back({Op::WordB}); return true;
      case Node::NotWordB: out_.push_back({Op::NotWordB}); return true;
      case Node::Cat:
        for (int k : n.kids) {
          if (!emit(k)) return false;
        }
        return true;
      case Node::Alt: {
        std::vector<size_t> jumps;
        for (size_t k = 0; k < n.kids.size(); ++k) {
          if (k + 1 < n.kids.size()) {
            size_t split = out_.size();
            out_.push_back({Op::Split, static_cast<std::uint32_t>(split + 1), 0});
            if (!emit(n.kids[k])) return false;
            jumps.push_back(out_.size());
            out_.push_back({Op::Jmp});
            out_[split].b = static_cast<std::uint32_t>(out_.size());
          } else if (!emit(n.kids[k])) {
            return false;
          }
        }
        for (size_t j : jumps) out_[j].a = static_cast<std::uint32_t>(out_.size());
        return true;
      }
      case Node::Repeat: {
        int kid = n.kids[0];
        for (int k = 0; k < n.min; ++k) {
          if (!emit(kid)) return false;
        }
        if (n.max == -1) {
          size_t split = out_.size();
          out_.push_back({Op::Split, static_cast<std::uint32_t>(split + 1), 0});
          if (!emit(kid)) return false;
          out_.push_back({Op::Jmp, static_cast<std::uint32_t>(split), 0});
          out_[split].b = static_cast<std::uint32_t>(out_.size());
          return true;
        }
        std::vector<size_t> splits;
        for (int k = n.min; k < n.max; ++k) {
          splits.push_back(out_.size());
          out_.push_back({Op::Split, static_cast<std::uint32_t>(out_.size() + 1), 0});
          if (!emit(kid)) return false;
        }
        for (size_t s : splits) out_[s].b = static_cast<std::uint32_t>(out_.size());
        return true;
      }
    }
    return true;
  }

 private:
  const std::vector<Node>& nodes_;
  std::vector<Inst>& out_;
};

// A sparse set of program counters (Briggs & Torczon): O(1) insert, membership and clear.
struct PcSet {
  std::vector<std::uint32_t> dense, sparse;
  size_t size = 0;
  void reset(size_t n) {
    if (sparse.size() < n) {
      sparse.resize(n);
      dense.resize(n);
    }
    size = 0;
  }
  bool insert(std::uint32_t pc) {
    std::uint32_t s = sparse[pc];
    if (s < size && dense[s] == pc) return false;
    sparse[pc] = static_cast<std::uint32_t>(size);
    dense[size++] = pc;
    return true;
  }
};

struct Scratch {
  PcSet a, b;
  std::vector<std::uint32_t> stack;
};

bool class_has(const Ranges& r, char32_t c) {
  // Classes are short; a binary search only pays off for \s-style sets.
  size_t lo = 0, hi = r.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (c < r[mid].first) hi = mid;
    else if (c > r[mid].second) lo = mid + 1;
    else return true;
  }
  return false;
}

constexpr char32_t kNone = 0xFFFFFFFF;  // "no character" before the start / after the end

}  // namespace

Result<Regex> Regex::compile(std::string_view pattern) {
  if (pattern.size() > kMaxPattern) return Error::make(ErrorCode::ResourceExhausted, "regex: pattern longer than 4096 bytes");
  bool icase = false;
  if (pattern.substr(0, 4) == "(?i)") {
    icase = true;
    pattern.remove_prefix(4);
  }
  Parser parser(pattern, icase);
  auto root = parser.parse();
  if (!root.ok()) {
    Error e = root.take_error();
    if (icase && e.column > 0) e.column += 4;
    return e;
  }
  auto prog = std::make_shared<Program>();
  prog->classes = std::move(parser.classes);
  // Plain strings skip the automaton entirely.
  const Node& r = parser.nodes[static_cast<size_t>(*root)];
  auto literal_of = [&](const Node& n, std::string* out) {
    if (n.kind == Node::Char) {
      utf8::append(n.cp, *out);
      return true;
    }
    if (n.kind != Node::Cat) return false;
    for (int k : n.kids) {
      const Node& c = parser.nodes[static_cast<size_t>(k)];
      if (c.kind != Node::Char) return false;
      utf8::append(c.cp, *out);
    }
    return true;
  };
  if (literal_of(r, &prog->literal)) {
    prog->is_literal = true;
  } else {
    prog->literal.clear();
    Emitter em(parser.nodes, prog->insts);
    if (!em.emit(*root) || prog->insts.size() > kMaxProgram) {
      return Error::make(ErrorCode::ResourceExhausted, "regex: pattern too complex (more than 20000 steps after expanding repeats)");
    }
    prog->insts.push_back({Op::Match});
  }
  Regex re;
  re.prog_ = std::move(prog);
  return re;
}

bool Regex::search(std::string_view text) const {
  const Program& p = *prog_;
  if (p.is_literal) return text.find(p.literal) != std::string_view::npos;
  thread_local Scratch scratch;
  const size_t n = p.insts.size();
  PcSet* cur = &scratch.a;
  PcSet* next = &scratch.b;
  cur->reset(n);
  next->reset(n);
  auto& stack = scratch.stack;
  bool matched = false;

  // Follows empty transitions from `pc` at a position between `prev` and `nxt`.
  auto add = [&](PcSet* set, std::uint32_t start_pc, char32_t prev, char32_t nxt) {
    stack.clear();
    stack.push_back(start_pc);
    while (!stack.empty()) {
      std::uint32_t pc = stack.back();
      stack.pop_back();
      if (!set->insert(pc)) continue;
      const Inst& in = p.insts[pc];
      switch (in.op) {
        case Op::Jmp: stack.push_back(in.a); break;
        case Op::Split:
          stack.push_back(in.b);
          stack.push_back(in.a);
          break;
        case Op::Begin: if (prev == kNone) stack.push_back(pc + 1); break;
        case Op::End: if (nxt == kNone) stack.push_back(pc + 1); break;
        case Op::WordB:
        case Op::NotWordB: {
          bool boundary = (prev != kNone && is_word(prev)) != (nxt != kNone && is_word(nxt));
          if (boundary == (in.op == Op::WordB)) stack.push_back(pc + 1);
          break;
        }
        case Op::Match: matched = true; break;
        default: break;
      }
    }
  };

  size_t pos = 0;
  char32_t prev = kNone;
  size_t len = 0;
  char32_t c = text.empty() ? kNone : utf8::decode(text, 0, &len);
  for (;;) {
    add(cur, 0, prev, c);  // a new attempt may start at every position
    if (matched) return true;
    if (c == kNone) return false;
    size_t after = pos + len;
    size_t next_len = 0;
    char32_t nc = after < text.size() ? utf8::decode(text, after, &next_len) : kNone;
    next->size = 0;
    for (size_t k = 0; k < cur->size; ++k) {
      std::uint32_t pc = cur->dense[k];
      const Inst& in = p.insts[pc];
      bool step = false;
      switch (in.op) {
        case Op::Char: step = c == in.a; break;
        case Op::Any: step = c != '\n' && c != '\r' && c != 0x2028 && c != 0x2029; break;
        case Op::Class: step = class_has(p.classes[in.a], c); break;
        default: break;
      }
      if (step) {
        add(next, pc + 1, c, nc);
        if (matched) return true;
      }
    }
    std::swap(cur, next);
    prev = c;
    c = nc;
    pos = after;
    len = next_len;
  }
}

}  // namespace nextra::handlers
