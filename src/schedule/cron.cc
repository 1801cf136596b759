#include "schedule/cron.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace nextra::schedule {
namespace {

struct FieldSpec {
  const char* name;
  int min;
  int max;
  const char* const* names;  // names[i] is value min+i; nullptr if none
};

constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", nullptr};
constexpr const char* kDowNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", nullptr};

constexpr FieldSpec kSecond{"second", 0, 59, nullptr};
constexpr FieldSpec kMinute{"minute", 0, 59, nullptr};
constexpr FieldSpec kHour{"hour", 0, 23, nullptr};
constexpr FieldSpec kDom{"day-of-month", 1, 31, nullptr};
constexpr FieldSpec kMonth{"month", 1, 12, kMonthNames};
constexpr FieldSpec kDow{"day-of-week", 0, 7, kDowNames};

Error err(int column, std::string msg) {
  Error e = Error::invalid(std::move(msg));
  e.column = column;
  return e;
}

struct Token {
  std::string_view text;
  int column;  // 1-based
};

// Parses one value (number or name) of `spec` at text[*i]; advances *i.
Result<int> parse_value(const FieldSpec& spec, std::string_view f, std::size_t* i, int col0) {
  const int col = col0 + static_cast<int>(*i);
  if (*i < f.size() && std::isdigit(static_cast<unsigned char>(f[*i]))) {
    long v = 0;
    while (*i < f.size() && std::isdigit(static_cast<unsigned char>(f[*i]))) {
      v = std::min(v * 10 + (f[*i] - '0'), 1000000L);
      ++*i;
    }
    if (v < spec.min || v > spec.max)
      return err(col, std::string(spec.name) + " " + std::to_string(v) + " is out of range " +
                          std::to_string(spec.min) + "-" + std::to_string(spec.max));
    return static_cast<int>(v);
  }
  if (*i < f.size() && std::isalpha(static_cast<unsigned char>(f[*i])) && spec.names) {
    std::size_t j = *i;
    std::string word;
    while (j < f.size() && std::isalpha(static_cast<unsigned char>(f[j])))
      word += static_cast<char>(std::toupper(static_cast<unsigned char>(f[j++])));
    for (int k = 0; spec.names[k]; ++k) {
      if (word == spec.names[k]) {
        *i = j;
        return spec.min + k;
      }
    }
    return err(col, std::string(spec.name) + " name '" + std::string(f.substr(*i, j - *i)) +
                        "' is unknown");
  }
  const std::string got = *i < f.size() ? "'" + std::string(1, f[*i]) + "'" : "end of field";
  return err(col, std::string(spec.name) + ": expected a value, got " + got);
}

// Parses a whole field into a bit mask (bit v = value v). Day-of-week 7 maps to 0.
Result<std::uint64_t> parse_field(const FieldSpec& spec, const Token& tok) {
  const std::string_view f = tok.text;
  std::uint64_t mask = 0;
  std::size_t i = 0;
  while (true) {
    const std::size_t item_start = i;
    int lo = 0, hi = 0;
    bool star = false;
    if (i < f.size() && f[i] == '*') {
      star = true;
      lo = spec.min;
      hi = spec.name == kDow.name ? 6 : spec.max;
      ++i;
    } else {
      NEXTRA_ASSIGN_OR_RETURN(lo, parse_value(spec, f, &i, tok.column));
      hi = lo;
      if (i < f.size() && f[i] == '-') {
        ++i;
        NEXTRA_ASSIGN_OR_RETURN(hi, parse_value(spec, f, &i, tok.column));
        if (hi < lo)
          return err(tok.column + static_cast<int>(item_start),
                     std::string(spec.name) + " range " + std::to_string(lo) + "-" +
                         std::to_string(hi) + " is reversed");
      }
    }
    int step = 1;
    if (i < f.size() && f[i] == '/') {
      ++i;
      const int col = tok.column + static_cast<int>(i);
      if (i >= f.size() || !std::isdigit(static_cast<unsigned char>(f[i])))
        return err(col, std::string(spec.name) + ": step must be a number");
      long v = 0;
      while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i])))
        v = std::min(v * 10 + (f[i++] - '0'), 1000000L);
      if (v == 0) return err(col, std::string(spec.name) + " step 0 is invalid");
      if (v > spec.max)
        return err(col, std::string(spec.name) + " step " + std::to_string(v) +
                            " is out of range 1-" + std::to_string(spec.max));
      step = static_cast<int>(v);
      if (!star && hi == lo) hi = spec.name == kDow.name ? 6 : spec.max;  // "5/15"
    }
    for (int v = lo; v <= hi; v += step) mask |= std::uint64_t{1} << (v == 7 && spec.name == kDow.name ? 0 : v);
    if (i == f.size()) break;
    if (f[i] != ',')
      return err(tok.column + static_cast<int>(i),
                 std::string(spec.name) + ": unexpected '" + std::string(1, f[i]) + "'");
    ++i;
    if (i == f.size())
      return err(tok.column + static_cast<int>(i), std::string(spec.name) + ": empty list item");
  }
  return mask;
}

