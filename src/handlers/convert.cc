#include "handlers/convert.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "schema/types.h"
#include "xml/document.h"

namespace nextra::handlers {
namespace {

using Json = nlohmann::ordered_json;  // keeps document order of keys

constexpr std::string_view kMiB1 = "1 MiB";
constexpr std::string_view kMiB4 = "4 MiB";

const char* chars(const xmlChar* s) { return reinterpret_cast<const char*>(s); }

// Owns a string libxml2 allocated.
std::string take(xmlChar* s) {
  if (!s) return {};
  std::string out(chars(s));
  xmlFree(s);
  return out;
}

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
struct XPathContextFree {
  void operator()(xmlXPathContext* c) const { xmlXPathFreeContext(c); }
};
struct XPathObjectFree {
  void operator()(xmlXPathObject* o) const { xmlXPathFreeObject(o); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocFree>;

// Routes libxml2's structured errors on this thread to itself for its lifetime (libxml2
// keeps the handler per thread), so nothing reaches stderr; remembers the first error.
class QuietErrors {
 public:
  QuietErrors()
      : prev_(xmlStructuredError),
        prev_ctx_(xmlStructuredErrorContext),
        prev_generic_(xmlGenericError),
        prev_generic_ctx_(xmlGenericErrorContext) {
    xmlSetStructuredErrorFunc(this, &QuietErrors::on_error);
    // Some XPath runtime messages ("function x not found") go to the generic handler.
    xmlSetGenericErrorFunc(nullptr, &QuietErrors::ignore);
  }
  ~QuietErrors() {
    xmlSetGenericErrorFunc(prev_generic_ctx_, prev_generic_);
    xmlSetStructuredErrorFunc(prev_ctx_, prev_);
  }
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

  static void on_error(void* self, xmlErrorPtr e) {
    auto* q = static_cast<QuietErrors*>(self);
    if (!e || q->seen_) return;
    q->seen_ = true;
    q->code_ = e->code;
    q->line_ = e->line;
    std::string m = e->message ? e->message : "";
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    if (m.size() > 300) m.resize(300);
    q->message_ = std::move(m);
  }

  static void ignore(void*, const char*, ...) {}

  int code() const { return code_; }
  std::string text() const {
    if (!seen_) return "malformed document";
    std::string out;
    if (line_ > 0) out = "line " + std::to_string(line_) + ": ";
    return out + message_;
  }

 private:
  xmlStructuredErrorFunc prev_;
  void* prev_ctx_;
  xmlGenericErrorFunc prev_generic_;
  void* prev_generic_ctx_;
  bool seen_ = false;
  int code_ = 0;
  int line_ = 0;
  std::string message_;
};

// Depth of the deepest element under (and including) `root`, walked without recursion.
int element_depth(xmlNode* root) {
  int deepest = 0;
  std::vector<std::pair<xmlNode*, int>> stack{{root, 1}};
  while (!stack.empty()) {
    auto [n, d] = stack.back();
    stack.pop_back();
    if (d > deepest) deepest = d;
    if (d > kMaxConvertDepth) break;
    for (xmlNode* c = n->children; c; c = c->next) {
      if (c->type == XML_ELEMENT_NODE) stack.emplace_back(c, d + 1);
    }
  }
  return deepest;
}

// The safe parse every operation uses: no DTD (refused outright), no entity substitution,
// no network, no XInclude, libxml2's default (non-HUGE) limits, then our size and depth caps.
DocPtr parse_xml(std::string_view input, std::string* error) {
  if (input.size() > kMaxConvertInput) {
    *error = "input is larger than " + std::string(kMiB1);
    return nullptr;
  }
  if (input.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    *error = "input is empty";
    return nullptr;
  }
  if (input.find("<!DOCTYPE") != std::string_view::npos) {
    *error = "DOCTYPE declarations are not allowed";
    return nullptr;
  }
  xml::init();  // also refuses every external entity / DTD URL process-wide
  int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
#if LIBXML_VERSION >= 21300
  options |= XML_PARSE_NO_XXE;
#endif
  QuietErrors quiet;
  DocPtr doc(xmlReadMemory(input.data(), static_cast<int>(input.size()), nullptr, nullptr, options));
  if (!doc) {
    *error = "invalid XML: " + quiet.text();
    return nullptr;
  }
  if (doc->intSubset || doc->extSubset) {
    *error = "DOCTYPE declarations are not allowed";
    return nullptr;
  }
  xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root) {
    *error = "invalid XML: no root element";
    return nullptr;
  }
  if (element_depth(root) > kMaxConvertDepth) {
    *error = "XML nests deeper than " + std::to_string(kMaxConvertDepth) + " elements";
    return nullptr;
  }
  return doc;
}

std::string qualified(const xmlChar* name, const xmlNs* ns) {
  std::string n = name ? chars(name) : "";
  if (ns && ns->prefix) return std::string(chars(ns->prefix)) + ":" + n;
  return n;
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// ---- xml_to_json (depth is already capped by parse_xml, so recursion is bounded)
Json element_json(xmlNode* el) {
  Json obj = Json::object();
  for (xmlNs* ns = el->nsDef; ns; ns = ns->next) {
    std::string key = ns->prefix ? "@xmlns:" + std::string(chars(ns->prefix)) : std::string("@xmlns");
    obj[key] = ns->href ? chars(ns->href) : "";
  }
  for (xmlAttr* a = el->properties; a; a = a->next) {
    obj["@" + qualified(a->name, a->ns)] = take(xmlNodeListGetString(el->doc, a->children, 1));
  }
  std::string text;
  bool has_elements = false;
  for (xmlNode* c = el->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) {
      has_elements = true;
      std::string key = qualified(c->name, c->ns);
      Json value = element_json(c);
      auto it = obj.find(key);
      if (it == obj.end()) {
        obj[key] = std::move(value);
      } else {
        // Element values are never arrays, so an array here means "already repeated".
        if (!it->is_array()) *it = Json::array({std::move(*it)});
        it->push_back(std::move(value));
      }
    } else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
      text += chars(c->content);
    }
  }
  if (!has_elements) {
    if (obj.empty()) return text.empty() ? Json(nullptr) : Json(text);
    if (!text.empty()) obj["#text"] = text;
    return obj;
  }
  std::string t = trim(text);
  if (!t.empty()) obj["#text"] = std::move(t);
  return obj;
}

void xml_to_json(std::string_view input, ConvertResult* r) {
  DocPtr doc = parse_xml(input, &r->error);
  if (!doc) return;
  xmlNode* root = xmlDocGetRootElement(doc.get());
  Json out = Json::object();
  out[qualified(root->name, root->ns)] = element_json(root);
  r->output = out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// ---- json_to_xml
bool name_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool name_char(unsigned char c) { return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

bool valid_ncname(std::string_view s) {
  if (s.empty() || !name_start(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!name_char(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// An XML name: an NCName, or prefix:local with both parts NCNames.
bool valid_name(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos) return valid_ncname(s);
  return valid_ncname(s.substr(0, colon)) && valid_ncname(s.substr(colon + 1));
}

class XmlWriter {
 public:
  std::string out;
  std::string error;

  bool element(const std::string& name, const Json& v, int depth) {
    if (depth > kMaxConvertDepth) return fail("JSON nests deeper than " + std::to_string(kMaxConvertDepth) + " elements");
    if (out.size() > kMaxConvertOutput) return fail("output is larger than " + std::string(kMiB4));
    if (!valid_name(name)) return fail("'" + name + "' is not a valid XML element name");
    if (v.is_array()) {
      for (const Json& item : v) {
        if (item.is_array()) return fail("element '" + name + "': nested arrays cannot be written as XML");
        if (!element(name, item, depth)) return false;
      }
      return true;
    }
    out += '<';
    out += name;
    if (!v.is_object()) {
      std::string text;
      if (!v.is_null() && !scalar(v, name, &text)) return false;
      if (text.empty()) {
        out += "/>";
        return true;
      }
      out += '>';
      if (!escape(text, false)) return false;
      close(name);
      return true;
    }
    bool has_content = false;
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& key = it.key();
      if (key.empty() || key[0] != '@') {
        has_content = true;
        continue;
      }
      std::string attr = key.substr(1);
      if (!valid_name(attr)) return fail("'" + attr + "' is not a valid XML attribute name");
      std::string text;
      if (!it->is_null() && !scalar(*it, key, &text)) return false;
      out += ' ';
      out += attr;
      out += "=\"";
      if (!escape(text, true)) return false;
      out += '"';
    }
    if (!has_content) {
      out += "/>";
      return true;
    }
    out += '>';
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& key = it.key();
      if (!key.empty() && key[0] == '@') continue;
      if (key == "#text") {
        std::string text;
        if (!it->is_null() && !scalar(*it, key, &text)) return false;
        if (!escape(text, false)) return false;
        continue;
      }
      if (!key.empty() && key[0] == '#') return fail("unsupported key '" + key + "' (only \"#text\" is special)");
      if (!element(key, *it, depth + 1)) return false;
    }
    close(name);
    return true;
  }

 private:
  bool fail(std::string msg) {
    if (error.empty()) error = std::move(msg);
    return false;
  }

  void close(const std::string& name) {
    out += "</";
    out += name;
    out += '>';
  }

  bool scalar(const Json& v, const std::string& where, std::string* text) {
    if (v.is_string()) *text = v.get<std::string>();
    else if (v.is_boolean()) *text = v.get<bool>() ? "true" : "false";
    else if (v.is_number()) *text = v.dump();
    else return fail("'" + where + "' must be a string, number, boolean or null");
    return true;
  }

  bool escape(std::string_view s, bool attribute) {
    for (char ch : s) {
      auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return fail("text contains a control character not allowed in XML");
      switch (ch) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '\r': out += "&#13;"; break;
        case '"':
          if (attribute) out += "&quot;";
          else out += ch;
          break;
        case '\t':
          if (attribute) out += "&#9;";
          else out += ch;
          break;
        case '\n':
          if (attribute) out += "&#10;";
          else out += ch;
          break;
        default: out += ch;
      }
    }
    return true;
  }
};

struct TooDeep : std::runtime_error {
  TooDeep() : std::runtime_error("too deep") {}
};

void json_to_xml(std::string_view input, ConvertResult* r) {
  if (input.size() > kMaxConvertInput) {
    r->error = "input is larger than " + std::string(kMiB1);
    return;
  }
  Json j;
  try {
    // The callback stops a deeply nested document while it is still small to unwind.
    j = Json::parse(input, [](int depth, Json::parse_event_t, Json&) {
      if (depth > kMaxConvertDepth + 1) throw TooDeep();
      return true;
    });
  } catch (const TooDeep&) {
    r->error = "JSON nests deeper than " + std::to_string(kMaxConvertDepth) + " levels";
    return;
  } catch (const Json::exception& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at ..." -> "parse error at ..."
    if (!what.empty() && what[0] == '[') {
      auto close = what.find("] ");
      if (close != std::string::npos) what.erase(0, close + 2);
    }
    r->error = "invalid JSON: " + what;
    return;
  }
  if (!j.is_object() || j.size() != 1) {
    r->error = "JSON must be an object with exactly one key (the root element)";
    return;
  }
  auto it = j.begin();
  if (it->is_array()) {
    r->error = "the root element '" + it.key() + "' cannot be an array (XML has one root)";
    return;
  }
  XmlWriter w;
  if (!w.element(it.key(), *it, 1)) {
    r->error = w.error;
    return;
  }
  r->output = std::move(w.out);
}

// ---- xpath
void xpath(std::string_view input, std::string_view expression, ConvertResult* r) {
  if (expression.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    r->error = "xpath needs an expression";
    return;
  }
  if (expression.size() > kMaxConvertExpression) {
    r->error = "expression longer than " + std::to_string(kMaxConvertExpression) + " characters";
    return;
  }
  if (expression.find('\0') != std::string_view::npos) {
    r->error = "invalid XPath expression";
    return;
  }
  DocPtr doc = parse_xml(input, &r->error);
  if (!doc) return;
  std::unique_ptr<xmlXPathContext, XPathContextFree> ctx(xmlXPathNewContext(doc.get()));
  if (!ctx) {
    r->error = "out of memory";
    return;
  }
  ctx->opLimit = kMaxConvertXPathOps;
  // Prefixes declared on the root element can be used in the expression as they are.
  for (xmlNs* ns = xmlDocGetRootElement(doc.get())->nsDef; ns; ns = ns->next) {
    if (ns->prefix && ns->href) xmlXPathRegisterNs(ctx.get(), ns->prefix, ns->href);
  }
  std::string expr(expression);
  QuietErrors quiet;
  std::unique_ptr<xmlXPathObject, XPathObjectFree> res(
      xmlXPathEval(reinterpret_cast<const xmlChar*>(expr.c_str()), ctx.get()));
  if (!res) {
    if (quiet.code() == static_cast<int>(XML_XPATH_EXPRESSION_OK) + static_cast<int>(XPATH_OP_LIMIT_EXCEEDED)) {
      r->error = "XPath expression is too expensive to evaluate";
    } else {
      r->error = "invalid XPath expression";
    }
    return;
  }
  if (res->type == XPATH_NODESET) {
    xmlNodeSet* set = res->nodesetval;
    size_t n = set ? static_cast<size_t>(set->nodeNr) : 0;
    if (n > kMaxConvertNodes) {
      r->error = "XPath selected " + std::to_string(n) + " nodes; at most " + std::to_string(kMaxConvertNodes) +
                 " are allowed";
      return;
    }
    std::string out;
    for (size_t i = 0; i < n; ++i) {
      if (i > 0) out += '\n';
      out += take(xmlXPathCastNodeToString(set->nodeTab[i]));
      if (out.size() > kMaxConvertOutput) break;
    }
    r->output = std::move(out);
    return;
  }
  r->output = take(xmlXPathCastToString(res.get()));
}

}  // namespace

ConvertResult run_convert(std::string_view operation, std::string_view input, std::string_view expression) {
  ConvertResult r;
  r.operation = std::string(operation);
  try {
    if (operation == "xml_to_json") xml_to_json(input, &r);
    else if (operation == "json_to_xml") json_to_xml(input, &r);
    else if (operation == "xpath") xpath(input, expression, &r);
    else r.error = "unknown operation '" + std::string(operation) + "'; use xml_to_json, json_to_xml or xpath";
  } catch (const std::bad_alloc&) {
    r.error = "out of memory";
  } catch (const std::exception& e) {
    r.error = std::string("conversion failed: ") + e.what();
  }
  if (r.error.empty() && r.output.size() > kMaxConvertOutput) {
    r.error = "output is larger than " + std::string(kMiB4);
  }
  if (!r.error.empty()) r.output.clear();
  return r;
}

Result<schema::PayloadPtr> convert_response(const schema::Payload& request, const schema::Schema& schema) {
  if (!request.record.cls || request.record.cls->name != schema::kConvertRequest) {
    return Error::invalid("tool:convert takes a ConvertRequest payload");
  }
  const schema::PayloadClass* out = schema.find(schema::kConvertResponse);
  if (!out) return Error::make(ErrorCode::Internal, "the schema has no ConvertResponse class");
  auto text = [&](const char* field) {
    const schema::Value* v = request.record.get(field);
    return v && v->is<std::string>() ? v->as<std::string>() : std::string();
  };
  ConvertResult r = run_convert(text("operation"), text("input"), text("expression"));
  schema::Payload p;
  p.record = schema::zero_record(*out);
  if (auto* v = p.record.get("operation")) *v = schema::Value(std::move(r.operation));
  if (auto* v = p.record.get("output")) *v = schema::Value(std::move(r.output));
  if (auto* v = p.record.get("error")) *v = schema::Value(std::move(r.error));
  return std::make_shared<const schema::Payload>(std::move(p));
}

}  // namespace nextra::handlers
