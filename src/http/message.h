// HTTP requests and responses as the server's handlers see them, independent of Beast.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace sluice::http {

struct CaseInsensitiveLess {
  bool operator()(std::string_view a, std::string_view b) const;
  using is_transparent = void;
};
using Headers = std::map<std::string, std::string, CaseInsensitiveLess>;

struct Request {
  std::string method;                                      // upper case, as sent
  std::string target;                                      // path and query, as sent
  std::string path;                                        // the path, not decoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded
  Headers headers;
  std::string body;
  std::string remote_address;
  std::string client_cert_subject;  // CN of a verified TLS client certificate, if any
  std::string request_id;
  std::map<std::string, std::string> params;  // decoded values of {name} segments
  std::string route;                          // the matched pattern, "" if none

  std::string Header(std::string_view name) const;
  std::optional<std::string> Query(std::string_view name) const;
  std::string Param(std::string_view name) const;
};

// A response body sent piece by piece (watches, server-sent events, log tails).
// Thread-safe: a handler may keep it and write from any thread.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  // Queues data; false once the stream is closed (by the client, Close() or shutdown).
  virtual bool Write(std::string data) = 0;
  virtual void Close() = 0;
  virtual bool closed() const = 0;
  // Called once, on the server's thread, when the stream ends for any reason.
  virtual void OnClose(std::function<void()> callback) = 0;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // When set, the headers go out with chunked encoding and this is called with the writer.
  std::function<void(std::shared_ptr<StreamWriter>)> stream;

  static Response Json(int status, const nlohmann::json& body);
  static Response Text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  // The one error shape: {"error": {"code": ..., "message": ..., "details": ...}}.
  static Response Error(int status, std::string_view code, std::string message,
                        nlohmann::json details = nullptr);
  static Response FromError(const sluice::Error& error);
};

int HttpStatusFor(ErrorCode code);
const char* ReasonPhrase(int status);

std::string PercentDecode(std::string_view s, bool plus_is_space = false);
std::string PercentEncode(std::string_view s);  // everything but unreserved characters
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);

using Handler = std::function<Response(Request&)>;

}  // namespace sluice::http
