#include "wasm/upload_check.h"

namespace nextra::wasm {
namespace {

Error in_field(Error e, const char* field) {
  e.field = field;
  return e;
}

}  // namespace

Result<UploadSummary> check_upload(const Sandbox& sandbox, std::string_view bytes, std::string_view wit,
                                   const Limits& limits) {
  auto module = sandbox.compile(bytes, limits);
  if (!module.ok()) return in_field(module.take_error(), "module");
  auto doc = parse_wit(wit);
  if (!doc.ok()) return in_field(doc.take_error(), "wit");
  if (auto st = check_exports(*doc, (*module)->info()); !st.ok()) return in_field(st.take_error(), "wit");
  UploadSummary s;
  s.info = (*module)->info();
  auto input = input_payload_class(*doc);
  if (!input.ok()) return in_field(input.take_error(), "wit");
  s.input_class = std::move(input).value();
  const WitFunction* f = doc->find_function("handle");
  if (!f) f = &doc->functions.front();
  s.output_class = payload_class_of(*doc->find_record(f->output));
  s.wit = std::move(doc).value();
  return s;
}

}  // namespace nextra::wasm
