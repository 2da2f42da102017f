#include "api/responses.h"

namespace sluice::api {

http::Response Unauthorized(const std::string& message, const std::string& hint, bool basic) {
  nlohmann::json details = nullptr;
  if (!hint.empty()) details = {{"hint", hint}};
  auto res = http::Response::Error(401, "unauthenticated", message, details);
  res.headers["WWW-Authenticate"] =
      basic ? "Basic realm=\"sluice\", charset=\"UTF-8\"" : "Bearer realm=\"sluice\"";
  return res;
}

http::Response ErrorResponse(const Error& error) {
  if (error.code == ErrorCode::kUnauthenticated) return Unauthorized(error.message, error.hint);
  auto res = http::Response::FromError(error);
  if (error.code == ErrorCode::kInvalidArgument && !error.where.empty()) {
    // The same shape as schema errors, so that clients read one list.
    auto body = nlohmann::json::parse(res.body);
    body["error"]["details"]["errors"] = {{{"path", error.where}, {"message", error.message}}};
    res.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return res;
}

http::Response ValidationErrorResponse(const std::vector<SchemaError>& errors,
                                       const std::string& what) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : errors)
    list.push_back({{"path", e.path}, {"message", e.message}});
  std::string message = what + " is invalid";
  if (!errors.empty()) {
    message += ": " + (errors[0].path.empty() ? "" : errors[0].path + " ") + errors[0].message;
    if (errors.size() > 1) message += " (and " + std::to_string(errors.size() - 1) + " more)";
  }
  nlohmann::json details = {{"errors", list}};
  if (!errors.empty()) details["where"] = errors[0].path;
  return http::Response::Error(400, "invalid_argument", message, details);
}

http::Response ConflictResponse(const std::string& message, int64_t current_revision) {
  return http::Response::Error(
      409, "conflict", message,
      {{"currentRevision", current_revision}, {"hint", "read it again and reapply your change"}});
}

http::Response TooManyRequests(const std::string& message, int64_t retry_after_ms) {
  int64_t seconds = std::max<int64_t>(1, (retry_after_ms + 999) / 1000);
  auto res =
      http::Response::Error(429, "resource_exhausted", message, {{"retryAfterSeconds", seconds}});
  res.headers["Retry-After"] = std::to_string(seconds);
  return res;
}

}  // namespace sluice::api
