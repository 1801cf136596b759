#include "handlers/calculate.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <optional>
#include <vector>

#include "handlers/number.h"

namespace nextra::handlers {
namespace {

using num::Int128;

constexpr Int128 kInt128Max = ((Int128{1} << 126) - 1) * 2 + 1;
constexpr Int128 kInt128Min = -kInt128Max - 1;

struct Num {
  bool is_int = true;
  Int128 i = 0;
  double f = 0;
  static Num integer(Int128 v) { return Num{true, v, 0}; }
  static Num real(double v) { return Num{false, 0, v}; }
  double as_double() const { return is_int ? static_cast<double>(i) : f; }
};

// Python's str() of a float: the shortest text that reads back to the same double, in
// fixed notation for exponents -4..16 and scientific outside that range.
std::string py_float(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), x, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
  std::string out;
  if (s[0] == '-') {
    out.push_back('-');
    s.remove_prefix(1);
  }
  auto epos = s.find('e');
  std::string digits;
  for (char c : s.substr(0, epos)) {
    if (c != '.') digits.push_back(c);
  }
  int exp = std::atoi(std::string(s.substr(epos + 1)).c_str());
  int decpt = exp + 1;
  int n = static_cast<int>(digits.size());
  if (decpt > 16 || decpt < -3) {
    out.push_back(digits[0]);
    if (n > 1) {
      out.push_back('.');
      out.append(digits, 1, std::string::npos);
    }
    int mag = exp < 0 ? -exp : exp;
    out += exp < 0 ? "e-" : "e+";
    if (mag < 10) out.push_back('0');
    out += std::to_string(mag);
  } else if (decpt <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-decpt), '0');
    out += digits;
  } else if (decpt >= n) {
    out += digits;
    out.append(static_cast<size_t>(decpt - n), '0');
    out += ".0";
  } else {
    out.append(digits, 0, static_cast<size_t>(decpt));
    out.push_back('.');
    out.append(digits, static_cast<size_t>(decpt), std::string::npos);
  }
  return out;
}

std::string format(const Num& v) { return v.is_int ? num::int128_text(v.i) : py_float(v.f); }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

// Rounds the non-negative integer written in `digits` to a multiple of 10^k, ties to even;
// `sticky` says a non-zero fraction follows the digits.
std::string round_digits(std::string digits, size_t k, bool sticky) {
  if (k > digits.size()) {
    // Everything is below half of 10^k unless k == size + 1... which still is below half.
    return "0";
  }
  size_t keep = digits.size() - k;
  std::string tail = digits.substr(keep);
  std::string half = "5" + std::string(k - 1, '0');
  int cmp = tail.compare(half);
  bool up;
  if (cmp > 0 || (cmp == 0 && sticky)) up = true;
  else if (cmp < 0) up = false;
  else up = keep > 0 && ((digits[keep - 1] - '0') % 2 == 1);  // exact tie: to even
  std::string head = digits.substr(0, keep);
  if (head.empty()) head = "0";
  if (up) {
    int i = static_cast<int>(head.size()) - 1;
    for (; i >= 0; --i) {
      if (head[static_cast<size_t>(i)] == '9') {
        head[static_cast<size_t>(i)] = '0';
      } else {
        ++head[static_cast<size_t>(i)];
        break;
      }
    }
    if (i < 0) head.insert(0, 1, '1');
  }
  return head + std::string(k, '0');
}

class Calc {
 public:
  explicit Calc(std::string_view s) : s_(s) {}

  // Either the value, or a syntax error, or the first evaluation error.
  std::string run(std::string* error) {
    skip();
    if (pos_ >= s_.size()) {
      *error = "empty expression";
      return {};
    }
    Num v = expr();
    if (!syntax_.empty()) {
      *error = syntax_;
      return {};
    }
    skip();
    if (pos_ < s_.size()) {
      unexpected();
      *error = syntax_;
      return {};
    }
    if (!eval_.empty()) {
      *error = eval_;
      return {};
    }
    return format(v);
  }

