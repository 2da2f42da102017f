// The `sluice` client's side of the REST API, shared by every command that talks to a
// server (login, clusters, teams, users, and the jobs commands): which server and token,
// one request, and the server's errors as Errors that say what, where and what to do.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/client_config.h"
#include "common/result.h"
#include "http/message.h"

namespace sluice::cli {

class ApiClient {
 public:
  // The server: `server_flag`, else SLUICE_SERVER, else the configuration's, else
  // http://127.0.0.1:8080. The token: SLUICE_TOKEN, else the configuration's.
  static Result<ApiClient> FromConfig(const std::string& server_flag);

  ApiClient(std::string server, std::string token);

  // JSON in, JSON out (null for 204). An answer of 4xx or 5xx is an Error built from the
  // error body: the message, `where` (the first field path) and the hint, with every
  // field problem appended to the message.
  Result<nlohmann::json> Call(const std::string& method, const std::string& path,
                              const nlohmann::json& body = nullptr,
                              http::Headers headers = {}) const;
  Result<nlohmann::json> Get(const std::string& path) const { return Call("GET", path); }
  // GET of a streamed text body (logs): each piece to `on_data` as it arrives (return false
  // to stop); an error answer becomes an Error as in Call, and none of it reaches on_data.
  Status Stream(const std::string& path,
                const std::function<bool(std::string_view)>& on_data) const;

  const std::string& server() const { return server_; }
  bool has_token() const { return !token_.empty(); }

 private:
  std::string server_;
  std::string token_;
};

// An HTTP status and error body as an Error (exposed for tests).
Error ErrorFromResponse(int status, const std::string& body, const std::string& what);
// "/api/v1/clusters/" + PercentEncode(name)
std::string PathOf(const std::string& collection, const std::string& name);

}  // namespace sluice::cli
