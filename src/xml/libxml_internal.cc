#include "xml/libxml_internal.h"

#include <utility>

namespace nextra::xml::internal {
namespace {

const char* level_name(int level) {
  switch (level) {
    case XML_ERR_WARNING: return "WARNING";
    case XML_ERR_ERROR: return "ERROR";
    case XML_ERR_FATAL: return "FATAL";
    default: return "NONE";
  }
}

std::string position_prefix(const Problem& p) {
  if (p.line <= 0) return {};
  std::string out = "line " + std::to_string(p.line);
  if (p.column > 0) out += ", column " + std::to_string(p.column);
  out += ": ";
  return out;
}

}  // namespace

ErrorCapture::ErrorCapture()
    : prev_handler_(xmlStructuredError), prev_context_(xmlStructuredErrorContext) {
  xmlSetStructuredErrorFunc(this, &ErrorCapture::on_error);
}

ErrorCapture::~ErrorCapture() { xmlSetStructuredErrorFunc(prev_context_, prev_handler_); }

void ErrorCapture::on_error(void* self, xmlErrorPtr error) {
  if (self != nullptr && error != nullptr) static_cast<ErrorCapture*>(self)->add(*error);
}

void ErrorCapture::add(const xmlError& error) {
  ++count_;
  if (error.level >= XML_ERR_ERROR) ++error_count_;
  if (problems_.size() >= kKeep) return;
  Problem p;
  p.level = error.level;
  p.code = error.code;
  p.domain = error.domain;
  p.line = error.line;
  p.column = error.int2;
  if (error.message != nullptr) p.message = error.message;
  while (!p.message.empty() && (p.message.back() == '\n' || p.message.back() == ' ')) p.message.pop_back();
  // libxml2 quotes offending names and values, which the sender chose and which may be
  // megabytes long; errors end up in logs and API responses.
  if (p.message.size() > kMaxMessage) {
    size_t cut = kMaxMessage;
    while (cut > 0 && (static_cast<unsigned char>(p.message[cut]) & 0xC0) == 0x80) --cut;
    p.message.resize(cut);
    p.message += "\xE2\x80\xA6";
  }
  problems_.push_back(std::move(p));
}

const Problem* ErrorCapture::first_error() const {
  for (const auto& p : problems_) {
    if (p.level >= XML_ERR_ERROR) return &p;
  }
  return nullptr;
}

std::string ErrorCapture::first_error_text(std::string_view fallback) const {
  const Problem* p = first_error();
  if (p == nullptr) return std::string(fallback);
  return position_prefix(*p) + p->message;
}

std::string ErrorCapture::joined() const {
  std::string out;
  for (const auto& p : problems_) {
    if (!out.empty()) out += '\n';
    out += level_name(p.level);
    out += ": ";
    out += p.message;
    if (p.line > 0) out += " (line " + std::to_string(p.line) + ")";
  }
  if (count_ > problems_.size()) {
    out += "\n(" + std::to_string(count_ - problems_.size()) + " more)";
  }
  return out;
}

Error error_from(ErrorCode code, std::string message, const Problem* where) {
  Error e = Error::make(code, std::move(message));
  if (where != nullptr) {
    e.line = where->line > 0 ? where->line : 0;
    e.column = where->column > 0 ? where->column : 0;
  }
  return e;
}

}  // namespace nextra::xml::internal
