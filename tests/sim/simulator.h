// sluice-sim as a library: the API server (HTTPS), the controllers, the Flink layers
// (native Kubernetes, operator, YARN, standalone), faults, and the admin API under /sim/v1.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "http/server.h"
#include "sim/api.h"
#include "sim/apiserver.h"
#include "sim/certs.h"
#include "sim/controllers.h"
#include "sim/faults.h"
#include "sim/flink_native.h"
#include "sim/settings.h"

namespace sluice::sim {

class FlinkOperator;
class YarnCluster;

struct SimOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string kubeconfig_out;
  std::string token;  // "" = generate one
  Timings timings;
  size_t history_limit = 10000;
  std::chrono::milliseconds bookmark_interval{60000};
  int threads = 8;
  std::vector<std::string> crd_files;  // CRDs installed at start (YAML, one or more documents)
  std::string bad_image_pattern;       // "" = the default
  std::vector<std::string> known_images;
  bool record_events = true;
  bool operator_enabled = true;
  std::string yarn_listen;        // host:port, "" = no YARN ResourceManager
  std::string standalone_listen;  // host:port, "" = none at start
  bool strict_savepoints = false;
};

class Simulator {
 public:
  static Result<std::unique_ptr<Simulator>> Start(SimOptions options);
  ~Simulator();

  std::string url() const;  // https://127.0.0.1:port
  const std::string& token() const { return token_; }
  const Pki& pki() const { return pki_; }
  std::string Kubeconfig() const;
  std::string yarn_url() const;
  std::string standalone_url() const;

  Api& api() { return *api_; }
  Store& store() { return store_; }
  Scheduler& scheduler() { return scheduler_; }
  Settings& settings() { return settings_; }
  FlinkNative& flink() { return *flink_; }
  Faults& faults() { return faults_; }
  SavepointRegistry& savepoints() { return savepoints_; }
  YarnCluster* yarn() { return yarn_.get(); }

  // Lets queued work run (tests); returns when nothing is due right now.
  void Drain() { scheduler_.Drain(); }
  void Shutdown();

  // Starts a standalone session JobManager on host:port ("127.0.0.1:0" picks a port).
  Result<std::string> StartStandalone(const std::string& listen);

 private:
  Simulator() = default;
  http::Response Admin(http::Request& req);

  SimOptions options_;
  std::string token_;
  Pki pki_;
  Settings settings_;
  Store store_;
  Scheduler scheduler_;
  Faults faults_;
  SavepointRegistry savepoints_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<Controllers> controllers_;
  std::unique_ptr<FlinkNative> flink_;
  std::unique_ptr<FlinkOperator> operator_;
  std::unique_ptr<YarnCluster> yarn_;
  std::unique_ptr<ApiServer> apiserver_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<http::Server> yarn_server_;
  std::vector<std::unique_ptr<http::Server>> standalone_servers_;
  std::vector<std::shared_ptr<FlinkCluster>> standalone_clusters_;
  std::mutex mu_;
  bool shut_ = false;
};

Result<std::pair<std::string, uint16_t>> ParseHostPort(const std::string& text);

}  // namespace sluice::sim
