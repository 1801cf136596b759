// A hand-written recursive-descent parser for the WIT subset of wit.h. Small on purpose:
// anything outside the subset is refused by name, so a module never advertises a type the
// JSON ABI and the payload classes cannot carry.

#include "wasm/wit.h"

#include <cctype>
#include <set>

namespace nextra::wasm {
namespace {

struct Token {
  std::string text;  // empty at the end
  int line = 1;
  int column = 1;
};

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> out;
    while (true) {
      NEXTRA_TRY(skip_space());
      Token t{{}, line_, col_};
      if (i_ >= s_.size()) {
        out.push_back(t);
        return out;
      }
      const char c = s_[i_];
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '%') {
        while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' || s_[i_] == '_' ||
                                  s_[i_] == '%')) {
          t.text += s_[i_];
          advance();
        }
      } else if (c == '-' && i_ + 1 < s_.size() && s_[i_ + 1] == '>') {
        t.text = "->";
        advance();
        advance();
      } else if (std::string_view("{}():;,<>@/=.").find(c) != std::string_view::npos) {
        t.text = std::string(1, c);
        advance();
      } else {
        return at(t, std::string("unexpected character '") + c + "'");
      }
      if (out.size() >= kMaxWitItems * 16) return at(t, "the description is too long");
      out.push_back(std::move(t));
    }
  }

  static Error at(const Token& t, std::string msg) {
    Error e = Error::invalid("line " + std::to_string(t.line) + ", column " + std::to_string(t.column) + ": " + msg);
    e.line = t.line;
    e.column = t.column;
    return e;
  }

 private:
  void advance() {
    if (s_[i_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++i_;
  }

  Status skip_space() {
    while (i_ < s_.size()) {
      if (std::isspace(static_cast<unsigned char>(s_[i_]))) {
        advance();
      } else if (s_.substr(i_, 2) == "//") {
        while (i_ < s_.size() && s_[i_] != '\n') advance();
      } else if (s_.substr(i_, 2) == "/*") {
        const Token start{{}, line_, col_};
        advance();
        advance();
        while (i_ < s_.size() && s_.substr(i_, 2) != "*/") advance();
        if (i_ >= s_.size()) return at(start, "unterminated comment");
        advance();
        advance();
      } else {
        break;
      }
    }
    return {};
  }

  std::string_view s_;
  std::size_t i_ = 0;
  int line_ = 1;
  int col_ = 1;
};

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  Result<WitDocument> run() {
    if (peek().text == "package") {
      while (!peek().text.empty() && peek().text != ";") ++p_;
      NEXTRA_TRY(expect(";"));
    }
    while (!peek().text.empty()) {
      if (peek().text == "interface" || peek().text == "world") {
        ++p_;
        NEXTRA_TRY(ident("a name"));
        NEXTRA_TRY(expect("{"));
        while (peek().text != "}") {
          if (peek().text.empty()) return Lexer::at(peek(), "missing '}'");
          NEXTRA_TRY(item());
        }
        ++p_;
      } else {
        NEXTRA_TRY(item());
      }
    }
    NEXTRA_TRY(resolve());
    return std::move(doc_);
  }

 private:
  const Token& peek() const { return t_[p_]; }

  Status expect(const char* text) {
    if (peek().text != text) return Lexer::at(peek(), std::string("expected '") + text + "', found " + describe(peek()));
    ++p_;
    return {};
  }

  static std::string describe(const Token& t) { return t.text.empty() ? "the end" : "'" + t.text + "'"; }

  Result<Token> ident(const char* what) {
    const Token t = peek();
    if (t.text.empty() || !(std::isalpha(static_cast<unsigned char>(t.text[0])) || t.text[0] == '%')) {
      return Lexer::at(t, std::string("expected ") + what + ", found " + describe(t));
    }
    ++p_;
    Token out = t;
    if (!out.text.empty() && out.text[0] == '%') out.text.erase(0, 1);  // %keyword escapes
    return out;
  }

  Status count() {
    if (++items_ > kMaxWitItems) return Lexer::at(peek(), "more than " + std::to_string(kMaxWitItems) + " items");
    return {};
  }

  Status item() {
    NEXTRA_TRY(count());
    if (peek().text == "record") {
      ++p_;
      return record();
    }
    if (peek().text == "export") ++p_;
    return function();
  }

  Status record() {
    NEXTRA_ASSIGN_OR_RETURN(const Token name, ident("a record name"));
    if (doc_.find_record(name.text)) return Lexer::at(name, "record '" + name.text + "' is declared twice");
    WitRecord r{name.text, {}, name.line};
    NEXTRA_TRY(expect("{"));
    std::set<std::string> seen;
    while (peek().text != "}") {
      NEXTRA_TRY(count());
      NEXTRA_ASSIGN_OR_RETURN(const Token field, ident("a field name"));
      if (!seen.insert(field.text).second) return Lexer::at(field, "field '" + field.text + "' is declared twice");
      NEXTRA_TRY(expect(":"));
      NEXTRA_ASSIGN_OR_RETURN(const WitType type, field_type());
      r.fields.push_back(WitField{field.text, type, field.line});
      if (peek().text != ",") break;
      ++p_;
    }
    NEXTRA_TRY(expect("}"));
    doc_.records.push_back(std::move(r));
    return {};
  }

  Result<WitType> field_type() {
    NEXTRA_ASSIGN_OR_RETURN(const Token t, ident("a type"));
    static const std::pair<const char*, WitType> kTypes[] = {
        {"string", WitType::String}, {"bool", WitType::Bool},       {"s32", WitType::S32}, {"s64", WitType::S64},
        {"u32", WitType::U32},       {"float64", WitType::Float64}, {"f64", WitType::Float64}};
    for (const auto& [n, type] : kTypes) {
      if (t.text == n) return type;
    }
    if (t.text == "list" && peek().text == "<") {
      ++p_;
      const Token inner = peek();
      if (inner.text != "string") return Lexer::at(inner, "list<" + inner.text + "> is not in the supported subset (only list<string>)");
      ++p_;
      NEXTRA_TRY(expect(">"));
      return WitType::ListString;
    }
    return Lexer::at(t, "type '" + t.text + "' is not in the supported subset (string, bool, s32, s64, u32, float64, list<string>)");
  }

  Status function() {
    NEXTRA_ASSIGN_OR_RETURN(const Token name, ident("a record or function"));
    if (doc_.find_function(name.text)) return Lexer::at(name, "function '" + name.text + "' is declared twice");
    NEXTRA_TRY(expect(":"));
    NEXTRA_TRY(expect("func"));
    NEXTRA_TRY(expect("("));
    WitFunction f{name.text, {}, {}, {}, name.line};
    const Token open = peek();
    if (peek().text == ")") return Lexer::at(open, "function '" + name.text + "' must take one record");
    NEXTRA_ASSIGN_OR_RETURN(const Token param, ident("a parameter name"));
    f.param_name = param.text;
    NEXTRA_TRY(expect(":"));
    NEXTRA_ASSIGN_OR_RETURN(const Token input, ident("a record name"));
    f.input = input.text;
    if (peek().text == ",") return Lexer::at(peek(), "function '" + name.text + "' must take exactly one record");
    NEXTRA_TRY(expect(")"));
    if (peek().text != "->") return Lexer::at(peek(), "function '" + name.text + "' must return a record");
    ++p_;
    NEXTRA_ASSIGN_OR_RETURN(const Token output, ident("a record name"));
    f.output = output.text;
    NEXTRA_TRY(expect(";"));
    positions_.push_back({input, output});
    doc_.functions.push_back(std::move(f));
    return {};
  }

  // Records may be declared after the functions that use them.
  Status resolve() {
    for (std::size_t i = 0; i < doc_.functions.size(); ++i) {
      for (const Token& t : {positions_[i].first, positions_[i].second}) {
        if (!doc_.find_record(t.text)) return Lexer::at(t, "'" + t.text + "' is not a record declared here");
      }
    }
    return {};
  }

  std::vector<Token> t_;
  std::size_t p_ = 0;
  std::size_t items_ = 0;
  WitDocument doc_;
  std::vector<std::pair<Token, Token>> positions_;  // input and output type of each function
};

