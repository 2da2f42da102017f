#include "cli/api_client.h"

#include <cstdlib>

#include "common/strings.h"
#include "http/client.h"

namespace sluice::cli {

Result<ApiClient> ApiClient::FromConfig(const std::string& server_flag) {
  SLUICE_ASSIGN_OR_RETURN(ClientConfig config, LoadClientConfig());
  std::string server = server_flag;
  if (server.empty()) {
    const char* env = std::getenv("SLUICE_SERVER");
    server = env && *env ? env : config.server;
  }
  if (server.empty()) server = kDefaultServer;
  const char* token = std::getenv("SLUICE_TOKEN");
  return ApiClient(server, token && *token ? token : config.token);
}

ApiClient::ApiClient(std::string server, std::string token)
    : server_(std::move(server)), token_(std::move(token)) {
  while (!server_.empty() && server_.back() == '/')
    server_.pop_back();
}

std::string PathOf(const std::string& collection, const std::string& name) {
  return collection + "/" + http::PercentEncode(name);
}

Error ErrorFromResponse(int status, const std::string& body, const std::string& what) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  ErrorCode code = ErrorCode::kInternal;
  switch (status) {
    case 400:
      code = ErrorCode::kInvalidArgument;
      break;
    case 401:
      code = ErrorCode::kUnauthenticated;
      break;
    case 403:
      code = ErrorCode::kPermissionDenied;
      break;
    case 404:
      code = ErrorCode::kNotFound;
      break;
    case 409:
      code = ErrorCode::kConflict;
      break;
    case 413:
    case 429:
      code = ErrorCode::kResourceExhausted;
      break;
    case 422:
      code = ErrorCode::kFailedPrecondition;
      break;
    case 503:
      code = ErrorCode::kUnavailable;
      break;
    default:
      break;
  }
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) {
    return MakeError(code, what + ": HTTP " + std::to_string(status));
  }
  const auto& e = j["error"];
  Error err = MakeError(code, e.value("message", "HTTP " + std::to_string(status)));
  if (e.contains("details") && e["details"].is_object()) {
    const auto& d = e["details"];
    if (d.contains("where") && d["where"].is_string()) err.where = d["where"];
    if (d.contains("hint") && d["hint"].is_string()) err.hint = d["hint"];
    if (d.contains("errors") && d["errors"].is_array() && d["errors"].size() > 1) {
      for (const auto& item : d["errors"]) {
        err.message += "\n  " + item.value("path", "") + ": " + item.value("message", "");
      }
    }
    if (d.contains("currentRevision")) {
      err.hint =
          "it is now at revision " + d["currentRevision"].dump() + "; read it again and retry";
    }
  }
  if (status == 401 && err.hint.empty()) err.hint = "log in: sluice login";
  return err;
}

Result<nlohmann::json> ApiClient::Call(const std::string& method, const std::string& path,
                                       const nlohmann::json& body, http::Headers headers) const {
  http::ClientRequest req{.method = method, .url = server_ + path, .headers = std::move(headers)};
  if (!token_.empty() && !req.headers.contains("Authorization")) {
    req.headers["Authorization"] = "Bearer " + token_;
  }
  req.headers["Accept"] = "application/json";
  if (!body.is_null()) {
    req.body = body.dump();
    req.headers["Content-Type"] = "application/json";
  }
  auto res = http::Send(req);
  if (!res.ok()) {
    return std::move(res).error().Hint(
        "is the server running? give its address with --server or SLUICE_SERVER");
  }
  if (res->status >= 400) return ErrorFromResponse(res->status, res->body, method + " " + path);
  if (res->status == 204 || res->body.empty()) return nlohmann::json(nullptr);
  auto j = nlohmann::json::parse(res->body, nullptr, false);
  if (j.is_discarded())
    return Internal("the server answered " + method + " " + path + " with something not JSON");
  return j;
}

Status ApiClient::Stream(const std::string& path,
                         const std::function<bool(std::string_view)>& on_data) const {
  http::ClientRequest req{.url = server_ + path, .timeout = std::chrono::milliseconds(0)};
  if (!token_.empty()) req.headers["Authorization"] = "Bearer " + token_;
  // The error shape ({"error": ...}) is held back until the status says what it is.
  std::string held;
  bool first = true;
  req.on_data = [&](std::string_view chunk) {
    if (first) {
      first = false;
      if (chunk.starts_with(R"({"error":)")) {
        held.assign(chunk);
        return true;
      }
    }
    if (!held.empty()) {
      held.append(chunk);
      return true;
    }
    return on_data(chunk);
  };
  auto res = http::Send(req);
  if (!res.ok()) {
    return std::move(res).error().Hint(
        "is the server running? give its address with --server or SLUICE_SERVER");
  }
  if (res->status >= 400) return ErrorFromResponse(res->status, held, "GET " + path);
  if (!held.empty()) on_data(held);
  return Status::Ok();
}

}  // namespace sluice::cli
