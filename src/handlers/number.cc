#include "handlers/number.h"

#include <charconv>
#include <cmath>

namespace nextra::handlers::num {
namespace {

constexpr int kMaxDigits = 36;  // leaves room in 128 bits to align scales and multiply by 10

std::string_view trim(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

Error range_error() { return Error::make(ErrorCode::InvalidArgument, "number out of range"); }

bool pow10(int k, Int128* out) {
  Int128 r = 1;
  for (int i = 0; i < k; ++i) {
    if (__builtin_mul_overflow(r, Int128{10}, &r)) return false;
  }
  *out = r;
  return true;
}

// Brings both mantissas to the larger scale.
bool align(const Number& a, const Number& b, Int128* am, Int128* bm, int* scale) {
  *am = a.mant;
  *bm = b.mant;
  *scale = a.scale > b.scale ? a.scale : b.scale;
  Int128 f = 0;
  if (a.scale < *scale) {
    if (!pow10(*scale - a.scale, &f) || __builtin_mul_overflow(*am, f, am)) return false;
  }
  if (b.scale < *scale) {
    if (!pow10(*scale - b.scale, &f) || __builtin_mul_overflow(*bm, f, bm)) return false;
  }
  return true;
}

// Drops trailing fractional zeros so repeated multiplication does not grow the scale.
Number normalize(Number n) {
  while (n.scale > 0 && n.mant % 10 == 0) {
    n.mant /= 10;
    --n.scale;
  }
  return n;
}

long double approx(const Number& n) {
  long double v = static_cast<long double>(n.mant);
  for (int i = 0; i < n.scale; ++i) v /= 10;
  return v;
}

// The double nearest to n, as reading its text would give ("19.99" and "1999e-2" meet).
double nearest_double(const Number& n) {
  std::string t = to_text(Number{n.mant, n.scale, false});
  double d = 0;
  std::from_chars(t.data(), t.data() + t.size(), d);
  return d;
}

// Only plain decimal or scientific text counts as a number; std::from_chars would also
// take "inf" and "nan", which are words in a payload, not numbers.
bool scientific_shape(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool digits = false;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') { ++i; digits = true; }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') { ++i; digits = true; }
  }
  if (!digits || i == s.size() || (s[i] != 'e' && s[i] != 'E')) return false;
  ++i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool exp_digits = false;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') { ++i; exp_digits = true; }
  return exp_digits && i == s.size();
}

}  // namespace

std::optional<Number> parse(std::string_view text) {
  auto s = trim(text);
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    neg = s[i] == '-';
    ++i;
  }
  Number n;
  bool digits = false, dot = false;
  int significant = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      digits = true;
      if (n.mant != 0 || c != '0') ++significant;
      if (significant > kMaxDigits) return std::nullopt;
      n.mant = n.mant * 10 + (c - '0');
      if (dot) ++n.scale;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      return std::nullopt;
    }
  }
  if (!digits) return std::nullopt;
  if (n.scale > kMaxDigits) return std::nullopt;
  n.is_int = !dot;
  if (neg) n.mant = -n.mant;
  return n;
}

std::optional<Number> of_value(const schema::Value& v) {
  if (v.is<std::int64_t>()) return Number{v.as<std::int64_t>(), 0, true};
  if (v.is<schema::Decimal>()) {
    auto n = parse(v.as<schema::Decimal>().text);
    if (n) n->is_int = false;
    return n;
  }
  if (v.is<std::string>()) return parse(v.as<std::string>());
  return std::nullopt;
}

Result<Number> add(const Number& a, const Number& b) {
  Int128 am, bm, r;
  int scale;
  if (!align(a, b, &am, &bm, &scale) || __builtin_add_overflow(am, bm, &r)) return range_error();
  return normalize(Number{r, scale, a.is_int && b.is_int});
}

Result<Number> sub(const Number& a, const Number& b) {
  Int128 am, bm, r;
  int scale;
  if (!align(a, b, &am, &bm, &scale) || __builtin_sub_overflow(am, bm, &r)) return range_error();
  return normalize(Number{r, scale, a.is_int && b.is_int});
}

Result<Number> mul(const Number& a, const Number& b) {
  Int128 r;
  if (__builtin_mul_overflow(a.mant, b.mant, &r)) return range_error();
  Number n = normalize(Number{r, a.scale + b.scale, a.is_int && b.is_int});
  if (n.scale > 2 * kMaxDigits) return range_error();
  return n;
}

std::string int128_text(Int128 v) {
  char buf[48];
  int pos = sizeof(buf);
  bool neg = v < 0;
  // Work in the negative range so the most negative value does not overflow.
  if (!neg) v = -v;
  do {
    buf[--pos] = static_cast<char>('0' - static_cast<int>(v % 10));
    v /= 10;
  } while (v != 0);
  if (neg) buf[--pos] = '-';
  return std::string(buf + pos, sizeof(buf) - static_cast<size_t>(pos));
}

std::string to_text(const Number& n) {
  if (n.is_int || n.scale == 0) {
    std::string s = int128_text(n.mant);
    if (!n.is_int) s += ".0";
    return s;
  }
  Number m = normalize(n);
  bool neg = m.mant < 0;
  std::string digits = int128_text(neg ? -m.mant : m.mant);
  if (m.scale == 0) return (neg ? "-" : "") + digits + ".0";
  auto scale = static_cast<size_t>(m.scale);
  if (digits.size() <= scale) digits.insert(0, scale - digits.size() + 1, '0');
  digits.insert(digits.size() - scale, 1, '.');
  return (neg ? "-" : "") + digits;
}

Result<schema::Value> to_value(const Number& n) {
  if (n.is_int) {
    if (n.mant > INT64_MAX || n.mant < INT64_MIN) return range_error();
    return schema::Value(static_cast<std::int64_t>(n.mant));
  }
  return schema::Value(schema::Decimal{to_text(n)});
}

std::optional<Comparable> comparable(std::string_view text) {
  if (auto n = parse(text)) return Comparable{true, *n, 0};
  auto s = trim(text);
  if (!scientific_shape(s)) {
    // Too many digits for the exact form: still a number, compared as a double.
    if (s.empty() || s.size() > 400) return std::nullopt;
    bool ok = true, any = false;
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (c >= '0' && c <= '9') any = true;
      else if (!(c == '.' || ((c == '-' || c == '+') && i == 0))) ok = false;
    }
    if (!ok || !any) return std::nullopt;
  }
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (p != s.data() + s.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) d = (s[0] == '-' ? -HUGE_VAL : HUGE_VAL);
  else if (ec != std::errc()) return std::nullopt;
  return Comparable{false, {}, d};
}

std::optional<Comparable> comparable_value(const schema::Value& v) {
  if (v.is<std::int64_t>()) return Comparable{true, Number{v.as<std::int64_t>(), 0, true}, 0};
  if (v.is<schema::Decimal>()) return comparable(std::string_view(v.as<schema::Decimal>().text));
  if (v.is<std::string>()) return comparable(std::string_view(v.as<std::string>()));
  return std::nullopt;
}

int compare(const Comparable& a, const Comparable& b) {
  if (a.exact && b.exact) {
    Int128 am, bm;
    int scale;
    if (align(a.n, b.n, &am, &bm, &scale)) return am < bm ? -1 : (am > bm ? 1 : 0);
    long double x = approx(a.n), y = approx(b.n);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  double x = a.exact ? nearest_double(a.n) : a.d;
  double y = b.exact ? nearest_double(b.n) : b.d;
  return x < y ? -1 : (x > y ? 1 : 0);
}

}  // namespace nextra::handlers::num
