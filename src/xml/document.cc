#include "xml/document.h"

#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlschemastypes.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <mutex>

#include "xml/libxml_internal.h"

namespace nextra::xml {
namespace {

using internal::ErrorCapture;

// Refusing here, process-wide, covers every path that could load a URL or file: external
// DTD subsets, external entities, and xs:include/xs:import/xs:redefine in schemas.
xmlParserInputPtr deny_external_load(const char* /*url*/, const char* /*id*/, xmlParserCtxtPtr /*ctxt*/) {
  return nullptr;
}

enum class Stop { None, Doctype, Depth, Nodes, Namespaces };

// Lives on parse()'s stack; reached from the SAX hooks through ctxt->_private.
struct ParseState {
  int max_depth = 0;
  size_t max_nodes = 0;
  size_t max_namespaces = 0;
  size_t nodes = 0;
  Stop stop = Stop::None;
};

ParseState& state_of(void* ctx) {
  return *static_cast<ParseState*>(static_cast<xmlParserCtxtPtr>(ctx)->_private);
}

void halt(void* ctx, Stop why) {
  auto& st = state_of(ctx);
  if (st.stop == Stop::None) st.stop = why;
  xmlStopParser(static_cast<xmlParserCtxtPtr>(ctx));
}

// A DOCTYPE is where entities are declared; stopping at its first token means no entity is
// ever declared, so none can be expanded or fetched, whatever the parser options.
void on_internal_subset(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) { halt(ctx, Stop::Doctype); }

// Limits are enforced while parsing, not after: a tree that is too big is never built, and
// in recovery mode libxml2's own depth stop would otherwise look like a successful repair
// of a truncated document.
void on_start_element(void* ctx, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri,
                      int nb_namespaces, const xmlChar** namespaces, int nb_attributes, int nb_defaulted,
                      const xmlChar** attributes) {
  auto& st = state_of(ctx);
  auto* ctxt = static_cast<xmlParserCtxtPtr>(ctx);
  st.nodes += 1 + static_cast<size_t>(nb_attributes > 0 ? nb_attributes : 0) +
              static_cast<size_t>(nb_namespaces > 0 ? nb_namespaces : 0);
  if (ctxt->nodeNr + 1 > st.max_depth) return halt(ctx, Stop::Depth);
  if (st.nodes > st.max_nodes) return halt(ctx, Stop::Nodes);
  // nsTab holds (prefix, URI) pairs for every declaration in scope, this element's included;
  // libxml2 resolves each prefix by scanning it, so its length multiplies every element's cost.
  if (static_cast<size_t>(ctxt->nsNr / 2) > st.max_namespaces) return halt(ctx, Stop::Namespaces);
  xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes, nb_defaulted,
                        attributes);
}

void on_comment(void* ctx, const xmlChar* value) {
  auto& st = state_of(ctx);
  if (++st.nodes > st.max_nodes) return halt(ctx, Stop::Nodes);
  xmlSAX2Comment(ctx, value);
}

void on_processing_instruction(void* ctx, const xmlChar* target, const xmlChar* data) {
  auto& st = state_of(ctx);
  if (++st.nodes > st.max_nodes) return halt(ctx, Stop::Nodes);
  xmlSAX2ProcessingInstruction(ctx, target, data);
}

struct CtxtDeleter {
  void operator()(xmlParserCtxtPtr c) const {
    if (c->myDoc != nullptr) xmlFreeDoc(c->myDoc);
    c->myDoc = nullptr;
    xmlFreeParserCtxt(c);
  }
};

bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

bool is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Encodings accepted besides UTF-8: the ones in which every ASCII byte stands for itself,
// so that check_markup_counts() sees the markup libxml2 will see. UTF-16, UCS-4, EBCDIC
// and UTF-7 ("+ADw-" is '<') are refused rather than scanned wrongly.
bool ascii_compatible_encoding(std::string_view name) {
  static constexpr std::string_view kAccepted[] = {
      "utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "iso-8859-2", "iso-8859-3", "iso-8859-4",
      "iso-8859-5", "iso-8859-6", "iso-8859-7", "iso-8859-8", "iso-8859-9", "iso-8859-10", "iso-8859-13",
      "iso-8859-14", "iso-8859-15", "iso-8859-16", "latin1", "iso-latin-1", "windows-1250", "windows-1251",
      "windows-1252", "windows-1253", "windows-1254", "windows-1255", "windows-1256", "windows-1257",
      "windows-1258", "cp1252"};
  for (auto accepted : kAccepted) {
    if (ascii_iequals(name, accepted)) return true;
  }
  return false;
}

enum class InputEncoding { Utf8, AsciiCompatible };

// Decides from the first bytes and the XML declaration, the only places libxml2 takes the
// encoding from (we never pass one), how the input will be decoded.
Result<InputEncoding> input_encoding(std::string_view bytes) {
  auto unsupported = [](std::string what) {
    return Error::make(ErrorCode::MalformedXml,
                       "unsupported encoding " + what + " (accepted: UTF-8, US-ASCII, ISO-8859-*, windows-125*)");
  };
  auto starts = [&](std::string_view sig) { return bytes.substr(0, sig.size()) == sig; };
  using namespace std::string_view_literals;
  if (starts("\xFE\xFF"sv) || starts("\xFF\xFE"sv) || starts("\x4C\x6F\xA7\x94"sv) ||
      bytes.substr(0, 4).find('\0') != std::string_view::npos) {
    return unsupported("(UTF-16, UCS-4 or EBCDIC byte pattern)");
  }
  InputEncoding result = InputEncoding::Utf8;
  std::string_view rest = bytes;
  if (starts("\xEF\xBB\xBF"sv)) {
    rest.remove_prefix(3);
    result = InputEncoding::AsciiCompatible;  // a BOM takes libxml2's encoding-switch path
  }
  if (rest.substr(0, 5) != "<?xml") return result;
  // The declaration ends at "?>"; a broken one ends wherever libxml2 stops reading it, at
  // the latest the first '>'. Every encoding="…" inside must be acceptable.
  std::string_view decl = rest.substr(0, rest.find('>'));
  for (size_t at = decl.find("encoding"); at != std::string_view::npos; at = decl.find("encoding", at + 1)) {
    size_t i = at + 8;
    while (i < decl.size() && is_xml_space(decl[i])) ++i;
    if (i >= decl.size() || decl[i] != '=') continue;
    ++i;
    while (i < decl.size() && is_xml_space(decl[i])) ++i;
    if (i >= decl.size() || (decl[i] != '"' && decl[i] != '\'')) return unsupported("declaration");
    char quote = decl[i++];
    size_t close = decl.find(quote, i);
    std::string_view name = decl.substr(i, close == std::string_view::npos ? std::string_view::npos : close - i);
    if (!ascii_compatible_encoding(name)) return unsupported("'" + std::string(name.substr(0, 40)) + "'");
    if (!ascii_iequals(name, "utf-8") && !ascii_iequals(name, "utf8")) result = InputEncoding::AsciiCompatible;
  }
  return result;
}

// A linear pre-pass that bounds what libxml2 2.9 handles in quadratic time before its SAX
// callbacks could see it: attributes per start tag (see ParseLimits). It over-approximates
// libxml2's own lexing: every '<' outside a comment, CDATA section or processing
// instruction may start a tag, and every '=' in a tag outside a quoted value may start an
// attribute. A quoted value ends at its quote or at '<' (where libxml2 gives up on the
// value, and on the rest of the tag). So no tag libxml2 builds has more attributes than
// counted here, whatever the input.
Status check_markup_counts(std::string_view s, const ParseLimits& limits) {
  size_t i = 0;
  const size_t n = s.size();
  auto skip_past = [&](std::string_view end) {
    size_t at = s.find(end, i);
    i = at == std::string_view::npos ? n : at + end.size();
  };
  while (i < n) {
    const void* lt = std::memchr(s.data() + i, '<', n - i);
    if (lt == nullptr) break;
    i = static_cast<size_t>(static_cast<const char*>(lt) - s.data()) + 1;
    if (s.compare(i, 3, "!--") == 0) {
      i += 3;
      skip_past("-->");
      continue;
    }
    if (s.compare(i, 8, "![CDATA[") == 0) {
      i += 8;
      skip_past("]]>");
      continue;
    }
    if (i < n && s[i] == '?') {
      skip_past("?>");
      continue;
    }
    size_t attributes = 0;
    while (i < n && s[i] != '>' && s[i] != '<') {
      if (s[i] != '=') {
        ++i;
        continue;
      }
      if (++attributes > limits.max_attributes) {
        return Error::make(ErrorCode::ResourceExhausted,
                           "an element has more than " + std::to_string(limits.max_attributes) + " attributes");
      }
      ++i;
      while (i < n && is_xml_space(s[i])) ++i;
      if (i < n && (s[i] == '"' || s[i] == '\'')) {
        char quote = s[i++];
        while (i < n && s[i] != quote && s[i] != '<') ++i;
        if (i < n && s[i] == quote) ++i;
      }
    }
  }
  return {};
}

bool depth_problem(const ErrorCapture& capture) {
  for (const auto& p : capture.problems()) {
    if (p.message.find("Excessive depth") != std::string::npos) return true;
  }
  return false;
}

std::string with_detail(std::string head, const ErrorCapture& capture) {
  const auto* p = capture.first_error();
  if (p == nullptr) return head;
  return head + " (" + capture.first_error_text({}) + ")";
}

void install_hooks(xmlParserCtxtPtr ctxt, ParseState& state) {
  ctxt->_private = &state;
  ctxt->sax->internalSubset = &on_internal_subset;
  ctxt->sax->externalSubset = nullptr;
  ctxt->sax->startElementNs = &on_start_element;
  ctxt->sax->comment = &on_comment;
  ctxt->sax->processingInstruction = &on_processing_instruction;
}

// Whether the finished parse produced a tree we may use.
Status check_outcome(xmlParserCtxtPtr ctxt, const ParseState& state, const ErrorCapture& capture, bool recover,
                     const ParseLimits& limits) {
  switch (state.stop) {
    case Stop::Doctype:
      return Error::make(ErrorCode::MalformedXml,
                         "DOCTYPE is not allowed (entity declarations and external DTDs are refused)");
    case Stop::Depth:
      return Error::make(ErrorCode::ResourceExhausted,
                         "document nests deeper than " + std::to_string(limits.max_depth) + " elements");
    case Stop::Nodes:
      return Error::make(ErrorCode::ResourceExhausted,
                         "document has more than " + std::to_string(limits.max_nodes) + " nodes");
    case Stop::Namespaces:
      return Error::make(ErrorCode::ResourceExhausted, "more than " + std::to_string(limits.max_namespaces) +
                                                           " namespace declarations are in scope");
    case Stop::None:
      break;
  }
  if (depth_problem(capture)) {
    return Error::make(ErrorCode::ResourceExhausted, with_detail("document nests too deeply", capture));
  }
  // In recovery mode libxml2 keeps going after ordinary errors; a halted parser (disableSAX)
  // means it gave up part-way (its own depth or size limits, memory), and the tree it leaves
  // is a truncation, not a repair.
  bool halted = ctxt->disableSAX != 0;
  bool well_formed = ctxt->wellFormed != 0 && ctxt->nsWellFormed != 0;
  if (!well_formed && (!recover || halted)) {
    return internal::error_from(ErrorCode::MalformedXml,
                                capture.first_error_text("document is not well-formed XML"), capture.first_error());
  }
  return {};
}

}  // namespace

