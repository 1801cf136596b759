#include "schedule/time_zone.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace nextra::schedule {
namespace {

// One rule date of a POSIX TZ string: Jn, n or Mm.w.d, plus the local time of day.
struct RuleDate {
  enum class Kind { Julian1, Julian0, MonthWeekDay } kind = Kind::MonthWeekDay;
  int day = 0;    // Jn: 1-365; n: 0-365
  int month = 0;  // Mm.w.d
  int week = 0;
  int wday = 0;
  std::int32_t time = 7200;  // seconds after local midnight; may be negative or > 24h (v3)
};

struct PosixRule {
  std::int32_t std_offset = 0;  // east-positive UTC offset
  bool has_dst = false;
  std::int32_t dst_offset = 0;
  RuleDate start, end;
};

}  // namespace

struct TimeZone::Data {
  std::string name;
  std::vector<std::int64_t> transitions;   // ascending UTC instants
  std::vector<std::int32_t> trans_offset;  // offset in effect from transitions[i]
  std::int32_t initial_offset = 0;         // before the first transition (type 0)
  std::optional<PosixRule> footer;         // after the last transition
};

namespace {

using detail::days_from_civil;
using detail::days_in_month;

Error bad(std::string_view name, std::string_view what) {
  return Error::invalid("time zone '" + std::string(name) + "': " + std::string(what));
}

// --- POSIX TZ string ---------------------------------------------------------------------

class PosixParser {
 public:
  explicit PosixParser(std::string_view s) : s_(s) {}

  bool parse(PosixRule* out) {
    if (!name() || !offset(&out->std_offset, 24)) return false;
    out->std_offset = -out->std_offset;  // POSIX offsets are west-positive
    if (done()) return true;
    if (!name()) return false;
    out->has_dst = true;
    out->dst_offset = out->std_offset + 3600;
    if (!done() && peek() != ',') {
      if (!offset(&out->dst_offset, 24)) return false;
      out->dst_offset = -out->dst_offset;
    }
    if (done()) {  // no rule given: the POSIX default (US rules)
      out->start = {RuleDate::Kind::MonthWeekDay, 0, 3, 2, 0, 7200};
      out->end = {RuleDate::Kind::MonthWeekDay, 0, 11, 1, 0, 7200};
      return true;
    }
    if (peek() != ',') return false;
    ++i_;
    if (!rule(&out->start) || done() || peek() != ',') return false;
    ++i_;
    return rule(&out->end) && done();
  }

 private:
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return s_[i_]; }

  bool name() {
    if (done()) return false;
    if (peek() == '<') {
      const auto close = s_.find('>', i_);
      if (close == std::string_view::npos || close == i_ + 1) return false;
      i_ = close + 1;
      return true;
    }
    const std::size_t start = i_;
    while (!done() && std::isalpha(static_cast<unsigned char>(peek()))) ++i_;
    return i_ - start >= 3;
  }

  bool number(int* out, int max) {
    if (done() || !std::isdigit(static_cast<unsigned char>(peek()))) return false;
    int v = 0;
    while (!done() && std::isdigit(static_cast<unsigned char>(peek()))) {
      v = v * 10 + (peek() - '0');
      if (v > max) return false;
      ++i_;
    }
    *out = v;
    return true;
  }