 private:
  // ---- errors: a syntax error stops parsing; an evaluation error is remembered and
  // parsing goes on, so "1/0 +" reports the syntax error, as Python would.
  bool failed() const { return !syntax_.empty(); }
  Num syntax(size_t at, const std::string& what) {
    if (syntax_.empty()) syntax_ = "syntax error at column " + std::to_string(at + 1) + ": " + what;
    return Num{};
  }
  Num unexpected() {
    if (pos_ >= s_.size()) return syntax(pos_, "unexpected end of expression");
    char c = s_[pos_];
    if (c == '\'' || c == '"') return syntax(pos_, "strings are not supported");
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) {
      return syntax(pos_, "unexpected character");
    }
    return syntax(pos_, std::string("unexpected '") + c + "'");
  }
  Num fail(const std::string& msg) {
    if (eval_.empty()) eval_ = msg;
    return Num{};
  }
  bool poisoned() const { return !eval_.empty(); }

  void skip() {
    while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
  }
  bool eat(std::string_view tok) {
    skip();
    if (s_.substr(pos_, tok.size()) == tok) {
      pos_ += tok.size();
      return true;
    }
    return false;
  }
  char peek() {
    skip();
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }

  // ---- grammar (Python precedence: ** binds tighter than unary minus on its left,
  // looser on its right: -2**2 == -4, 2**-1 == 0.5).
  Num expr() {
    Num v = term();
    while (!failed()) {
      if (eat("+")) v = add(v, term(), false);
      else if (peek() == '-') { ++pos_; v = add(v, term(), true); }
      else break;
    }
    return v;
  }

  Num term() {
    Num v = factor();
    while (!failed()) {
      if (eat("//")) v = floordiv(v, factor());
      else if (peek() == '*' && s_.substr(pos_, 2) != "**") { ++pos_; v = mul(v, factor()); }
      else if (peek() == '/') { ++pos_; v = truediv(v, factor()); }
      else if (peek() == '%') { ++pos_; v = mod(v, factor()); }
      else break;
    }
    return v;
  }

  Num factor() {
    bool plus = peek() == '+', minus = peek() == '-';
    if (!plus && !minus) return power();
    if (++depth_ > kMaxCalculateNesting) return syntax(pos_, "expression nests too deeply");
    ++pos_;
    Num v = factor();
    if (minus) v = negate(v);
    --depth_;
    return v;
  }

  Num power() {
    Num base = primary();
    if (failed()) return base;
    if (eat("**") || eat("^")) return pow(base, factor());
    return base;
  }

  Num primary() {
    char c = peek();
    if (is_digit(c) || (c == '.' && pos_ + 1 < s_.size() && is_digit(s_[pos_ + 1]))) return number();
    if (is_name_start(c)) return name();
    if (c == '(') {
      if (++depth_ > kMaxCalculateNesting) return syntax(pos_, "expression nests too deeply");
      size_t open = pos_++;
      Num v = expr();
      if (failed()) return v;
      if (!eat(")")) {
        if (pos_ >= s_.size()) return syntax(open, "'(' is never closed");
        return unexpected();
      }
      --depth_;
      return v;
    }
    return unexpected();
  }

  Num number() {
    size_t start = pos_;
    // 0x / 0o / 0b integers, as Python reads them.
    if (s_[pos_] == '0' && pos_ + 1 < s_.size() &&
        (s_[pos_ + 1] == 'x' || s_[pos_ + 1] == 'X' || s_[pos_ + 1] == 'o' || s_[pos_ + 1] == 'O' ||
         s_[pos_ + 1] == 'b' || s_[pos_ + 1] == 'B')) {
      char k = static_cast<char>(s_[pos_ + 1] | 0x20);
      int radix = k == 'x' ? 16 : k == 'o' ? 8 : 2;
      pos_ += 2;
      Int128 v = 0;
      bool any = false, overflow = false;
      while (pos_ < s_.size()) {
        char d = static_cast<char>(s_[pos_] | 0x20);
        int dv = is_digit(d) ? d - '0' : (d >= 'a' && d <= 'f') ? d - 'a' + 10 : 99;
        if (dv >= radix) break;
        if (__builtin_mul_overflow(v, Int128{radix}, &v) || __builtin_add_overflow(v, Int128{dv}, &v)) overflow = true;
        any = true;
        ++pos_;
      }
      if (!any || (pos_ < s_.size() && is_name_char(s_[pos_]))) return syntax(start, "invalid number");
      if (overflow) return fail("integer literal too large");
      return Num::integer(v);
    }
    bool is_float = false;
    while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '.') {
      is_float = true;
      ++pos_;
      while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      size_t save = pos_;
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (pos_ < s_.size() && is_digit(s_[pos_])) {
        is_float = true;
        while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
      } else {
        pos_ = save;
      }
    }
    if (pos_ < s_.size() && (is_name_char(s_[pos_]) || s_[pos_] == '.')) return syntax(start, "invalid number");
    std::string_view text = s_.substr(start, pos_ - start);
    if (is_float) {
      double d = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
      if (ec == std::errc::result_out_of_range) {
        // Python reads 1e400 as inf and 1e-400 as 0.0.
        auto e = text.find_first_of("eE");
        bool tiny = e != std::string_view::npos && text.substr(e + 1, 1) == "-";
        d = tiny ? 0.0 : HUGE_VAL;
      } else if (ec != std::errc() || p != text.data() + text.size()) {
        return syntax(start, "invalid number");
      }
      return Num::real(d);
    }
    if (text.size() > 1 && text[0] == '0' && text.find_first_not_of('0') != std::string_view::npos) {
      return syntax(start, "leading zeros in integers are not allowed (write 7, not 007)");
    }
    Int128 v = 0;
    for (char d : text) {
      if (__builtin_mul_overflow(v, Int128{10}, &v) || __builtin_add_overflow(v, Int128{d - '0'}, &v)) {
        return fail("integer literal too large");
      }
    }
    return Num::integer(v);
  }

  Num name() {
    size_t start = pos_;
    while (pos_ < s_.size() && is_name_char(s_[pos_])) ++pos_;
    std::string id(s_.substr(start, pos_ - start));
    if (peek() == '(') {
      if (++depth_ > kMaxCalculateNesting) return syntax(pos_, "expression nests too deeply");
      size_t open = pos_++;
      std::vector<Num> args;
      skip();
      if (!eat(")")) {
        for (;;) {
          args.push_back(expr());
          if (failed()) return Num{};
          if (eat(",")) {
            if (eat(")")) break;  // trailing comma, as Python allows
            continue;
          }
          if (eat(")")) break;
          if (pos_ >= s_.size()) return syntax(open, "'(' is never closed");
          return unexpected();
        }
      }
      --depth_;
      return call(id, args);
    }
    if (id == "pi") return Num::real(std::numbers::pi);
    if (id == "e") return Num::real(std::numbers::e);
    if (id == "tau") return Num::real(2 * std::numbers::pi);
    if (id == "inf") return Num::real(HUGE_VAL);
    return fail("name '" + id + "' is not defined");
  }

  // ---- arithmetic
  Num add(const Num& a, const Num& b, bool subtract) {
    if (poisoned() || failed()) return Num{};
    if (a.is_int && b.is_int) {
      Int128 r;
      bool o = subtract ? __builtin_sub_overflow(a.i, b.i, &r) : __builtin_add_overflow(a.i, b.i, &r);
      if (o) return fail("integer result too large");
      return Num::integer(r);
    }
    return Num::real(subtract ? a.as_double() - b.as_double() : a.as_double() + b.as_double());
  }

  Num mul(const Num& a, const Num& b) {
    if (poisoned() || failed()) return Num{};
    if (a.is_int && b.is_int) {
      Int128 r;
      if (__builtin_mul_overflow(a.i, b.i, &r)) return fail("integer result too large");
      return Num::integer(r);
    }
    return Num::real(a.as_double() * b.as_double());
  }

  static bool is_zero(const Num& v) { return v.is_int ? v.i == 0 : v.f == 0.0; }

  Num truediv(const Num& a, const Num& b) {
    if (poisoned() || failed()) return Num{};
    if (is_zero(b)) return fail("division by zero");
    if (a.is_int && b.is_int) {
      constexpr Int128 kExact = Int128{1} << 53;
      if (a.i < kExact && a.i > -kExact && b.i < kExact && b.i > -kExact) {
        return Num::real(static_cast<double>(a.i) / static_cast<double>(b.i));
      }
      return Num::real(static_cast<double>(static_cast<long double>(a.i) / static_cast<long double>(b.i)));
    }
    return Num::real(a.as_double() / b.as_double());
  }

  // CPython's float divmod, so that signs and edge cases match.
  static void float_divmod(double vx, double wx, double* floordiv, double* modulo) {
    double m = std::fmod(vx, wx);
    double div = (vx - m) / wx;
    if (m != 0.0) {
      if ((wx < 0) != (m < 0)) {
        m += wx;
        div -= 1.0;
      }
    } else {
      m = std::copysign(0.0, wx);
    }
    double fd;
    if (div != 0.0) {
      fd = std::floor(div);
      if (div - fd > 0.5) fd += 1.0;
    } else {
      fd = std::copysign(0.0, vx / wx);
    }
    *floordiv = fd;
    *modulo = m;
  }

  Num floordiv(const Num& a, const Num& b) {
    if (poisoned() || failed()) return Num{};
    if (is_zero(b)) return fail("division by zero");
    if (a.is_int && b.is_int) {
      if (a.i == kInt128Min && b.i == -1) return fail("integer result too large");
      Int128 q = a.i / b.i;
      if (a.i % b.i != 0 && ((a.i < 0) != (b.i < 0))) --q;
      return Num::integer(q);
    }
    double fd, m;
    float_divmod(a.as_double(), b.as_double(), &fd, &m);
    return Num::real(fd);
  }

  Num mod(const Num& a, const Num& b) {
    if (poisoned() || failed()) return Num{};
    if (is_zero(b)) return fail("modulo by zero");
    if (a.is_int && b.is_int) {
      if (b.i == -1) return Num::integer(0);
      Int128 r = a.i % b.i;
      if (r != 0 && ((r < 0) != (b.i < 0))) r += b.i;
      return Num::integer(r);
    }
    double fd, m;
    float_divmod(a.as_double(), b.as_double(), &fd, &m);
    return Num::real(m);
  }

  Num negate(const Num& a) {
    if (poisoned() || failed()) return Num{};
    if (a.is_int) {
      if (a.i == kInt128Min) return fail("integer result too large");
      return Num::integer(-a.i);
    }
    return Num::real(-a.f);
  }

  Num pow(const Num& a, const Num& b) {
    if (poisoned() || failed()) return Num{};
    if (a.is_int && b.is_int && b.i >= 0) {
      Int128 result = 1, base = a.i, e = b.i;
      // 0, 1 and -1 stay small whatever the exponent.
      if (base == 0) return Num::integer(e == 0 ? 1 : 0);
      if (base == 1) return Num::integer(1);
      if (base == -1) return Num::integer(e % 2 == 0 ? 1 : -1);
      if (e > 200) return fail("integer result too large");
      while (e > 0) {
        if (e & 1) {
          if (__builtin_mul_overflow(result, base, &result)) return fail("integer result too large");
        }
        e >>= 1;
        if (e > 0 && __builtin_mul_overflow(base, base, &base)) return fail("integer result too large");
      }
      return Num::integer(result);
    }
    double x = a.as_double(), y = b.as_double();
    if (y == 0.0) return Num::real(1.0);
    if (std::isnan(x)) return Num::real(x);
    if (std::isnan(y)) return Num::real(x == 1.0 ? 1.0 : y);
    if (x == 0.0 && y < 0.0) return fail("0.0 cannot be raised to a negative power");
    if (x < 0.0 && std::isfinite(x) && std::isfinite(y) && y != std::floor(y)) {
      return fail("negative number cannot be raised to a fractional power");
    }
    double r = std::pow(x, y);
    if (std::isinf(r) && std::isfinite(x) && std::isfinite(y)) return fail("numerical result out of range");
    return Num::real(r);
  }

  // ---- functions
  Num math1(const Num& a, double (*fn)(double), bool can_overflow) {
    double x = a.as_double();
    double r = fn(x);
    if (std::isnan(r) && !std::isnan(x)) return fail("math domain error");
    if (std::isinf(r) && std::isfinite(x)) return fail(can_overflow ? "math range error" : "math domain error");
    return Num::real(r);
  }

  Num to_int(double x) {
    if (std::isnan(x)) return fail("cannot convert float NaN to integer");
    if (std::isinf(x)) return fail("cannot convert float infinity to integer");
    if (x >= 1.7014118346046923e38 || x < -1.7014118346046923e38) return fail("integer result too large");
    return Num::integer(static_cast<Int128>(x));
  }

  static int compare(const Num& a, const Num& b) {
    if (a.is_int && b.is_int) return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
    long double x = a.is_int ? static_cast<long double>(a.i) : a.f;
    long double y = b.is_int ? static_cast<long double>(b.i) : b.f;
    if (x < y) return -1;
    if (x > y) return 1;
    return 0;  // equal, or a NaN is involved: Python's min/max keep the earlier one then
  }

  Num round(const std::vector<Num>& args) {
    const Num& x = args[0];
    if (args.size() == 1) {
      if (x.is_int) return x;
      return to_int(std::nearbyint(x.f));  // default rounding mode: ties to even, as Python
    }
    const Num& nd = args[1];
    if (!nd.is_int) return fail("'float' object cannot be interpreted as an integer");
    if (x.is_int) {
      if (nd.i >= 0) return x;
      if (nd.i < -38) return Num::integer(0);
      bool neg = x.i < 0;
      Int128 ax = neg ? -x.i : x.i;  // |x| < 2^127 except for the minimum, ruled out below
      if (x.i == kInt128Min) return fail("integer result too large");
      std::string r = round_digits(num::int128_text(ax), static_cast<size_t>(-nd.i), false);
      Int128 v = 0;
      for (char d : r) {
        if (__builtin_mul_overflow(v, Int128{10}, &v) || __builtin_add_overflow(v, Int128{d - '0'}, &v)) {
          return fail("integer result too large");
        }
      }
      return Num::integer(neg ? -v : v);
    }
    double f = x.f;
    if (!std::isfinite(f) || f == 0.0) return x;
    if (nd.i > 323) return x;
    if (nd.i < -308) return Num::real(0.0 * f);
    // At most 309 integer digits, a point and 323 decimals.
    char buf[700];
    std::string text;
    if (nd.i >= 0) {
      // glibc prints the exact binary value rounded half-to-even, as CPython's dtoa does.
      int len = std::snprintf(buf, sizeof(buf), "%.*f", static_cast<int>(nd.i), f);
      text.assign(buf, static_cast<size_t>(len));
    } else {
      double t = std::trunc(std::fabs(f));
      int len = std::snprintf(buf, sizeof(buf), "%.0f", t);
      text = (f < 0 ? "-" : "") + round_digits(std::string(buf, static_cast<size_t>(len)), static_cast<size_t>(-nd.i), std::fabs(f) != t);
    }
    double r = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), r);
    (void)p;
    if (ec != std::errc() || std::isinf(r)) return fail("rounded value too large to represent");
    if (r == 0.0) r = std::copysign(0.0, f);
    return Num::real(r);
  }

  Num pow3(const Num& a, const Num& b, const Num& m) {
    if (!a.is_int || !b.is_int || !m.is_int) return fail("pow() 3rd argument not allowed unless all arguments are integers");
    if (m.i == 0) return fail("pow() 3rd argument cannot be 0");
    if (b.i < 0) return fail("pow() with a negative exponent and a modulus is not supported");
    constexpr Int128 kLimit = Int128{1} << 62;
    if (m.i >= kLimit || m.i <= -kLimit) return fail("pow() modulus too large");
    Int128 mm = m.i < 0 ? -m.i : m.i;
    Int128 base = a.i % mm, result = 1 % mm, e = b.i;
    if (base < 0) base += mm;
    while (e > 0) {
      if (e & 1) result = result * base % mm;
      base = base * base % mm;
      e >>= 1;
    }
    if (m.i < 0 && result != 0) result -= mm;  // Python: the sign of the modulus
    return Num::integer(result);
  }

  Num call(const std::string& fn, const std::vector<Num>& args) {
    if (poisoned()) return Num{};
    auto arity = [&](size_t lo, size_t hi) -> bool {
      if (args.size() >= lo && args.size() <= hi) return true;
      std::string want = lo == hi ? (lo == 1 ? "exactly one argument" : "exactly " + std::to_string(lo) + " arguments")
                                  : "from " + std::to_string(lo) + " to " + std::to_string(hi) + " arguments";
      fail(fn + "() takes " + want + " (" + std::to_string(args.size()) + " given)");
      return false;
    };
    if (fn == "abs") {
      if (!arity(1, 1)) return Num{};
      const Num& x = args[0];
      if (x.is_int) return x.i < 0 ? negate(x) : x;
      return Num::real(std::fabs(x.f));
    }
    if (fn == "round") return arity(1, 2) ? round(args) : Num{};
    if (fn == "min" || fn == "max") {
      if (args.empty()) return fail(fn + " expected at least 1 argument, got 0");
      Num best = args[0];
      for (size_t k = 1; k < args.size(); ++k) {
        int c = compare(args[k], best);
        if (fn == "min" ? c < 0 : c > 0) best = args[k];
      }
      return best;
    }
    if (fn == "sqrt") return arity(1, 1) ? math1(args[0], [](double x) { return std::sqrt(x); }, false) : Num{};
    if (fn == "sin") return arity(1, 1) ? math1(args[0], [](double x) { return std::sin(x); }, false) : Num{};
    if (fn == "cos") return arity(1, 1) ? math1(args[0], [](double x) { return std::cos(x); }, false) : Num{};
    if (fn == "tan") return arity(1, 1) ? math1(args[0], [](double x) { return std::tan(x); }, false) : Num{};
    if (fn == "asin") return arity(1, 1) ? math1(args[0], [](double x) { return std::asin(x); }, false) : Num{};
    if (fn == "acos") return arity(1, 1) ? math1(args[0], [](double x) { return std::acos(x); }, false) : Num{};
    if (fn == "atan") return arity(1, 1) ? math1(args[0], [](double x) { return std::atan(x); }, false) : Num{};
    if (fn == "exp") return arity(1, 1) ? math1(args[0], [](double x) { return std::exp(x); }, true) : Num{};
    if (fn == "log10") return arity(1, 1) ? math1(args[0], [](double x) { return std::log10(x); }, false) : Num{};
    if (fn == "log2") return arity(1, 1) ? math1(args[0], [](double x) { return std::log2(x); }, false) : Num{};
    if (fn == "log") {
      if (!arity(1, 2)) return Num{};
      Num n = math1(args[0], [](double x) { return std::log(x); }, false);
      if (args.size() == 1 || poisoned()) return n;
      Num d = math1(args[1], [](double x) { return std::log(x); }, false);
      if (poisoned()) return Num{};
      if (d.f == 0.0) return fail("division by zero");
      return Num::real(n.f / d.f);
    }
    if (fn == "floor" || fn == "ceil") {
      if (!arity(1, 1)) return Num{};
      if (args[0].is_int) return args[0];
      return to_int(fn == "floor" ? std::floor(args[0].f) : std::ceil(args[0].f));
    }
    if (fn == "pow") {
      if (!arity(2, 3)) return Num{};
      return args.size() == 3 ? pow3(args[0], args[1], args[2]) : pow(args[0], args[1]);
    }
    return fail("function '" + fn + "' is not defined");
  }

  std::string_view s_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::string syntax_;
  std::string eval_;
};

}  // namespace

