#include "k8s/errors.h"

#include "common/strings.h"
#include "http/status.h"

namespace sluice::k8s {

ApiStatus ParseStatus(int http_status, std::string_view body) {
  ApiStatus s;
  s.code = http_status;
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_discarded() && doc.is_object() && doc.value("kind", "") == "Status") {
    if (doc.contains("code") && doc["code"].is_number_integer()) s.code = doc["code"];
    s.reason = doc.value("reason", "");
    s.message = doc.value("message", "");
    const nlohmann::json details = doc.value("details", nlohmann::json::object());
    for (const auto& c : details.value("causes", nlohmann::json::array())) {
      std::string field = c.value("field", "");
      std::string msg = c.value("message", "");
      s.causes.push_back(field.empty() ? msg : field + ": " + msg);
    }
    s.retry_after_seconds = details.value("retryAfterSeconds", 0);
  }
  if (s.message.empty()) {
    std::string text(Trim(body));
    if (text.size() > 300) text = text.substr(0, 300) + "...";
    s.message = "HTTP " + std::to_string(http_status) + (text.empty() ? "" : ": " + text);
  }
  return s;
}

ErrorCode CodeFor(int http_status, std::string_view reason) {
  switch (http_status) {
    case 415:
    case 422:
      return ErrorCode::kInvalidArgument;
    case 409:
      return reason == "AlreadyExists" ? ErrorCode::kAlreadyExists : ErrorCode::kConflict;
    case 410:
      return ErrorCode::kFailedPrecondition;  // Expired / Gone: relist
    default:
      return http::ErrorCodeForStatus(http_status);
  }
}

Error ApiError(std::string_view verb, std::string_view object, const ApiStatus& status) {
  std::string message = std::string(verb) + " " + std::string(object) + ": " + status.message;
  // The server's message usually lists the causes already; add those it does not.
  for (const auto& c : status.causes) {
    if (status.message.find(c) == std::string::npos) message += "; " + c;
  }
  Error e = MakeError(CodeFor(status.code, status.reason), message);
  e.where = std::string(object);
  switch (status.code) {
    case 401:
      e.hint =
          "the API server refused the credentials; check the kubeconfig user (token, "
          "certificate or credential plugin)";
      break;
    case 403:
      e.hint =
          "grant the right through a Role and RoleBinding (sluice preflight --setup "
          "creates what Flink needs)";
      break;
    case 410:
      e.hint = "the resourceVersion is too old; list again";
      break;
    case 429:
      e.hint = "the API server is rate limiting; retry later";
      break;
    default:
      break;
  }
  return e;
}

}  // namespace sluice::k8s