void init() {
  static std::once_flag once;
  std::call_once(once, [] {
    xmlInitParser();
    // libxml2 2.9 builds its built-in XSD type table on the first schema compile without a
    // lock; two threads compiling their first schemas at once would race.
    xmlSchemaInitTypes();
    xmlSetExternalEntityLoader(&deny_external_load);
  });
}

std::string_view ElementRef::local_name() const { return node_ ? internal::as_view(node_->name) : std::string_view(); }

std::string_view ElementRef::namespace_uri() const {
  return node_ && node_->ns ? internal::as_view(node_->ns->href) : std::string_view();
}

ElementRef ElementRef::first_child() const {
  if (node_ == nullptr) return {};
  for (const xmlNode* c = node_->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) return ElementRef(c);
  }
  return {};
}

ElementRef ElementRef::next_sibling() const {
  if (node_ == nullptr) return {};
  for (const xmlNode* c = node_->next; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) return ElementRef(c);
  }
  return {};
}

size_t ElementRef::child_count() const {
  size_t n = 0;
  for (auto c = first_child(); c; c = c.next_sibling()) ++n;
  return n;
}

void ElementRef::append_text(std::string& out) const {
  if (node_ == nullptr) return;
  for (const xmlNode* c = node_->children; c != nullptr; c = c->next) {
    if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content != nullptr) {
      out += internal::as_chars(c->content);
    }
  }
}

