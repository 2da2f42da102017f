// Building error responses in the one JSON shape {"error": {"code", "message", "details"}}.
#pragma once

#include <string>
#include <vector>

#include "api/json_schema.h"
#include "common/result.h"
#include "http/message.h"

namespace sluice::api {

// The status follows the code; details carry `where` (a field path) and `hint`. A 401
// carries WWW-Authenticate.
http::Response ErrorResponse(const Error& error);
// 400 with every problem by field path: details {"errors": [{"path", "message"}]}.
http::Response ValidationErrorResponse(const std::vector<SchemaError>& errors,
                                       const std::string& what = "the request");
// 409 with the revision the object is at now.
http::Response ConflictResponse(const std::string& message, int64_t current_revision);
// 429 with Retry-After (seconds, rounded up).
http::Response TooManyRequests(const std::string& message, int64_t retry_after_ms);
http::Response Unauthorized(const std::string& message, const std::string& hint = "",
                            bool basic = false);

}  // namespace sluice::api
