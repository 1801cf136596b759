#include "http/error_mapping.h"

namespace nextra::http {

int http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument: return 400;
    case ErrorCode::MalformedXml: return 400;
    case ErrorCode::SchemaViolation: return 422;
    case ErrorCode::PermissionDenied: return 403;
    case ErrorCode::NotFound: return 404;
    case ErrorCode::AlreadyExists: return 409;
    case ErrorCode::Conflict: return 409;
    case ErrorCode::ResourceExhausted: return 429;
    case ErrorCode::Cancelled: return 503;
    case ErrorCode::Unavailable: return 503;
    case ErrorCode::DeadlineExceeded: return 504;
    case ErrorCode::Internal: return 500;
  }
  return 500;
}

Response from_error(const Error& error) {
  nlohmann::json details = nlohmann::json::object();
  if (!error.field.empty()) details["field"] = error.field;
  if (error.line > 0) details["line"] = error.line;
  if (error.column > 0) details["column"] = error.column;
  return Response::error(http_status_for(error.code), error_code_name(error.code), error.message,
                         std::move(details));
}

}  // namespace nextra::http
