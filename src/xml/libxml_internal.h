#pragma once
// Private to src/xml: the libxml2 headers and the error capture every libxml2 call here
// runs under. No header outside src/xml may include this file.

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace nextra::xml::internal {

inline const char* as_chars(const xmlChar* s) { return reinterpret_cast<const char*>(s); }
inline std::string_view as_view(const xmlChar* s) {
  return s ? std::string_view(as_chars(s)) : std::string_view();
}

// One problem libxml2 reported.
struct Problem {
  int level = 0;  // xmlErrorLevel
  int code = 0;   // xmlParserErrors
  int domain = 0;
  int line = 0;
  int column = 0;
  std::string message;  // without libxml2's trailing newline
};

// Routes every structured error raised on this thread to itself for its lifetime, then
// restores the previous handler. libxml2 2.9 keeps the handler in a per-thread global, so
// this is thread-safe and never lets an error reach stderr. Only the first kKeep problems
// are stored (a 4 MiB garbage input can raise hundreds of thousands); all are counted.
class ErrorCapture {
 public:
  static constexpr size_t kKeep = 8;
  static constexpr size_t kMaxMessage = 300;  // bytes per problem message

  ErrorCapture();
  ~ErrorCapture();
  ErrorCapture(const ErrorCapture&) = delete;
  ErrorCapture& operator=(const ErrorCapture&) = delete;

  // The handler, public so that per-context hooks (schema validation) can use it too.
  static void on_error(void* self, xmlErrorPtr error);
  void add(const xmlError& error);

  const std::vector<Problem>& problems() const { return problems_; }
  size_t count() const { return count_; }
  size_t error_count() const { return error_count_; }  // level >= XML_ERR_ERROR

  // "line L, column C: message" for the first error-level problem (or `fallback`).
  std::string first_error_text(std::string_view fallback) const;
  const Problem* first_error() const;
  // Problems joined as "LEVEL: msg (line N)", one per line (the spec's XSD error form).
  std::string joined() const;

 private:
  xmlStructuredErrorFunc prev_handler_ = nullptr;
  void* prev_context_ = nullptr;
  std::vector<Problem> problems_;
  size_t count_ = 0;
  size_t error_count_ = 0;
};

// An Error with the position of the first captured problem.
Error error_from(ErrorCode code, std::string message, const Problem* where);

}  // namespace nextra::xml::internal