struct Macro {
  const char* name;
  const char* expansion;
};
constexpr Macro kMacros[] = {
    {"@yearly", "0 0 1 1 *"},  {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"},  {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
};

std::vector<Token> split(std::string_view s, int base_column) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.push_back({s.substr(start, i - start), base_column + static_cast<int>(start)});
  }
  return out;
}

int next_bit(std::uint64_t mask, int from, int max) {
  for (int v = from; v <= max; ++v)
    if (mask >> v & 1) return v;
  return -1;
}

}  // namespace

Result<CronExpression> CronExpression::parse(std::string_view text) {
  CronExpression e;
  e.text_ = std::string(text);
  std::vector<Token> tokens = split(text, 1);
  if (tokens.empty()) return err(1, "empty cron expression: expected 5 or 6 fields");
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] != ' ' && text[i] != '\t' && !std::isprint(static_cast<unsigned char>(text[i])))
      return err(static_cast<int>(i) + 1, "invalid character in cron expression");

  if (tokens[0].text.front() == '@') {
    if (tokens.size() > 1)
      return err(tokens[1].column, "a macro like " + std::string(tokens[0].text) +
                                       " must be the whole expression");
    std::string lower;
    for (char c : tokens[0].text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const Macro* found = nullptr;
    for (const Macro& m : kMacros)
      if (lower == m.name) found = &m;
    if (!found)
      return err(tokens[0].column, "unknown macro '" + std::string(tokens[0].text) +
                                       "' (supported: @yearly @annually @monthly @weekly "
                                       "@daily @midnight @hourly)");
    std::vector<Token> expanded = split(found->expansion, 1);
    for (Token& t : expanded) t.column = tokens[0].column;  // errors cannot happen, but be safe
    tokens = std::move(expanded);
  }

  if (tokens.size() != 5 && tokens.size() != 6) {
    const int col = tokens.size() > 6 ? tokens[6].column : static_cast<int>(text.size()) + 1;
    return err(col, "expected 5 fields (min hour dom month dow) or 6 (sec min hour dom month "
                    "dow), got " + std::to_string(tokens.size()));
  }
  std::size_t k = 0;
  e.has_seconds_ = tokens.size() == 6;
  if (e.has_seconds_) {
    NEXTRA_ASSIGN_OR_RETURN(e.seconds_, parse_field(kSecond, tokens[k++]));
  }
  NEXTRA_ASSIGN_OR_RETURN(e.minutes_, parse_field(kMinute, tokens[k++]));
  NEXTRA_ASSIGN_OR_RETURN(std::uint64_t hours, parse_field(kHour, tokens[k++]));
  e.dom_star_ = tokens[k].text.front() == '*';
  NEXTRA_ASSIGN_OR_RETURN(std::uint64_t dom, parse_field(kDom, tokens[k++]));
  NEXTRA_ASSIGN_OR_RETURN(std::uint64_t months, parse_field(kMonth, tokens[k++]));
  e.dow_star_ = tokens[k].text.front() == '*';
  NEXTRA_ASSIGN_OR_RETURN(std::uint64_t dow, parse_field(kDow, tokens[k++]));
  e.hours_ = static_cast<std::uint32_t>(hours);
  e.dom_ = static_cast<std::uint32_t>(dom);
  e.months_ = static_cast<std::uint16_t>(months);
  e.dow_ = static_cast<std::uint8_t>(dow);
  return e;
}

