#pragma once
// UTF-8 helpers shared by the template filters, the JSON writer and the regex matcher.
// Invalid bytes decode as U+FFFD one byte at a time so that no input can stall a loop.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace nextra::schema::utf8 {

inline constexpr char32_t kReplacement = 0xFFFD;

// Decodes the code point starting at s[i]; sets *len to the bytes it used (>= 1).
inline char32_t decode(std::string_view s, size_t i, size_t* len) {
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    *len = 1;
    return b0;
  }
  size_t need = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) { need = 1; cp = b0 & 0x1F; min = 0x80; }
  else if ((b0 & 0xF0) == 0xE0) { need = 2; cp = b0 & 0x0F; min = 0x800; }
  else if ((b0 & 0xF8) == 0xF0) { need = 3; cp = b0 & 0x07; min = 0x10000; }
  else { *len = 1; return kReplacement; }
  if (i + need >= s.size()) {
    *len = 1;
    return kReplacement;
  }
  for (size_t k = 1; k <= need; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) { *len = 1; return kReplacement; }
    cp = (cp << 6) | (b & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) { *len = 1; return kReplacement; }
  *len = need + 1;
  return cp;
}

// True when the bytes at s[i] form a valid sequence (as opposed to decoding to U+FFFD
// because they are broken).
inline bool valid_at(std::string_view s, size_t i, size_t* len) {
  char32_t cp = decode(s, i, len);
  if (cp != kReplacement) return true;
  // A literal U+FFFD is three bytes; a broken byte decodes with length 1.
  return *len == 3;
}

inline void append(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Number of code points (a broken byte counts as one).
inline size_t length(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) { ++i; continue; }
    size_t len = 1;
    decode(s, i, &len);
    i += len;
  }
  return n;
}

// Byte length of the first `count` code points of `s` (all of it when shorter).
inline size_t prefix_bytes(std::string_view s, size_t count) {
  size_t i = 0;
  for (size_t n = 0; n < count && i < s.size(); ++n) {
    size_t len = 1;
    if (static_cast<unsigned char>(s[i]) >= 0x80) decode(s, i, &len);
    i += len;
  }
  return i;
}

}  // namespace nextra::schema::utf8
