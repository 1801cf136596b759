#include "handlers/calculate.h"

#include <gtest/gtest.h>

#include <random>

namespace nextra::handlers {
namespace {

std::string calc(std::string_view expr) {
  auto r = run_calculate(expr);
  EXPECT_EQ(r.expression, expr);
  if (!r.error.empty()) {
    EXPECT_TRUE(r.result.empty());
    return "error: " + r.error;
  }
  return r.result;
}

std::string error_of(std::string_view expr) {
  auto r = run_calculate(expr);
  EXPECT_FALSE(r.error.empty()) << expr << " gave " << r.result;
  return r.error;
}

TEST(Calculate, SpecCases) {
  EXPECT_EQ(calc("2+3"), "5");
  EXPECT_EQ(error_of("1/0"), "division by zero");
  EXPECT_EQ(calc("2 + 2"), "4");
  EXPECT_EQ(calc("(10 + 5) * 3"), "45");
  EXPECT_EQ(calc("sqrt(16) + pi"), "7.141592653589793");
  EXPECT_EQ(calc("max(1, 2, 3)"), "3");
}

TEST(Calculate, PythonNumberSemantics) {
  EXPECT_EQ(calc("7/2"), "3.5");
  EXPECT_EQ(calc("4/2"), "2.0");
  EXPECT_EQ(calc("7//2"), "3");
  EXPECT_EQ(calc("-7//2"), "-4");
  EXPECT_EQ(calc("7.0//2"), "3.0");
  EXPECT_EQ(calc("-7.5//2"), "-4.0");
  EXPECT_EQ(calc("7%3"), "1");
  EXPECT_EQ(calc("-7%3"), "2");
  EXPECT_EQ(calc("7%-3"), "-2");
  EXPECT_EQ(calc("-7.5%2"), "0.5");
  EXPECT_EQ(calc("2**10"), "1024");
  EXPECT_EQ(calc("2^10"), "1024");
  EXPECT_EQ(calc("2**0.5"), "1.4142135623730951");
  EXPECT_EQ(calc("2**-1"), "0.5");
  EXPECT_EQ(calc("-2**2"), "-4");
  EXPECT_EQ(calc("(-2)**2"), "4");
  EXPECT_EQ(calc("2**3**2"), "512");
  EXPECT_EQ(calc("2**100"), "1267650600228229401496703205376");
  EXPECT_EQ(calc("0.1+0.2"), "0.30000000000000004");
  EXPECT_EQ(calc("1+2.0"), "3.0");
  EXPECT_EQ(calc("3*1.5"), "4.5");
  EXPECT_EQ(calc("--3"), "3");
  EXPECT_EQ(calc("+-+3"), "-3");
  EXPECT_EQ(calc("1 - 2 - 3"), "-4");
  EXPECT_EQ(calc("2 * 3 + 4 * 5"), "26");
  EXPECT_EQ(calc("100/3"), "33.333333333333336");
  EXPECT_EQ(calc("0x1F + 0b101 + 0o7"), "43");
  EXPECT_EQ(calc("-0.0"), "-0.0");
}

TEST(Calculate, FloatFormattingLikePythonRepr) {
  EXPECT_EQ(calc("1e16"), "1e+16");
  EXPECT_EQ(calc("1e15"), "1000000000000000.0");
  EXPECT_EQ(calc("0.0001"), "0.0001");
  EXPECT_EQ(calc("0.00001"), "1e-05");
  EXPECT_EQ(calc("1.5e300"), "1.5e+300");
  EXPECT_EQ(calc("2.5e-7"), "2.5e-07");
  EXPECT_EQ(calc("123456789.125"), "123456789.125");
  EXPECT_EQ(calc("1e400"), "inf");
  EXPECT_EQ(calc("1e-400"), "0.0");
  EXPECT_EQ(calc("inf"), "inf");
  EXPECT_EQ(calc("-inf"), "-inf");
  EXPECT_EQ(calc("inf - inf"), "nan");
  EXPECT_EQ(calc("1e308 * 10"), "inf");
}

TEST(Calculate, Functions) {
  EXPECT_EQ(calc("abs(-3)"), "3");
  EXPECT_EQ(calc("abs(-3.5)"), "3.5");
  EXPECT_EQ(calc("round(2.5)"), "2");
  EXPECT_EQ(calc("round(3.5)"), "4");
  EXPECT_EQ(calc("round(-2.5)"), "-2");
  EXPECT_EQ(calc("round(2.675, 2)"), "2.67");
  EXPECT_EQ(calc("round(0.125, 2)"), "0.12");
  EXPECT_EQ(calc("round(3.14159, 3)"), "3.142");
  EXPECT_EQ(calc("round(1234.5, -2)"), "1200.0");
  EXPECT_EQ(calc("round(1250, -2)"), "1200");
  EXPECT_EQ(calc("round(1350, -2)"), "1400");
  EXPECT_EQ(calc("round(7, 2)"), "7");
  EXPECT_EQ(calc("min(3, 1.5, 2)"), "1.5");
  EXPECT_EQ(calc("max(1, 1.0)"), "1");
  EXPECT_EQ(calc("max(2, 3.0)"), "3.0");
  EXPECT_EQ(calc("min(5)"), "5");
  EXPECT_EQ(calc("sqrt(2)"), "1.4142135623730951");
  EXPECT_EQ(calc("sin(0)"), "0.0");
  EXPECT_EQ(calc("cos(0)"), "1.0");
  EXPECT_EQ(calc("tan(0)"), "0.0");
  EXPECT_EQ(calc("asin(1)"), "1.5707963267948966");
  EXPECT_EQ(calc("acos(1)"), "0.0");
  EXPECT_EQ(calc("atan(1)"), "0.7853981633974483");
  EXPECT_EQ(calc("log(e)"), "1.0");
  EXPECT_EQ(calc("log(8, 2)"), "3.0");
  EXPECT_EQ(calc("log10(1000)"), "3.0");
  EXPECT_EQ(calc("log2(8)"), "3.0");
  EXPECT_EQ(calc("exp(0)"), "1.0");
  EXPECT_EQ(calc("floor(2.7)"), "2");
  EXPECT_EQ(calc("floor(-2.5)"), "-3");
  EXPECT_EQ(calc("ceil(2.1)"), "3");
  EXPECT_EQ(calc("pow(2, 10)"), "1024");
  EXPECT_EQ(calc("pow(2.0, 3)"), "8.0");
  EXPECT_EQ(calc("pow(2, 10, 1000)"), "24");
  EXPECT_EQ(calc("max(1, 2,)"), "2");
  EXPECT_EQ(calc("  sqrt ( 9 )  "), "3.0");
}

TEST(Calculate, Constants) {
  EXPECT_EQ(calc("pi"), "3.141592653589793");
  EXPECT_EQ(calc("e"), "2.718281828459045");
  EXPECT_EQ(calc("tau"), "6.283185307179586");
  EXPECT_EQ(calc("2*pi == tau"), "error: syntax error at column 6: unexpected '='");
}

TEST(Calculate, EvaluationErrors) {
  EXPECT_EQ(error_of("1.0/0"), "division by zero");
  EXPECT_EQ(error_of("5//0"), "division by zero");
  EXPECT_EQ(error_of("5%0"), "modulo by zero");
  EXPECT_EQ(error_of("sqrt(-1)"), "math domain error");
  EXPECT_EQ(error_of("log(0)"), "math domain error");
  EXPECT_EQ(error_of("log(-1)"), "math domain error");
  EXPECT_EQ(error_of("log(10, 1)"), "division by zero");
  EXPECT_EQ(error_of("asin(2)"), "math domain error");
  EXPECT_EQ(error_of("sin(inf)"), "math domain error");
  EXPECT_EQ(error_of("exp(1000)"), "math range error");
  EXPECT_EQ(error_of("10.0**400"), "numerical result out of range");
  EXPECT_EQ(error_of("2**1000"), "integer result too large");
  EXPECT_EQ(error_of("9**99999999999"), "integer result too large");
  EXPECT_EQ(error_of("0**-1"), "0.0 cannot be raised to a negative power");
  EXPECT_EQ(error_of("(-8)**(1/3)"), "negative number cannot be raised to a fractional power");
  EXPECT_EQ(error_of("floor(inf)"), "cannot convert float infinity to integer");
  EXPECT_EQ(error_of("round(inf - inf)"), "cannot convert float NaN to integer");
  EXPECT_EQ(error_of("sqrt(1, 2)"), "sqrt() takes exactly one argument (2 given)");
  EXPECT_EQ(error_of("min()"), "min expected at least 1 argument, got 0");
  EXPECT_EQ(error_of("round(2.5, 1.5)"), "'float' object cannot be interpreted as an integer");
  EXPECT_EQ(error_of("foo(1)"), "function 'foo' is not defined");
  EXPECT_EQ(error_of("x + 1"), "name 'x' is not defined");
  EXPECT_EQ(error_of("99999999999999999999999999999999999999999"), "integer literal too large");
}

TEST(Calculate, MalformedInput) {
  EXPECT_EQ(error_of("2+"), "syntax error at column 3: unexpected end of expression");
  EXPECT_EQ(error_of("(((("), "syntax error at column 5: unexpected end of expression");
  EXPECT_EQ(error_of("(1+2"), "syntax error at column 1: '(' is never closed");
  EXPECT_EQ(error_of("1+2)"), "syntax error at column 4: unexpected ')'");
  EXPECT_EQ(error_of(""), "empty expression");
  EXPECT_EQ(error_of("   "), "empty expression");
  EXPECT_EQ(error_of("2 3"), "syntax error at column 3: unexpected '3'");
  EXPECT_EQ(error_of("1..2"), "syntax error at column 1: invalid number");
  EXPECT_EQ(error_of("2x"), "syntax error at column 1: invalid number");
  EXPECT_EQ(error_of("007"), "syntax error at column 1: leading zeros in integers are not allowed (write 7, not 007)");
  EXPECT_EQ(error_of("1 +* 2"), "syntax error at column 4: unexpected '*'");
  // A syntax error wins over an evaluation error found earlier, as in Python.
  EXPECT_EQ(error_of("1/0 +"), "syntax error at column 6: unexpected end of expression");
}

TEST(Calculate, NothingButArithmetic) {
  EXPECT_EQ(error_of("import os"), "syntax error at column 8: unexpected 'o'");
  EXPECT_EQ(error_of("__import__('os')"), "syntax error at column 12: strings are not supported");
  EXPECT_EQ(error_of("__import__"), "name '__import__' is not defined");
  EXPECT_EQ(error_of("().__class__"), "syntax error at column 2: unexpected ')'");
  EXPECT_EQ(error_of("pi.real"), "syntax error at column 3: unexpected '.'");
  EXPECT_EQ(error_of("open(\"/etc/passwd\")"), "syntax error at column 6: strings are not supported");
  EXPECT_EQ(error_of("[1,2]"), "syntax error at column 1: unexpected '['");
  EXPECT_EQ(error_of("lambda: 1"), "syntax error at column 7: unexpected ':'");
  EXPECT_EQ(error_of("1; 2"), "syntax error at column 2: unexpected ';'");
  EXPECT_EQ(error_of("\xff"), "syntax error at column 1: unexpected character");
}

TEST(Calculate, Limits) {
  std::string long_expr = "1";
  while (long_expr.size() < kMaxCalculateExpression) long_expr += "+1";
  EXPECT_EQ(error_of(long_expr), "expression longer than 1000 characters");
  std::string ok_expr = "1";
  while (ok_expr.size() + 2 <= kMaxCalculateExpression) ok_expr += "+1";
  EXPECT_EQ(calc(ok_expr), std::to_string((ok_expr.size() + 1) / 2));

  std::string deep = std::string(100, '(') + "1" + std::string(100, ')');
  EXPECT_EQ(calc(deep), "1");
  std::string deeper = std::string(101, '(') + "1" + std::string(101, ')');
  EXPECT_EQ(error_of(deeper), "syntax error at column 101: expression nests too deeply");
  EXPECT_EQ(error_of(std::string(500, '(')), "syntax error at column 101: expression nests too deeply");
  EXPECT_EQ(error_of(std::string(500, '-') + "1"), "syntax error at column 101: expression nests too deeply");
}

TEST(Calculate, RandomInputNeverCrashes) {
  std::mt19937 rng(5);
  const char* pieces[] = {"0", "1", "9", ".", "e", "+", "-", "*", "/", "//", "%", "**", "^", "(", ")", ",", " ", "pi",
                          "inf", "sqrt(", "max(", "round(", "log(", "pow(", "0x", "1e308", "_", "'", "a"};
  for (int n = 0; n < 20000; ++n) {
    std::string s;
    int len = static_cast<int>(rng() % 20);
    for (int k = 0; k < len; ++k) s += pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
    auto r = run_calculate(s);
    EXPECT_NE(r.result.empty(), r.error.empty()) << s;
  }
}

TEST(Calculate, ResponsePayload) {
  schema::Schema s;
  schema::Payload req;
  req.record = schema::zero_record(*s.find(schema::kCalculate));
  *req.record.get("expression") = schema::Value("6*7");
  auto out = calculate_response(req, s);
  ASSERT_TRUE(out.ok());
  const auto& r = (*out)->record;
  EXPECT_EQ(r.cls->name, "CalculateResult");
  EXPECT_EQ(r.get("expression")->as<std::string>(), "6*7");
  EXPECT_EQ(r.get("result")->as<std::string>(), "42");
  EXPECT_EQ(r.get("error")->as<std::string>(), "");
  EXPECT_TRUE(schema::check_record(r).ok());

  *req.record.get("expression") = schema::Value("1/0");
  auto bad = calculate_response(req, s);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ((*bad)->record.get("result")->as<std::string>(), "");
  EXPECT_EQ((*bad)->record.get("error")->as<std::string>(), "division by zero");

  schema::Payload other;
  other.record = schema::zero_record(*s.find(schema::kBoot));
  EXPECT_FALSE(calculate_response(other, s).ok());
}

}  // namespace
}  // namespace nextra::handlers