bool CronExpression::day_matches(std::int64_t y, int m, int d) const {
  const bool dom_ok = dom_ >> d & 1;
  const bool dow_ok = dow_ >> detail::weekday_from_days(detail::days_from_civil(y, m, d)) & 1;
  if (dom_star_ || dow_star_) return dom_ok && dow_ok;
  return dom_ok || dow_ok;
}

// First local wall-clock time >= local_start that matches all fields, or nullopt once the
// year passes max_year. Skips whole months/days/hours/minutes that cannot match.
std::optional<std::int64_t> CronExpression::next_local(std::int64_t local_start,
                                                       int max_year) const {
  const CivilTime c = detail::civil_from_seconds(local_start);
  std::int64_t y = c.year;
  int m = c.month, d = c.day, h = c.hour, mi = c.minute, s = c.second;
  auto next_month = [&] {
    d = 1;
    h = mi = s = 0;
    if (++m > 12) {
      m = 1;
      ++y;
    }
  };
  while (y <= max_year) {
    if (!(months_ >> m & 1)) {
      next_month();
      continue;
    }
    if (d > detail::days_in_month(y, m)) {
      next_month();
      continue;
    }
    if (!day_matches(y, m, d)) {
      ++d;
      h = mi = s = 0;
      continue;
    }
    const int nh = next_bit(hours_, h, 23);
    if (nh < 0) {
      ++d;
      h = mi = s = 0;
      continue;
    }
    if (nh != h) {
      h = nh;
      mi = s = 0;
    }
    const int nm = next_bit(minutes_, mi, 59);
    if (nm < 0) {
      ++h;
      mi = s = 0;
      continue;
    }
    if (nm != mi) {
      mi = nm;
      s = 0;
    }
    const int ns = next_bit(seconds_, s, 59);
    if (ns < 0) {
      ++mi;
      s = 0;
      continue;
    }
    return detail::days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + ns;
  }
  return std::nullopt;
}

namespace {

// Local wall-clock seconds -> the UTC instant a firing at that local time happens:
// the earlier instant if ambiguous, the end of the gap if nonexistent.
std::int64_t fire_instant(std::int64_t local, const TimeZone& tz) {
  if (auto u = tz.to_utc(detail::civil_from_seconds(local))) return *u;
  // In a gap: find the first instant t whose local time is past `local` (the transition).
  std::int64_t lo = local - 30 * 3600, hi = local + 30 * 3600;  // pred(lo) false, pred(hi) true
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    (mid + tz.offset_at(mid) > local ? hi : lo) = mid;
  }
  return hi;
}

}  // namespace

std::optional<std::int64_t> CronExpression::next_after(std::int64_t after,
                                                       const TimeZone& tz) const {
  if (after < detail::kMinSeconds + 2 * 86400 || after > detail::kMaxSeconds - 7 * 366 * 86400)
    return std::nullopt;
  const CivilTime start = tz.to_local(after);
  const int max_year = start.year + 5;
  std::int64_t cursor = detail::seconds_from_civil(start) + 1;
  // Local -> fire instant is monotonic, so the first candidate past `after` is the answer.
  // Candidates at or before `after` only occur inside a repeated (fall-back) hour.
  while (true) {
    const std::optional<std::int64_t> local = next_local(cursor, max_year);
    if (!local) return std::nullopt;
    const std::int64_t u = fire_instant(*local, tz);
    if (u > after) return u;
    cursor = *local + 1;
  }
}

std::vector<std::int64_t> CronExpression::next_n(std::int64_t after, const TimeZone& tz,
                                                 int n) const {
  std::vector<std::int64_t> out;
  n = std::clamp(n, 0, 10000);
  out.reserve(static_cast<std::size_t>(n));
  while (static_cast<int>(out.size()) < n) {
    const auto next = next_after(after, tz);
    if (!next) break;
    out.push_back(*next);
    after = *next;
  }
  return out;
}

}  // namespace nextra::schedule