std::string ElementRef::text() const {
  std::string out;
  append_text(out);
  return out;
}

int ElementRef::line() const { return node_ ? static_cast<int>(xmlGetLineNo(node_)) : 0; }

Document::Document(Document&& other) noexcept
    : doc_(other.doc_), repairs_(std::move(other.repairs_)), repair_count_(other.repair_count_) {
  other.doc_ = nullptr;
  other.repair_count_ = 0;
}

Document& Document::operator=(Document&& other) noexcept {
  if (this != &other) {
    if (doc_ != nullptr) xmlFreeDoc(doc_);
    doc_ = other.doc_;
    repairs_ = std::move(other.repairs_);
    repair_count_ = other.repair_count_;
    other.doc_ = nullptr;
    other.repair_count_ = 0;
  }
  return *this;
}

Document::~Document() {
  if (doc_ != nullptr) xmlFreeDoc(doc_);
}

ElementRef Document::root() const { return doc_ ? ElementRef(xmlDocGetRootElement(doc_)) : ElementRef(); }

Result<Document> parse(std::string_view bytes, bool recover, const ParseLimits& limits) {
  init();
  if (bytes.size() > limits.max_bytes || bytes.size() > static_cast<size_t>(INT_MAX)) {
    return Error::make(ErrorCode::ResourceExhausted, "document is " + std::to_string(bytes.size()) +
                                                         " bytes, over the limit of " +
                                                         std::to_string(limits.max_bytes));
  }
  if (bytes.empty()) return Error::make(ErrorCode::MalformedXml, "empty document");
  NEXTRA_ASSIGN_OR_RETURN(InputEncoding encoding, input_encoding(bytes));
  NEXTRA_TRY(check_markup_counts(bytes, limits));

  ErrorCapture capture;
  std::unique_ptr<xmlParserCtxt, CtxtDeleter> ctxt(
      xmlCreateMemoryParserCtxt(bytes.data(), static_cast<int>(bytes.size())));
  if (!ctxt) return Error::make(ErrorCode::ResourceExhausted, "out of memory creating the XML parser");
  // libxml2 2.9 copies the whole input into its buffer up front, then at every lookahead
  // check still calls the buffer's no-op read callback and resizes the buffer: about a
  // third of the parse time of a typical envelope. Without a read callback it stops
  // "growing" a buffer that already holds everything. The callback is also how 2.9 feeds
  // converted text when an encoder is active, so this is done only for input that needs
  // no encoder. (libxml2's static-buffer input would avoid the copy too, but its shrink
  // logic rewinds the read position on documents over ~500 bytes in 2.9.14.)
  if (encoding == InputEncoding::Utf8 && ctxt->input != nullptr && ctxt->input->buf != nullptr) {
    ctxt->input->buf->readcallback = nullptr;
  }

  // Never XML_PARSE_NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE or HUGE: each one either
  // expands entities, loads something, or lifts libxml2's built-in size limits.
  int options = XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOCDATA;
  if (recover) options |= XML_PARSE_RECOVER;
  xmlCtxtUseOptions(ctxt.get(), options);
  ParseState state;
  state.max_depth = limits.max_depth;
  state.max_nodes = limits.max_nodes;
  state.max_namespaces = limits.max_namespaces;
  install_hooks(ctxt.get(), state);

  xmlParseDocument(ctxt.get());

  NEXTRA_TRY(check_outcome(ctxt.get(), state, capture, recover, limits));
  Document doc(ctxt->myDoc);
  ctxt->myDoc = nullptr;
  if (doc.empty() || !doc.root()) {
    return internal::error_from(ErrorCode::MalformedXml, capture.first_error_text("document has no root element"),
                                capture.first_error());
  }
  if (doc.libxml_doc()->intSubset != nullptr || doc.libxml_doc()->extSubset != nullptr) {
    return Error::make(ErrorCode::MalformedXml, "DOCTYPE is not allowed");
  }
  if (ctxt->wellFormed == 0 || ctxt->nsWellFormed == 0) {
    doc.repair_count_ = capture.error_count();
    for (const auto& p : capture.problems()) {
      if (p.level >= XML_ERR_ERROR) doc.repairs_.push_back(internal::error_from(ErrorCode::MalformedXml, p.message, &p));
    }
  }
  return doc;
}

}  // namespace nextra::xml
