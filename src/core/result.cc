#include "core/result.h"

namespace nextra {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument: return "invalid_argument";
    case ErrorCode::NotFound: return "not_found";
    case ErrorCode::AlreadyExists: return "already_exists";
    case ErrorCode::Conflict: return "conflict";
    case ErrorCode::PermissionDenied: return "permission_denied";
    case ErrorCode::ResourceExhausted: return "resource_exhausted";
    case ErrorCode::DeadlineExceeded: return "deadline_exceeded";
    case ErrorCode::Unavailable: return "unavailable";
    case ErrorCode::Cancelled: return "cancelled";
    case ErrorCode::MalformedXml: return "malformed_xml";
    case ErrorCode::SchemaViolation: return "schema_violation";
    case ErrorCode::Internal: return "internal";
  }
  return "internal";
}

}  // namespace nextra
