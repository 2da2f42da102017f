// Clusters (targets) as the API manages them: the configuration schema of each kind,
// validation with field paths, secrets sealed at rest and never shown, the teams a cluster
// is limited to, and optimistic concurrency.
//
// Kinds: kubernetes (kubeconfig upload or in-cluster), yarn, standalone (a session
// cluster's JobManager), flink-version (a Flink distribution: FLINK_HOME and version).
//
// Preflight (can Sluice reach and use the cluster?) plugs in through ClusterPreflight, which
// `sluice serve` installs (reconcile/cluster_preflight.h: the checks need deploy/ and k8s/).
// The last report of each cluster is kept in memory, for this revision of the cluster only.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/json_schema.h"
#include "common/crypto.h"
#include "store/store.h"

namespace sluice::api {

struct ClusterInput {
  std::string name;
  std::string kind;
  nlohmann::json config = nlohmann::json::object();
  // Secret fields to set (string) or remove (null); fields not named keep their value.
  nlohmann::json secrets = nlohmann::json::object();
  std::vector<std::string> teams;  // empty: every team may use it
};

// The seam for preflight checks, installed by `sluice serve`.
class ClusterPreflight {
 public:
  virtual ~ClusterPreflight() = default;
  // The checks of a cluster with its opened secrets, as a JSON array of
  // {name, status: ok|warning|error|skipped, message?, hint?}. It must come back within a
  // few seconds, also when the cluster does not answer (that is an error check).
  virtual nlohmann::json Check(const store::Cluster& cluster, const nlohmann::json& secrets) = 0;
};

class ClusterService {
 public:
  ClusterService(store::Store& store, std::shared_ptr<const crypto::SecretBox> box)
      : store_(store), box_(std::move(box)) {}

  static const std::vector<std::string>& Kinds();
  // The JSON Schema of `config` for a kind, and the secret fields it takes.
  static const nlohmann::json& ConfigSchema(const std::string& kind);
  static const std::vector<std::string>& SecretFields(const std::string& kind);

  // Problems with the input's shape, by field path; `current` (on update) holds secrets that
  // already satisfy a requirement.
  std::vector<SchemaError> Validate(const ClusterInput& in, const store::Cluster* current) const;
  // References to other objects: teams and Flink versions must exist (kFailedPrecondition).
  Status CheckReferences(const ClusterInput& in) const;

  Result<store::Cluster> Create(const ClusterInput& in);
  // kConflict when `revision` is not the stored one.
  Result<store::Cluster> Update(const ClusterInput& in, const store::Cluster& current,
                                int64_t revision);
  // kFailedPrecondition while live jobs use it.
  Status Delete(const std::string& name);

  // The secrets, opened; for deployers and preflight, never for API answers.
  Result<nlohmann::json> OpenSecrets(const store::Cluster& cluster) const;

  static std::vector<std::string> TeamsOf(const store::Cluster& cluster);
  // The API's view: configuration, teams and which secret fields are set — no values.
  nlohmann::json ToJson(const store::Cluster& cluster) const;

  void SetPreflight(std::shared_ptr<ClusterPreflight> preflight) {
    std::lock_guard lock(preflight_mu_);
    preflight_ = std::move(preflight);
  }
  std::shared_ptr<ClusterPreflight> preflight() const {
    std::lock_guard lock(preflight_mu_);
    return preflight_;
  }
  // Runs the installed checks (kUnavailable without any): {ok, checkedAt, checks}, ok when
  // no check is an error. The report is kept for this revision of the cluster.
  Result<nlohmann::json> RunPreflight(const store::Cluster& cluster, int64_t now_ms);
  // The kept report of the cluster at this revision, or null.
  nlohmann::json LastPreflight(const store::Cluster& cluster) const;

 private:
  Result<std::string> SealMerged(const ClusterInput& in, const store::Cluster* current) const;

  store::Store& store_;
  std::shared_ptr<const crypto::SecretBox> box_;
  mutable std::mutex preflight_mu_;
  std::shared_ptr<ClusterPreflight> preflight_;
  struct KeptReport {
    int64_t revision = 0;
    nlohmann::json report;
  };
  std::map<std::string, KeptReport> reports_;  // by cluster name
};

}  // namespace sluice::api
