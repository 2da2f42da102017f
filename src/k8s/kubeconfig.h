// Where an API server is and how to authenticate to it: kubeconfig files (one, or a
// $KUBECONFIG list merged the way kubectl merges it) and the in-cluster service account.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "http/client.h"

namespace sluice::k8s {

// users[].user.exec: a credential plugin run with argv (never a shell).
struct ExecConfig {
  std::string api_version = "client.authentication.k8s.io/v1";
  std::string command;  // resolved: absolute, relative to the kubeconfig, or looked up in PATH
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string install_hint;
  bool provide_cluster_info = false;
  std::string interactive_mode;  // Never, IfAvailable, Always; Sluice never runs interactively
};

struct AuthInfo {
  std::string token;       // bearer token
  std::string token_file;  // re-read from time to time (service-account tokens rotate)
  std::string client_cert_pem, client_cert_file;
  std::string client_key_pem, client_key_file;
  std::string username, password;  // basic authentication
  std::optional<ExecConfig> exec;
};

// Everything needed to talk to one API server.
struct RestConfig {
  std::string server;   // https://host:port, with an optional path prefix
  http::TlsConfig tls;  // CA, insecure-skip-tls-verify, server name; the client cert is in auth
  AuthInfo auth;
  std::string default_namespace = "default";
  std::string context, cluster, user;  // names from the kubeconfig, for messages
  std::string source;                  // the file(s) it came from, or "in-cluster"
};

struct KubeconfigContext {
  std::string cluster, user, namespace_;
};

// A parsed kubeconfig, paths already resolved against the directory of the file that
// defined them. Merge() keeps the first definition of every name, as kubectl does.
class Kubeconfig {
 public:
  static Result<Kubeconfig> Parse(std::string_view text, std::string_view source,
                                  std::string_view base_dir);
  static Result<Kubeconfig> Load(const std::string& path);
  void Merge(const Kubeconfig& later);

  // The named context, or the current one when `context` is empty.
  Result<RestConfig> Resolve(std::string_view context = "") const;

  const std::string& current_context() const { return current_context_; }
  std::vector<std::string> ContextNames() const;
  const std::string& source() const { return source_; }

 private:
  struct Cluster {
    std::string server, ca_pem, ca_file, tls_server_name;
    bool insecure = false;
  };
  std::map<std::string, Cluster> clusters_;
  std::map<std::string, AuthInfo> users_;
  std::map<std::string, KubeconfigContext> contexts_;
  std::string current_context_;
  std::string source_;
};

struct KubeconfigOptions {
  std::string path;     // --kubeconfig; else $KUBECONFIG (':'-separated); else ~/.kube/config
  std::string context;  // --context; else current-context
};

// The configuration kubectl would use with the same flags and environment. An explicit
// path must exist; files of a $KUBECONFIG list that do not exist are skipped.
Result<RestConfig> LoadRestConfig(const KubeconfigOptions& options);

// The pod's own service account: KUBERNETES_SERVICE_HOST/PORT, the token and CA under
// `root` (/var/run/secrets/kubernetes.io/serviceaccount) and its namespace file.
Result<RestConfig> InClusterConfig(
    std::string_view root = "/var/run/secrets/kubernetes.io/serviceaccount");

}  // namespace sluice::k8s
