#pragma once
// The one place where nextra::ErrorCode becomes an HTTP status and an ApiError body.
//
//   InvalidArgument, MalformedXml   400  the request itself is wrong (cannot be parsed or used)
//   SchemaViolation                 422  well-formed input that breaks the payload/flow schema
//   PermissionDenied                403
//   NotFound                        404
//   AlreadyExists, Conflict         409
//   ResourceExhausted               429  a budget, rate or count limit; the body-size limit is
//                                        answered 413 "payload_too_large" by the server itself,
//                                        before any handler runs
//   Cancelled, Unavailable          503  retryable (Cancelled: the server is shutting down or
//                                        the work was withdrawn)
//   DeadlineExceeded                504  retryable
//   Internal                        500
//
// The ApiError code is error_code_name() ("not_found", ...), so clients switch on the same
// names the engine uses.

#include "core/result.h"
#include "http/request.h"

namespace nextra::http {

int http_status_for(ErrorCode code);

// ApiError response for `error`: message as given; details carry field, line and column
// when the error has them (problems in organism.yaml point at their position).
Response from_error(const Error& error);

}  // namespace nextra::http
