// Outbound HTTP on libcurl: TLS with in-memory or file credentials, timeouts, streamed
// bodies, multipart uploads, and retries with backoff that honour Retry-After.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "http/message.h"

namespace sluice::http {

struct TlsConfig {
  std::string ca_pem;  // trusted CA certificates, PEM
  std::string ca_file;
  std::string client_cert_pem;  // client certificate for mutual TLS
  std::string client_cert_file;
  std::string client_key_pem;
  std::string client_key_file;
  std::string server_name;  // expected name when it differs from the URL's host
  bool insecure_skip_verify = false;
};

struct MultipartPart {
  std::string name;
  std::string filename;  // set for a file part
  std::string content_type;
  std::string data;
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
  std::vector<MultipartPart> multipart;       // when not empty, sent as multipart/form-data
  std::chrono::milliseconds timeout{30'000};  // whole exchange; 0 = none (watches)
  std::chrono::milliseconds connect_timeout{10'000};
  TlsConfig tls;
  // When set, the body is passed here as it arrives instead of being collected;
  // return false to stop the transfer.
  std::function<bool(std::string_view chunk)> on_data;
  // When set, asked about once a second during the transfer (also while no data comes);
  // return false to stop it, as on_data can. Lets a long stream end on shutdown.
  std::function<bool()> keep_going;
};

struct ClientResponse {
  int status = 0;
  Headers headers;
  std::string body;
};

struct RetryPolicy {
  int max_attempts = 4;
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5'000};
  bool retry_server_errors = true;  // 500, 502, 503, 504; 429 is always retried
};

// Sends one request. Transport failures are kUnavailable or kTimeout errors naming the
// method and URL; any HTTP status, 5xx included, is a response.
Result<ClientResponse> Send(const ClientRequest& request);

// Send, retried on connection errors, timeouts, 429 and (by policy) 5xx, with exponential
// backoff and jitter; Retry-After (seconds) is honoured up to max_backoff. Returns the
// last response or error.
Result<ClientResponse> SendWithRetry(const ClientRequest& request, const RetryPolicy& policy);

}  // namespace sluice::http
