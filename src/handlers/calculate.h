#pragma once
// The `tool:calculate` handler: Calculate{expression} -> CalculateResult{expression,
// result, error} (xml-pipeline-semantics.md §10). The original evaluates Python through
// simpleeval; this is a recursive-descent evaluator for the arithmetic subset with
// Python's semantics and output (int/float distinction, true division, floor division
// and modulo signs, str() of floats), and nothing else: no names beyond the listed
// functions and constants, no attribute access, no strings, no calls of anything else.
//
// Operators: + - * / // % ** (and ^ as a synonym of **), unary + -, parentheses.
// Functions: abs round(x[, n]) min max (one or more arguments) sqrt sin cos tan asin acos
// atan log(x[, base]) log10 log2 exp floor ceil pow(x, y[, mod]).
// Constants: pi e tau inf.
// Integers are exact up to 127 bits; a larger integer result is an error rather than a
// silently rounded float.

#include <string>
#include <string_view>

#include "core/result.h"
#include "schema/value.h"

namespace nextra::handlers {

struct CalculateResult {
  std::string expression;  // the input, echoed
  std::string result;      // Python's str() of the value ("5", "3.5", "inf"); empty on error
  std::string error;       // empty on success ("division by zero", "syntax error at column 3: ...")
};

inline constexpr size_t kMaxCalculateExpression = 1000;
inline constexpr int kMaxCalculateNesting = 100;

// Never throws; every failure is reported in `error`.
CalculateResult run_calculate(std::string_view expression);

// Builds the CalculateResult payload answering a Calculate payload.
// Errors: InvalidArgument when `request` is not a Calculate; Internal when the schema has
// no CalculateResult class (it is built in, so that means a broken schema).
Result<schema::PayloadPtr> calculate_response(const schema::Payload& request, const schema::Schema& schema);

}  // namespace nextra::handlers
