// The credentials of one request: a bearer token (static, from a file that rotates, or
// from an exec plugin, cached until it expires) and/or a client certificate.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "common/result.h"
#include "http/client.h"
#include "k8s/kubeconfig.h"

namespace sluice::k8s {

// What an exec plugin printed (client.authentication.k8s.io ExecCredential.status).
struct ExecCredential {
  std::string token;
  std::string client_cert_pem, client_key_pem;
  int64_t expires_at_ms = 0;  // 0: no expiry given (valid until the server says 401)
};

// Runs the plugin with argv (never a shell), KUBERNETES_EXEC_INFO and the configured
// environment, and parses its ExecCredential. Errors quote the plugin's stderr.
Result<ExecCredential> RunExecPlugin(const ExecConfig& exec, const RestConfig& cluster,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(60));
// Parses an ExecCredential document (exposed for tests).
Result<ExecCredential> ParseExecCredential(std::string_view json_text,
                                           std::string_view api_version);

class Credentials {
 public:
  explicit Credentials(RestConfig config) : config_(std::move(config)) {}

  // Adds Authorization and the client certificate to a request.
  Status Apply(http::ClientRequest& request);
  // After a 401: forget cached tokens so the next Apply re-reads or re-runs them. True
  // when something was forgotten (so a retry may help).
  bool Invalidate();
  // How many times the exec plugin ran (tests check the cache).
  int exec_runs() const;

 private:
  RestConfig config_;
  mutable std::mutex mu_;
  std::string file_token_;
  int64_t file_read_at_ms_ = 0;
  ExecCredential exec_;
  bool exec_valid_ = false;
  int exec_runs_ = 0;
};

}  // namespace sluice::k8s