CalculateResult run_calculate(std::string_view expression) {
  CalculateResult r;
  r.expression = std::string(expression);
  if (expression.size() > kMaxCalculateExpression) {
    r.error = "expression longer than " + std::to_string(kMaxCalculateExpression) + " characters";
    return r;
  }
  Calc c(expression);
  r.result = c.run(&r.error);
  if (!r.error.empty()) r.result.clear();
  return r;
}

Result<schema::PayloadPtr> calculate_response(const schema::Payload& request, const schema::Schema& schema) {
  if (!request.record.cls || request.record.cls->name != schema::kCalculate) {
    return Error::invalid("tool:calculate takes a Calculate payload");
  }
  const schema::PayloadClass* out = schema.find(schema::kCalculateResult);
  if (!out) return Error::make(ErrorCode::Internal, "the schema has no CalculateResult class");
  const schema::Value* expr = request.record.get("expression");
  std::string text = expr && expr->is<std::string>() ? expr->as<std::string>() : std::string();
  CalculateResult r = run_calculate(text);
  schema::Payload p;
  p.record = schema::zero_record(*out);
  if (auto* v = p.record.get("expression")) *v = schema::Value(std::move(r.expression));
  if (auto* v = p.record.get("result")) *v = schema::Value(std::move(r.result));
  if (auto* v = p.record.get("error")) *v = schema::Value(std::move(r.error));
  return std::make_shared<const schema::Payload>(std::move(p));
}

}  // namespace nextra::handlers