  // [+-]hh[:mm[:ss]] in seconds, sign as written.
  bool offset(std::int32_t* out, int max_hours) {
    int sign = 1;
    if (!done() && (peek() == '+' || peek() == '-')) {
      sign = peek() == '-' ? -1 : 1;
      ++i_;
    }
    int h = 0, m = 0, sec = 0;
    if (!number(&h, max_hours)) return false;
    if (!done() && peek() == ':') {
      ++i_;
      if (!number(&m, 59)) return false;
      if (!done() && peek() == ':') {
        ++i_;
        if (!number(&sec, 59)) return false;
      }
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }

  bool rule(RuleDate* r) {
    if (done()) return false;
    if (peek() == 'J') {
      ++i_;
      r->kind = RuleDate::Kind::Julian1;
      if (!number(&r->day, 365) || r->day < 1) return false;
    } else if (peek() == 'M') {
      ++i_;
      r->kind = RuleDate::Kind::MonthWeekDay;
      if (!number(&r->month, 12) || r->month < 1 || done() || peek() != '.') return false;
      ++i_;
      if (!number(&r->week, 5) || r->week < 1 || done() || peek() != '.') return false;
      ++i_;
      if (!number(&r->wday, 6)) return false;
    } else {
      r->kind = RuleDate::Kind::Julian0;
      if (!number(&r->day, 365)) return false;
    }
    r->time = 7200;
    if (!done() && peek() == '/') {
      ++i_;
      if (!offset(&r->time, 167)) return false;
    }
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

// Local seconds (since the epoch, in the zone's then-current wall clock) of a rule date.
std::int64_t rule_local(const RuleDate& r, std::int64_t year) {
  std::int64_t day = 0;  // days since epoch
  switch (r.kind) {
    case RuleDate::Kind::Julian1:
      day = days_from_civil(year, 1, 1) + r.day - 1 + (detail::is_leap(year) && r.day >= 60);
      break;
    case RuleDate::Kind::Julian0:
      day = days_from_civil(year, 1, 1) + r.day;
      break;
    case RuleDate::Kind::MonthWeekDay: {
      const std::int64_t first = days_from_civil(year, r.month, 1);
      int d = 1 + (r.wday - detail::weekday_from_days(first) + 7) % 7 + (r.week - 1) * 7;
      while (d > days_in_month(year, r.month)) d -= 7;
      day = first + d - 1;
      break;
    }
  }
  return day * 86400 + r.time;
}

std::int32_t footer_offset(const PosixRule& p, std::int64_t t) {
  if (!p.has_dst) return p.std_offset;
  const CivilTime c = detail::civil_from_seconds(t + p.std_offset);
  const std::int64_t start = rule_local(p.start, c.year) - p.std_offset;
  const std::int64_t end = rule_local(p.end, c.year) - p.dst_offset;
  const bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
  return dst ? p.dst_offset : p.std_offset;
}

// --- TZif ----------------------------------------------------------------------------------

std::int64_t be(std::string_view b, std::size_t pos, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(b[pos + i]);
  if (n == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

struct Header {
  char version = 0;
  std::int64_t isut = 0, isstd = 0, leap = 0, time = 0, type = 0, chars = 0;
  std::size_t data_size(int tsize) const {
    return static_cast<std::size_t>(time * tsize + time + type * 6 + chars + leap * (tsize + 4) +
                                    isstd + isut);
  }
};

bool read_header(std::string_view b, std::size_t pos, Header* h) {
  if (b.size() < pos + 44 || b.substr(pos, 4) != "TZif") return false;
  h->version = b[pos + 4];
  h->isut = be(b, pos + 20, 4);
  h->isstd = be(b, pos + 24, 4);
  h->leap = be(b, pos + 28, 4);
  h->time = be(b, pos + 32, 4);
  h->type = be(b, pos + 36, 4);
  h->chars = be(b, pos + 40, 4);
  constexpr std::int64_t kMax = 1 << 20;
  for (std::int64_t v : {h->isut, h->isstd, h->leap, h->time, h->type, h->chars})
    if (v < 0 || v > kMax) return false;
  return h->type >= 1;
}

}  // namespace

Result<TimeZone> TimeZone::from_tzif(std::string name, std::string_view b) {
  Header h;
  if (!read_header(b, 0, &h)) return bad(name, "not a TZif file");
  std::size_t pos = 44;
  int tsize = 4;
  if (h.version >= '2') {
    pos += h.data_size(4);
    if (!read_header(b, pos, &h)) return bad(name, "truncated TZif v2+ header");
    pos += 44;
    tsize = 8;
  }
  if (b.size() < pos + h.data_size(tsize)) return bad(name, "truncated TZif data");

  auto data = std::make_shared<Data>();
  data->name = std::move(name);
  const std::size_t times_at = pos;
  const std::size_t idx_at = times_at + static_cast<std::size_t>(h.time) * tsize;
  const std::size_t types_at = idx_at + static_cast<std::size_t>(h.time);
  std::vector<std::int32_t> type_off(static_cast<std::size_t>(h.type));
  for (std::size_t i = 0; i < type_off.size(); ++i)
    type_off[i] = static_cast<std::int32_t>(be(b, types_at + i * 6, 4));
  data->initial_offset = type_off[0];
  for (std::int64_t i = 0; i < h.time; ++i) {
    const std::int64_t t = be(b, times_at + static_cast<std::size_t>(i) * tsize, tsize);
    const auto idx = static_cast<unsigned char>(b[idx_at + static_cast<std::size_t>(i)]);
    if (idx >= type_off.size()) return bad(data->name, "transition type index out of range");
    if (!data->transitions.empty() && t <= data->transitions.back())
      return bad(data->name, "transitions not ascending");
    data->transitions.push_back(t);
    data->trans_offset.push_back(type_off[idx]);
  }
  pos += h.data_size(tsize);

  if (tsize == 8 && pos < b.size()) {  // footer: "\n<POSIX TZ>\n"
    if (b[pos] != '\n') return bad(data->name, "malformed footer");
    const auto nl = b.find('\n', pos + 1);
    if (nl == std::string_view::npos) return bad(data->name, "unterminated footer");
    const std::string_view tz = b.substr(pos + 1, nl - pos - 1);
    if (!tz.empty()) {
      PosixRule rule;
      if (!PosixParser(tz).parse(&rule))
        return bad(data->name, "unsupported POSIX TZ footer '" + std::string(tz) + "'");
      data->footer = rule;
    }
  }
  return TimeZone(std::shared_ptr<const Data>(std::move(data)));
}

namespace {

std::shared_ptr<const TimeZone::Data> builtin_utc() {
  static const auto kUtc = [] {
    auto d = std::make_shared<TimeZone::Data>();
    d->name = "UTC";
    return std::shared_ptr<const TimeZone::Data>(std::move(d));
  }();
  return kUtc;
}

bool valid_name(std::string_view n) {
  if (n.empty() || n.size() > 255 || n.front() == '/' || n.find("..") != std::string_view::npos)
    return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '+' || c == '-' ||
           c == '/' || c == '.';
  });
}

std::filesystem::path zoneinfo_root() {
  const char* env = std::getenv("TZDIR");
  return env != nullptr && *env != '\0' ? std::filesystem::path(env)
                                        : std::filesystem::path("/usr/share/zoneinfo");
}

}  // namespace

TimeZone::TimeZone() : data_(builtin_utc()) {}

TimeZone TimeZone::utc() { return TimeZone(); }

Result<TimeZone> TimeZone::load(std::string_view name) {
  if (!valid_name(name)) return bad(name, "invalid zone name");
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const Data>> cache;
  const std::string key(name);
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = cache.find(key); it != cache.end()) return TimeZone(it->second);
  }
  const std::filesystem::path path = zoneinfo_root() / key;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    if (key == "UTC") return utc();
    return bad(name, "unknown zone (no file " + path.string() + ")");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > (1u << 20)) return bad(name, "unreadable or oversized zone file");
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return bad(name, "cannot read " + path.string());
  NEXTRA_ASSIGN_OR_RETURN(TimeZone tz, from_tzif(key, bytes));
  std::lock_guard<std::mutex> lock(mu);
  auto [it, inserted] = cache.emplace(key, tz.data_);
  return TimeZone(it->second);  // a racing loader may have won; everyone shares its data
}

