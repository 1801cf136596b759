#include "xml/c14n.h"

#include <libxml/c14n.h>

#include "xml/libxml_internal.h"

namespace nextra::xml {

Result<std::string> exclusive_c14n(const Document& doc) {
  if (doc.empty()) return Error::make(ErrorCode::InvalidArgument, "no document to canonicalize");
  internal::ErrorCapture capture;
  xmlChar* out = nullptr;
  int n = xmlC14NDocDumpMemory(doc.libxml_doc(), nullptr, XML_C14N_EXCLUSIVE_1_0, nullptr, /*with_comments=*/0, &out);
  if (n < 0 || out == nullptr) {
    if (out != nullptr) xmlFree(out);
    return internal::error_from(ErrorCode::MalformedXml, capture.first_error_text("canonicalization failed"),
                                capture.first_error());
  }
  std::string result(internal::as_chars(out), static_cast<size_t>(n));
  xmlFree(out);
  return result;
}

}  // namespace nextra::xml
