#include "vault/secret_refs.h"

namespace nextra::vault {
namespace {

constexpr std::string_view kOpen = "${secret:";
constexpr std::string_view kEscape = "$${secret:";

bool is_first_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_name_char(char c) {
  return is_first_char(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

// What starts at text[i]: an escape, a reference (with its name and length), a malformed
// reference, or nothing of interest.
struct Token {
  enum Kind { None, Escape, Ref, Malformed } kind = None;
  std::string_view name;
  std::size_t length = 0;
};

Token token_at(std::string_view text, std::size_t i) {
  std::string_view rest = text.substr(i);
  if (rest.substr(0, kEscape.size()) == kEscape) return {Token::Escape, {}, 2};
  if (rest.substr(0, kOpen.size()) != kOpen) return {};
  std::size_t end = kOpen.size();
  while (end < rest.size() && is_name_char(rest[end]) &&
         end - kOpen.size() < kMaxSecretNameLength + 1) {
    ++end;
  }
  std::string_view name = rest.substr(kOpen.size(), end - kOpen.size());
  if (end >= rest.size() || rest[end] != '}' || !validate_secret_name(name).ok()) {
    return {Token::Malformed, {}, 1};
  }
  return {Token::Ref, name, end + 1};
}

// Tracks 1-based line/column while scanning forward.
struct Cursor {
  std::string_view text;
  std::size_t pos = 0;
  int line = 1;
  int column = 1;
  void advance_to(std::size_t target) {
    for (; pos < target; ++pos) {
      if (text[pos] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
  }
};

}  // namespace

Status validate_secret_name(std::string_view name) {
  auto fail = [](std::string msg) {
    Error e = Error::invalid(std::move(msg));
    e.field = "name";
    return e;
  };
  if (name.empty()) return fail("secret name must not be empty");
  if (name.size() > kMaxSecretNameLength) {
    return fail("secret name must be at most 128 characters");
  }
  if (!is_first_char(name[0])) {
    return fail("secret name must start with a letter or '_'");
  }
  for (char c : name) {
    if (!is_name_char(c)) {
      return fail("secret name may contain only letters, digits, '_', '.' and '-'");
    }
  }
  return {};
}

std::vector<SecretRef> find_secret_refs(std::string_view text) {
  std::vector<SecretRef> refs;
  Cursor cursor{text};
  std::size_t i = text.find('$');
  while (i != std::string_view::npos) {
    Token t = token_at(text, i);
    if (t.kind == Token::Ref) {
      cursor.advance_to(i);
      refs.push_back({std::string(t.name), cursor.line, cursor.column});
    }
    i = text.find('$', i + (t.kind == Token::None ? 1 : t.length));
  }
  return refs;
}

Result<std::string> resolve_secret_refs(
    std::string_view text,
    const std::function<Result<std::string>(std::string_view name)>& lookup) {
  std::string out;
  out.reserve(text.size());
  Cursor cursor{text};
  std::size_t copied = 0;  // text[0, copied) is already in `out`
  std::size_t i = text.find('$');
  while (i != std::string_view::npos) {
    Token t = token_at(text, i);
    switch (t.kind) {
      case Token::None:
        break;
      case Token::Escape:
        out.append(text.substr(copied, i - copied));
        out.push_back('$');  // "$${" -> "${"; the rest is copied as plain text
        copied = i + 2;
        break;
      case Token::Malformed: {
        cursor.advance_to(i);
        Error e = Error::invalid(
            "malformed secret reference: expected ${secret:NAME} with NAME matching "
            "[A-Za-z_][A-Za-z0-9_.-]{0,127} (write $${secret:...} for literal text)");
        e.line = cursor.line;
        e.column = cursor.column;
        return e;
      }
      case Token::Ref: {
        auto value = lookup(t.name);
        if (!value.ok()) {
          cursor.advance_to(i);
          Error e = value.take_error();
          e.line = cursor.line;
          e.column = cursor.column;
          return e;
        }
        out.append(text.substr(copied, i - copied));
        out.append(*value);
        copied = i + t.length;
        break;
      }
    }
    i = text.find('$', i + (t.kind == Token::None ? 1 : t.length));
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace nextra::vault
