#pragma once
// Errors are values: every fallible call returns Result<T> (or Status = Result<void>).
// An Error carries a code (what the caller may do next), a human message and, where the
// input has a position (YAML, XML), the 1-based line and column and the field path.

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace nextra {

enum class ErrorCode {
  InvalidArgument,    // the caller's input is wrong; retrying the same input fails again
  NotFound,
  AlreadyExists,
  Conflict,
  PermissionDenied,   // a peer rule or an access rule forbids it
  ResourceExhausted,  // a size, depth, count or budget limit was hit
  DeadlineExceeded,   // a timeout; retryable
  Unavailable,        // a dependency is down; retryable
  Cancelled,
  MalformedXml,
  SchemaViolation,
  Internal,
};

const char* error_code_name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::Internal;
  std::string message;
  std::string field;  // dotted path of the offending field, if any
  int line = 0;       // 1-based; 0 = unknown
  int column = 0;     // 1-based; 0 = unknown

  static Error invalid(std::string msg) { return {ErrorCode::InvalidArgument, std::move(msg)}; }
  static Error make(ErrorCode c, std::string msg) { return {c, std::move(msg)}; }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}      // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(v_); }
  Error&& take_error() { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : e_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return !e_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { assert(!ok()); return *e_; }
  Error&& take_error() { assert(!ok()); return std::move(*e_); }

 private:
  std::optional<Error> e_;
};

using Status = Result<void>;

}  // namespace nextra

// Early return of the error from an expression yielding Result<T>.
#define NEXTRA_TRY(expr)                               \
  do {                                                 \
    auto nextra_try_r_ = (expr);                       \
    if (!nextra_try_r_.ok()) return nextra_try_r_.take_error(); \
  } while (0)

#define NEXTRA_CONCAT_INNER_(a, b) a##b
#define NEXTRA_CONCAT_(a, b) NEXTRA_CONCAT_INNER_(a, b)
// NEXTRA_ASSIGN_OR_RETURN(auto x, expr): binds the value or returns the error.
#define NEXTRA_ASSIGN_OR_RETURN(lhs, expr) \
  NEXTRA_ASSIGN_OR_RETURN_IMPL_(NEXTRA_CONCAT_(nextra_r_, __LINE__), lhs, expr)
#define NEXTRA_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.take_error();             \
  lhs = std::move(tmp).value()
