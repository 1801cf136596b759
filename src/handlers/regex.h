#pragma once
// A linear-time regular-expression matcher for the branch op `matches`.
//
// Why not std::regex: libstdc++'s matcher recurses once per input character and backtracks,
// so on this machine `^.*$` over 64 KiB of text overflows an 8 MiB stack (the process dies)
// and `a*c` over 16 KiB takes 4 s. A payload is user input, so a rule must not be able to
// take the pump down. This is a Thompson-NFA simulation: time O(text × pattern), memory
// O(pattern), no recursion over the input.
//
// Syntax: the ECMAScript subset that needs no backtracking: literals, `.`, classes
// `[a-z]` `[^...]`, escapes \d \D \w \W \s \S \b \B \t \n \r \f \v \0 \xHH \uHHHH and
// escaped punctuation, anchors ^ $ (whole text, not per line), groups (...) (?:...)
// (?<name>...), alternation |, quantifiers * + ? {n} {n,} {n,m} (a trailing `?` for lazy
// is accepted; it cannot change whether a match exists). A leading (?i) makes the match
// ASCII-case-insensitive. Backreferences and lookaround are rejected at compile time.
// Text is matched as UTF-8 code points.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace nextra::handlers {

class Regex {
 public:
  // Errors carry the 1-based column in the pattern. Patterns are limited to 4096 bytes and
  // 20,000 compiled instructions (x{1000} counts 1000 times).
  static Result<Regex> compile(std::string_view pattern);

  // True when the pattern matches somewhere in `text` (search, not full match).
  // Thread-safe: a compiled Regex is immutable.
  bool search(std::string_view text) const;

  struct Program;

 private:
  std::shared_ptr<const Program> prog_;
};

}  // namespace nextra::handlers
