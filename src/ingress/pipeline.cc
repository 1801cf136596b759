#include "ingress/pipeline.h"

#include "xml/envelope.h"

namespace nextra::ingress {

Pipeline::Pipeline(std::shared_ptr<const schema::Schema> schema, xml::ParseLimits limits)
    : schema_(std::move(schema)), limits_(limits), xsds_(schema_) {
  auto envelope = xml::envelope_schema();
  if (envelope.ok()) {
    envelope_xsd_ = std::move(envelope).value();
  } else {
    envelope_error_ = envelope.take_error();
    envelope_error_.code = ErrorCode::Internal;
  }
}

Status Pipeline::run(MessageState& state, const RouteLookup& route) const {
  if (!envelope_xsd_) return envelope_error_;
  NEXTRA_TRY(repair_step(state, limits_));
  NEXTRA_TRY(c14n_step(state, limits_));
  NEXTRA_TRY(envelope_validation_step(state, *envelope_xsd_));
  NEXTRA_TRY(payload_extraction_step(state));
  NEXTRA_TRY(thread_assignment_step(state));
  NEXTRA_TRY(payload_validation_step(state, route, xsds_));
  return {};
}

Result<Envelope> Pipeline::process(std::string_view bytes, const RouteLookup& route) const {
  MessageState state;
  state.raw_bytes = bytes;
  NEXTRA_TRY(run(state, route));
  Envelope out;
  out.from = std::move(state.from);
  out.to = std::move(state.to);
  out.thread = std::move(state.thread);
  out.payload = std::move(state.payload);
  out.diagnostics = std::move(state.diagnostics);
  return out;
}

}  // namespace nextra::ingress