const std::string& TimeZone::name() const { return data_->name; }

std::int32_t TimeZone::offset_at(std::int64_t t) const {
  const Data& d = *data_;
  if (d.transitions.empty())
    return d.footer ? footer_offset(*d.footer, t) : d.initial_offset;
  if (t < d.transitions.front()) return d.initial_offset;
  if (t >= d.transitions.back() && d.footer) return footer_offset(*d.footer, t);
  const auto it = std::upper_bound(d.transitions.begin(), d.transitions.end(), t);
  return d.trans_offset[static_cast<std::size_t>(it - d.transitions.begin()) - 1];
}

std::optional<std::int64_t> TimeZone::to_utc(const CivilTime& local) const {
  if (!detail::valid_civil(local)) return std::nullopt;
  const std::int64_t l = detail::seconds_from_civil(local);
  constexpr std::int64_t kWindow = 30 * 3600;
  std::optional<std::int64_t> best;
  for (std::int64_t probe : {l - kWindow, l, l + kWindow}) {
    const std::int64_t off = offset_at(probe);
    const std::int64_t u = l - off;
    if (offset_at(u) == off && (!best || u < *best)) best = u;
  }
  return best;
}

CivilTime TimeZone::to_local(std::int64_t utc_seconds) const {
  utc_seconds = std::clamp(utc_seconds, detail::kMinSeconds, detail::kMaxSeconds);
  return detail::civil_from_seconds(utc_seconds + offset_at(utc_seconds));
}

}  // namespace nextra::schedule
