#include "xml/escape.h"

#include <array>
#include <cstdint>

namespace nextra::xml {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence of an XML 1.0 Char (>= U+0080) starting at `i`,
// or 0 if the bytes there are not one.
size_t utf8_char_length(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  auto cont = [&](size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  unsigned char c = b(0);
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    std::uint32_t cp = ((c & 0x0Fu) << 12) | ((b(1) & 0x3Fu) << 6) | (b(2) & 0x3Fu);
    if (cp < 0x800) return 0;                     // overlong
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;   // surrogate
    if (cp == 0xFFFE || cp == 0xFFFF) return 0;   // not an XML Char
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    std::uint32_t cp = ((c & 0x07u) << 18) | ((b(1) & 0x3Fu) << 12) | ((b(2) & 0x3Fu) << 6) | (b(3) & 0x3Fu);
    if (cp < 0x10000 || cp > 0x10FFFF) return 0;
    return 4;
  }
  return 0;
}

enum Action : std::uint8_t { kCopy, kEscape, kInvalid, kMultibyte };

constexpr std::array<Action, 256> make_table(bool attribute) {
  std::array<Action, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (c >= 0x80) t[static_cast<size_t>(c)] = kMultibyte;
    else if (c < 0x20) t[static_cast<size_t>(c)] = kInvalid;
    else t[static_cast<size_t>(c)] = kCopy;
  }
  t['\n'] = attribute ? kEscape : kCopy;
  t['\t'] = attribute ? kEscape : kCopy;
  t['\r'] = kEscape;
  t['&'] = kEscape;
  t['<'] = kEscape;
  t['>'] = kEscape;
  if (attribute) t['"'] = kEscape;
  return t;
}

constexpr auto kTextTable = make_table(false);
constexpr auto kAttributeTable = make_table(true);

std::string_view escape_of(char c) {
  switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\r': return "&#13;";
    case '\n': return "&#10;";
    case '\t': return "&#9;";
    default: return {};
  }
}

void append_escaped(std::string_view s, std::string& out, const std::array<Action, 256>& table) {
  size_t run = 0;  // start of the pending run of bytes copied as they are
  size_t i = 0;
  while (i < s.size()) {
    Action a = table[static_cast<unsigned char>(s[i])];
    if (a == kCopy) {
      ++i;
      continue;
    }
    if (a == kMultibyte) {
      if (size_t n = utf8_char_length(s, i)) {
        i += n;
        continue;
      }
    }
    out.append(s.data() + run, i - run);
    out += a == kEscape ? escape_of(s[i]) : kReplacement;
    run = ++i;
  }
  out.append(s.data() + run, s.size() - run);
}

}  // namespace

void append_escaped_text(std::string_view text, std::string& out) { append_escaped(text, out, kTextTable); }

void append_escaped_attribute(std::string_view text, std::string& out) {
  append_escaped(text, out, kAttributeTable);
}

bool is_valid_xml_text(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      size_t n = utf8_char_length(text, i);
      if (n == 0) return false;
      i += n;
    } else {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
      ++i;
    }
  }
  return true;
}

}  // namespace nextra::xml
