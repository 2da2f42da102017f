// Result<T> and Error: how every fallible function in Sluice reports failure.
// No exceptions cross a module boundary; callers check ok() and read error().
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sluice {

enum class ErrorCode {
  kInvalidArgument,  // the caller's input is wrong; fixing the input fixes it
  kNotFound,
  kAlreadyExists,
  kConflict,            // a concurrent change won; re-read and retry
  kAborted,             // a transaction lost a race inside the database; run it again
  kFailedPrecondition,  // the system is not in a state that allows this
  kPermissionDenied,
  kUnauthenticated,
  kResourceExhausted,  // too big, too many, rate limited
  kUnavailable,        // a peer did not answer or answered 5xx; retrying may help
  kTimeout,
  kCancelled,
  kUnimplemented,
  kInternal,
};

std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // what was wrong
  std::string where;    // file:line:column, a field path, an object name; may be empty
  std::string hint;     // what to do about it; may be empty

  // "where: message (hint)"; the one-line form for logs and start-up failures.
  std::string ToString() const;

  Error&& At(std::string location) && {
    where = std::move(location);
    return std::move(*this);
  }
  Error&& Hint(std::string text) && {
    hint = std::move(text);
    return std::move(*this);
  }
  // Prefixes the message with context, keeping code, where and hint.
  Error&& Context(std::string_view context) &&;
};

inline Error MakeError(ErrorCode code, std::string message) {
  return Error{code, std::move(message), {}, {}};
}
inline Error InvalidArgument(std::string m) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(m));
}
inline Error NotFound(std::string m) {
  return MakeError(ErrorCode::kNotFound, std::move(m));
}
inline Error AlreadyExists(std::string m) {
  return MakeError(ErrorCode::kAlreadyExists, std::move(m));
}
inline Error Conflict(std::string m) {
  return MakeError(ErrorCode::kConflict, std::move(m));
}
inline Error Aborted(std::string m) {
  return MakeError(ErrorCode::kAborted, std::move(m));
}
inline Error FailedPrecondition(std::string m) {
  return MakeError(ErrorCode::kFailedPrecondition, std::move(m));
}
inline Error PermissionDenied(std::string m) {
  return MakeError(ErrorCode::kPermissionDenied, std::move(m));
}
inline Error Unauthenticated(std::string m) {
  return MakeError(ErrorCode::kUnauthenticated, std::move(m));
}
inline Error ResourceExhausted(std::string m) {
  return MakeError(ErrorCode::kResourceExhausted, std::move(m));
}
inline Error Unavailable(std::string m) {
  return MakeError(ErrorCode::kUnavailable, std::move(m));
}
inline Error Timeout(std::string m) {
  return MakeError(ErrorCode::kTimeout, std::move(m));
}
inline Error Internal(std::string m) {
  return MakeError(ErrorCode::kInternal, std::move(m));
}
inline Error Unimplemented(std::string m) {
  return MakeError(ErrorCode::kUnimplemented, std::move(m));
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  Error&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

  T value_or(T fallback) const& { return ok() ? std::get<0>(v_) : std::move(fallback); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  static Status Ok() { return Status(); }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& {
    assert(!ok_);
    return error_;
  }
  Error&& error() && {
    assert(!ok_);
    return std::move(error_);
  }

 private:
  Error error_;
  bool ok_ = true;
};

template <>
class Result<void> : public Status {
 public:
  using Status::Status;
  Result(Status s) : Status(std::move(s)) {}  // NOLINT
};

}  // namespace sluice

#define SLUICE_CONCAT_INNER(a, b) a##b
#define SLUICE_CONCAT(a, b) SLUICE_CONCAT_INNER(a, b)

// Returns the error of a Status or Result expression from the enclosing function.
#define SLUICE_RETURN_IF_ERROR(expr)                                    \
  do {                                                                  \
    auto&& sluice_status_ = (expr);                                     \
    if (!sluice_status_.ok()) return std::move(sluice_status_).error(); \
  } while (0)

// SLUICE_ASSIGN_OR_RETURN(auto x, Compute()); declares x from the Result's value,
// or returns its error.
#define SLUICE_ASSIGN_OR_RETURN(decl, expr) \
  SLUICE_ASSIGN_OR_RETURN_IMPL(SLUICE_CONCAT(sluice_result_, __LINE__), decl, expr)
#define SLUICE_ASSIGN_OR_RETURN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return std::move(tmp).error();       \
  decl = std::move(tmp).value()
