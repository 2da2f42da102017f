// Where GET /api/v1/jobs/{name}/logs reads a job's JobManager and TaskManager logs. The API
// only knows this seam; `sluice serve` installs a source (KubernetesJobLogs for the
// Kubernetes targets, given a way to reach a registered cluster); without one the route
// answers 503.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sluice::k8s {
class Client;
}

namespace sluice::api {

// The Flink cluster of a job, as its current spec places it.
struct LogTarget {
  std::string cluster;     // the registered cluster (spec.cluster); "" = the default one
  std::string namespace_;  // Kubernetes namespace
  std::string cluster_id;  // Flink's kubernetes.cluster-id: pods carry app=<cluster_id>
};

struct LogQuery {
  std::string component = "jobmanager";  // or taskmanager
  std::string pod;                       // one pod by name; "" = every pod of the component
  bool follow = false;
  std::optional<int64_t> tail_lines;
};

class JobLogSource {
 public:
  virtual ~JobLogSource() = default;
  // The pods a query reads, sorted by name; kNotFound when there are none.
  virtual Result<std::vector<std::string>> Pods(const LogTarget& target, const LogQuery& query) = 0;
  // One pod's log; with follow, until the pod ends or on_data returns false.
  virtual Status Stream(const LogTarget& target, const std::string& pod, const LogQuery& query,
                        const std::function<bool(std::string_view)>& on_data) = 0;
};

// The installed source (or none); thread-safe, so that serve may install it after start.
class JobLogs {
 public:
  void Set(std::shared_ptr<JobLogSource> source) {
    std::lock_guard lock(mu_);
    source_ = std::move(source);
  }
  std::shared_ptr<JobLogSource> Get() const {
    std::lock_guard lock(mu_);
    return source_;
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<JobLogSource> source_;
};

// Pods labelled app=<cluster id>,component=<jobmanager|taskmanager> (what Flink's native
// Kubernetes integration and the operator create), read through the Kubernetes API.
class KubernetesJobLogs : public JobLogSource {
 public:
  using ClientFor = std::function<Result<std::shared_ptr<k8s::Client>>(const std::string& cluster)>;
  explicit KubernetesJobLogs(ClientFor client_for) : client_for_(std::move(client_for)) {}

  Result<std::vector<std::string>> Pods(const LogTarget& target, const LogQuery& query) override;
  Status Stream(const LogTarget& target, const std::string& pod, const LogQuery& query,
                const std::function<bool(std::string_view)>& on_data) override;

 private:
  ClientFor client_for_;
};

}  // namespace sluice::api
