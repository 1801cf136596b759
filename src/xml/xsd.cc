#include "xml/xsd.h"

#include <libxml/xmlschemas.h>

#include "xml/libxml_internal.h"

namespace nextra::xml {
namespace {

using internal::ErrorCapture;

constexpr size_t kMaxIdleContexts = 8;

Status finish(int rc, const ErrorCapture& capture) {
  if (rc == 0) return {};
  if (rc < 0 && capture.count() == 0) return Error::make(ErrorCode::Internal, "XSD validation could not run");
  return internal::error_from(ErrorCode::SchemaViolation, capture.joined(), capture.first_error());
}

}  // namespace

// A validation context borrowed from the pool for one call, reporting to `capture`.
class CompiledXsd::Lease {
 public:
  Lease(const CompiledXsd& xsd, ErrorCapture& capture) : xsd_(xsd) {
    {
      std::lock_guard lock(xsd_.pool_mu_);
      if (!xsd_.pool_.empty()) {
        ctxt_ = xsd_.pool_.back();
        xsd_.pool_.pop_back();
      }
    }
    if (ctxt_ == nullptr) ctxt_ = xmlSchemaNewValidCtxt(xsd_.schema_);
    if (ctxt_ != nullptr) xmlSchemaSetValidStructuredErrors(ctxt_, &ErrorCapture::on_error, &capture);
  }
  ~Lease() {
    if (ctxt_ == nullptr) return;
    xmlSchemaSetValidStructuredErrors(ctxt_, nullptr, nullptr);
    {
      std::lock_guard lock(xsd_.pool_mu_);
      if (xsd_.pool_.size() < kMaxIdleContexts) {
        xsd_.pool_.push_back(ctxt_);
        return;
      }
    }
    xmlSchemaFreeValidCtxt(ctxt_);
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  xmlSchemaValidCtxtPtr get() const { return ctxt_; }

 private:
  const CompiledXsd& xsd_;
  xmlSchemaValidCtxtPtr ctxt_ = nullptr;
};

Result<std::shared_ptr<const CompiledXsd>> CompiledXsd::compile(std::string_view xsd_text) {
  init();
  // Our own parse (no DOCTYPE, no entities) instead of libxml2's schema reader, which
  // parses with XML_PARSE_NOENT and so would expand entities declared in the XSD text.
  NEXTRA_ASSIGN_OR_RETURN(Document doc, parse(xsd_text, /*recover=*/false));
  std::shared_ptr<CompiledXsd> xsd(new CompiledXsd());
  xsd->text_ = std::string(xsd_text);
  xsd->doc_ = std::move(doc);

  ErrorCapture capture;
  xmlSchemaParserCtxtPtr pctxt = xmlSchemaNewDocParserCtxt(xsd->doc_.libxml_doc());
  if (pctxt == nullptr) return Error::make(ErrorCode::ResourceExhausted, "out of memory compiling an XSD");
  xmlSchemaSetParserStructuredErrors(pctxt, &ErrorCapture::on_error, &capture);
  xsd->schema_ = xmlSchemaParse(pctxt);
  xmlSchemaFreeParserCtxt(pctxt);
  if (xsd->schema_ == nullptr) {
    return internal::error_from(ErrorCode::InvalidArgument, "invalid XSD:\n" + capture.joined(),
                                capture.first_error());
  }
  return std::shared_ptr<const CompiledXsd>(std::move(xsd));
}

CompiledXsd::~CompiledXsd() {
  for (auto* v : pool_) xmlSchemaFreeValidCtxt(v);
  if (schema_ != nullptr) xmlSchemaFree(schema_);
}

Status CompiledXsd::validate(const Document& doc) const {
  if (doc.empty()) return Error::make(ErrorCode::InvalidArgument, "no document to validate");
  ErrorCapture capture;
  Lease v(*this, capture);
  if (v.get() == nullptr) return Error::make(ErrorCode::ResourceExhausted, "out of memory validating against an XSD");
  return finish(xmlSchemaValidateDoc(v.get(), doc.libxml_doc()), capture);
}

Status CompiledXsd::validate_element(ElementRef element) const {
  if (!element) return Error::make(ErrorCode::InvalidArgument, "no element to validate");
  ErrorCapture capture;
  Lease v(*this, capture);
  if (v.get() == nullptr) return Error::make(ErrorCode::ResourceExhausted, "out of memory validating against an XSD");
  // libxml2 takes a mutable pointer but only reads the subtree (no default attributes are
  // added: XML_SCHEMA_VAL_VC_I_CREATE is off).
  auto* node = const_cast<xmlNode*>(element.libxml_node());
  return finish(xmlSchemaValidateOneElement(v.get(), node), capture);
}

}  // namespace nextra::xml
