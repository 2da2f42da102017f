// API server answers as Sluice errors: the verb, the object and the server's own Status
// message, with a code callers can act on (404 -> kNotFound, 409 -> kAlreadyExists or
// kConflict, 422 -> kInvalidArgument, 403 -> kPermissionDenied, 5xx -> kUnavailable, ...).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace sluice::k8s {

// The fields of a metav1.Status that matter to callers.
struct ApiStatus {
  int code = 0;
  std::string reason;   // NotFound, AlreadyExists, Conflict, Invalid, Forbidden, Expired, ...
  std::string message;  // the server's wording
  std::vector<std::string> causes;  // details.causes: "field: message"
  int retry_after_seconds = 0;      // details.retryAfterSeconds
};

// Reads a Status from a response body; falls back to the HTTP status and the body text.
ApiStatus ParseStatus(int http_status, std::string_view body);

ErrorCode CodeFor(int http_status, std::string_view reason);

// "create Deployment flink/my-app: deployments.apps "my-app" already exists", where =
// "Deployment flink/my-app", and a hint for 401/403/404-of-a-namespace where one helps.
Error ApiError(std::string_view verb, std::string_view object, const ApiStatus& status);

// True when the error is the API server's 404 / 409 AlreadyExists / 409 Conflict.
inline bool IsNotFound(const Error& e) {
  return e.code == ErrorCode::kNotFound;
}
inline bool IsAlreadyExists(const Error& e) {
  return e.code == ErrorCode::kAlreadyExists;
}
inline bool IsConflict(const Error& e) {
  return e.code == ErrorCode::kConflict;
}

}  // namespace sluice::k8s
