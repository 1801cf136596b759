#pragma once
// Exact decimal numbers for the template filters add/sub/mul and for branch comparisons.
// A value is mantissa × 10^-scale in 128 bits, so "19.99" + "5" is "24.99" and
// "9007199254740993" stays distinct from "9007199254740992" (a double would merge both).

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "schema/value.h"

namespace nextra::handlers::num {

__extension__ typedef __int128 Int128;  // NOLINT: GCC/Clang extension, pedantic-safe spelling

struct Number {
  Int128 mant = 0;
  int scale = 0;       // digits after the decimal point
  bool is_int = true;  // an integer literal/value (no decimal point): int arithmetic keeps it int
};

// xs:integer / xs:decimal lexical forms ("42", "-1.50", ".5", "+3."), surrounding
// whitespace allowed. nullopt when the text is not such a number or has more than 36
// significant digits.
std::optional<Number> parse(std::string_view text);

// Numbers held by a value: int, decimal, or a string holding a number. Bools are not numbers.
std::optional<Number> of_value(const schema::Value& v);

Result<Number> add(const Number& a, const Number& b);
Result<Number> sub(const Number& a, const Number& b);
Result<Number> mul(const Number& a, const Number& b);

// An int value when is_int (error outside the 64-bit range), else a Decimal in canonical
// form ("3.0", "24.99").
Result<schema::Value> to_value(const Number& n);
std::string to_text(const Number& n);

// A number for comparison: exact when the text is a decimal, otherwise (scientific
// notation such as "1e3") a double.
struct Comparable {
  bool exact = true;
  Number n;
  double d = 0;
};
std::optional<Comparable> comparable(std::string_view text);
std::optional<Comparable> comparable_value(const schema::Value& v);
// <0, 0, >0.
int compare(const Comparable& a, const Comparable& b);

std::string int128_text(Int128 v);

}  // namespace nextra::handlers::num
