#pragma once
// Hardened XML parsing with libxml2, and the two handle types the rest of Nextra sees:
// Document (owns one parsed tree) and ElementRef (a non-owning view of one element in it).
// libxml2 types stay out of this header; code inside src/xml reaches them through the
// libxml_*() accessors. Thread-safety: parse() may run on any number of threads at once;
// a Document is not synchronised, so share it read-only or confine it to one thread.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

// libxml2's own tag names, so this header need not include <libxml/tree.h>.
struct _xmlDoc;   // NOLINT(bugprone-reserved-identifier)
struct _xmlNode;  // NOLINT(bugprone-reserved-identifier)

namespace nextra::xml {

// Limits applied while parsing untrusted bytes. Hitting one is ResourceExhausted.
struct ParseLimits {
  size_t max_bytes = 4 << 20;
  // Element nesting. libxml2 without XML_PARSE_HUGE (which we never set) stops at 256,
  // so larger values behave as 256.
  int max_depth = 256;
  // Elements + attributes + namespace declarations + comments + processing instructions.
  // Text nodes are not counted: each sits between two counted nodes, so they are bounded.
  size_t max_nodes = 200000;
  // Attributes (namespace declarations included) in one start tag. libxml2 2.9 checks
  // attribute names for duplicates pairwise: 40,000 attributes on one element cost ~6 s.
  size_t max_attributes = 256;
  // Namespace declarations in scope at any element (its own and its ancestors'). libxml2
  // 2.9 resolves every element's prefix by a linear scan over them.
  size_t max_namespaces = 256;
};

// Initialises libxml2 once per process (xmlInitParser) and installs an external-entity
// loader that refuses every URL, so no parse or schema compile can read a file or the
// network. Idempotent and thread-safe; parse() and CompiledXsd::compile() call it, so
// callers never have to, but a program may call it early from main.
void init();

// A non-owning view of one element of a Document. Valid while the Document lives and is
// not modified. Default-constructed = no element (operator bool is false).
class ElementRef {
 public:
  ElementRef() = default;
  explicit ElementRef(const _xmlNode* node) : node_(node) {}

  explicit operator bool() const { return node_ != nullptr; }
  bool operator==(const ElementRef&) const = default;

  std::string_view local_name() const;
  std::string_view namespace_uri() const;  // empty = no namespace
  // Element children only; comments, text and processing instructions are skipped.
  ElementRef first_child() const;
  ElementRef next_sibling() const;
  bool has_child_elements() const { return static_cast<bool>(first_child()); }
  size_t child_count() const;
  // Concatenated text and CDATA of the direct children (not of descendants).
  std::string text() const;
  void append_text(std::string& out) const;
  int line() const;  // 1-based source line; 0 = unknown

  const _xmlNode* libxml_node() const { return node_; }

 private:
  const _xmlNode* node_ = nullptr;
};

// Owns one libxml2 document. Move-only.
class Document {
 public:
  Document() = default;
  explicit Document(_xmlDoc* doc) noexcept : doc_(doc) {}  // takes ownership
  Document(Document&& other) noexcept;
  Document& operator=(Document&& other) noexcept;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;
  ~Document();

  bool empty() const { return doc_ == nullptr; }
  ElementRef root() const;

  // Set when parse(recover = true) had to repair the input: the problems libxml2 reported
  // (the first few), each with line and column. Empty for well-formed input.
  const std::vector<Error>& repairs() const { return repairs_; }
  size_t repair_count() const { return repair_count_; }

  _xmlDoc* libxml_doc() const { return doc_; }

 private:
  friend Result<Document> parse(std::string_view, bool, const ParseLimits&);
  _xmlDoc* doc_ = nullptr;
  std::vector<Error> repairs_;
  size_t repair_count_ = 0;
};

// Parses untrusted bytes. Never resolves entities, never loads a DTD or anything else
// from the network or disk (XML_PARSE_NONET, no NOENT/DTDLOAD/DTDATTR, no HUGE), drops
// whitespace-only text between elements (XML_PARSE_NOBLANKS) and rejects any document
// with a DOCTYPE, which removes entity expansion (billion laughs, XXE) at the root.
// `recover` = libxml2's recovery mode: repairs what it can (mismatched tags, unquoted
// attributes) and records the repairs on the Document; only an empty result, a DOCTYPE or
// a limit is then an error. Input must be UTF-8 or another encoding in which ASCII bytes
// stand for themselves (US-ASCII, ISO-8859-*, windows-125*), detected from a BOM or the XML
// declaration; UTF-16, UCS-4, EBCDIC and UTF-7 are refused, because the limit checks read
// the raw bytes. Errors:
//   ResourceExhausted  input over max_bytes, nesting over max_depth, more than max_nodes,
//                      max_attributes (one tag) or max_namespaces;
//   MalformedXml       not well-formed (strict), no root element, DOCTYPE present,
//                      unsupported encoding;
//                      line and column of the first problem are set when known.
Result<Document> parse(std::string_view bytes, bool recover, const ParseLimits& limits = {});

}  // namespace nextra::xml