std::string snake(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = c == '-' ? '_' : c;
  return out;
}

std::string pascal(std::string_view s) {
  std::string out;
  bool up = true;
  for (char c : s) {
    if (c == '-' || c == '_') {
      up = true;
    } else {
      out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      up = false;
    }
  }
  return out;
}

}  // namespace

const char* wit_type_name(WitType type) {
  switch (type) {
    case WitType::String: return "string";
    case WitType::Bool: return "bool";
    case WitType::S32: return "s32";
    case WitType::S64: return "s64";
    case WitType::U32: return "u32";
    case WitType::Float64: return "float64";
    case WitType::ListString: return "list<string>";
  }
  return "?";
}

const WitRecord* WitDocument::find_record(std::string_view name) const {
  for (const auto& r : records) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

const WitFunction* WitDocument::find_function(std::string_view name) const {
  for (const auto& f : functions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

Result<WitDocument> parse_wit(std::string_view text) {
  if (text.size() > kMaxWitBytes) {
    return Error::make(ErrorCode::ResourceExhausted, "the WIT description exceeds " + std::to_string(kMaxWitBytes) + " bytes");
  }
  NEXTRA_ASSIGN_OR_RETURN(auto tokens, Lexer(text).run());
  return Parser(std::move(tokens)).run();
}

std::string export_name(std::string_view wit_name) { return snake(wit_name); }

Status check_exports(const WitDocument& wit, const ModuleInfo& module) {
  const auto check = [&](const std::string& name, std::vector<std::string> params,
                         std::vector<std::string> results) -> Status {
    const auto* e = module.find_export(name);
    const auto sig = [](const std::vector<std::string>& p, const std::vector<std::string>& r) {
      std::string s = "(";
      for (std::size_t i = 0; i < p.size(); ++i) s += (i ? ", " : "") + p[i];
      s += ") -> (";
      for (std::size_t i = 0; i < r.size(); ++i) s += (i ? ", " : "") + r[i];
      return s + ")";
    };
    if (!e || e->kind != ExternKind::Func) {
      return Error::invalid("the module does not export the function '" + name + "' " + sig(params, results));
    }
    if (e->params != params || e->results != results) {
      return Error::invalid("export '" + name + "' has the type " + sig(e->params, e->results) + ", expected " +
                            sig(params, results));
    }
    return {};
  };
  if (wit.functions.empty()) return Error::invalid("the WIT description declares no function");
  NEXTRA_TRY(check("alloc", {"i32"}, {"i32"}));
  bool memory = false;
  for (const auto& e : module.exports) memory = memory || e.kind == ExternKind::Memory;
  if (!memory) return Error::invalid("the module does not export its memory");
  for (const auto& f : wit.functions) NEXTRA_TRY(check(export_name(f.name), {"i32", "i32"}, {"i64"}));
  return {};
}

PayloadClassDesc payload_class_of(const WitRecord& record) {
  PayloadClassDesc d;
  d.name = pascal(record.name);
  for (const auto& f : record.fields) {
    std::string type;
    switch (f.type) {
      case WitType::String: type = "string"; break;
      case WitType::Bool: type = "bool"; break;
      case WitType::S32:
      case WitType::S64:
      case WitType::U32: type = "int"; break;
      case WitType::Float64: type = "decimal"; break;
      case WitType::ListString: type = "list<string>"; break;
    }
    d.fields.push_back({snake(f.name), type});
  }
  return d;
}

Result<PayloadClassDesc> input_payload_class(const WitDocument& wit, std::string_view function) {
  const WitFunction* f = wit.find_function(function);
  if (!f && wit.functions.size() == 1) f = &wit.functions.front();
  if (!f) return Error::make(ErrorCode::NotFound, "the WIT description has no function '" + std::string(function) + "'");
  return payload_class_of(*wit.find_record(f->input));
}

}  // namespace nextra::wasm
