// How the JobManager REST client reaches a JobManager: one "send this request" function.
// UrlTransport talks to a base URL; deploy/ wraps the Kubernetes API server's service
// proxy in the same shape, so this module never needs to know Kubernetes.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "http/client.h"

namespace sluice::flink {

struct RestRequest {
  std::string method = "GET";
  std::string path;  // below the REST root, with the query: /jobs/overview
  std::string body;  // JSON
  std::string content_type;
  std::vector<http::MultipartPart> multipart;
  std::chrono::milliseconds timeout{-1};  // -1: the transport's default
  // Repeating it after a failure in transit cannot do harm (reads, a savepoint trigger
  // with a caller-chosen triggerId, cancel).
  bool idempotent = true;
};

// Sends one request; any HTTP status is a response, transport failures are errors.
using Transport = std::function<Result<http::ClientResponse>(const RestRequest&)>;

struct UrlTransportOptions {
  http::TlsConfig tls;
  http::Headers headers;  // e.g. Authorization for a JobManager behind a proxy
  std::chrono::milliseconds timeout{30'000};
  http::RetryPolicy retry;  // idempotent requests only
};

// `base_url`: http(s)://host:port[/prefix] of the JobManager's REST endpoint.
Transport UrlTransport(std::string base_url, UrlTransportOptions options = {});

}  // namespace sluice::flink
